// A citizen signs in at the citizen provider: the login redirect, first
// sign-in provisioning an applicant, a dossier submitted with the session
// cookie and CSRF token, CSRF and Origin checks, logout, disabling.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Browser } from '../browser.mjs';
import { asSession, citizens, kAgency, kLoginCookie, kSessionCookie, problemReason, startStack } from './harness.mjs';

describe('citizen sign-in', () => {
  let stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  test('the providers are listed with their login URLs', async () => {
    const listed = await (await fetch(`${stack.base}/v1/auth/providers`)).json();
    assert.deepEqual(listed.providers, [
      { id: 'vneid', kind: 'citizen', login_url: '/v1/auth/vneid/login' },
      { id: 'h26-staff', kind: 'staff', login_url: '/v1/auth/h26-staff/login' },
    ]);
  });

  test('login redirects to the authorization endpoint with PKCE S256, state and nonce, and sets the login cookie', async () => {
    const browser = new Browser();
    const response = await browser.request(stack.loginUrl('vneid'));
    assert.equal(response.status, 302);
    const location = new URL(response.headers.get('location'));
    assert.equal(`${location.origin}${location.pathname}`, `${stack.vneid.issuer}/auth`);
    const q = location.searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), 'motcua-vneid');
    assert.equal(q.get('redirect_uri'), `${stack.base}/v1/auth/vneid/callback`);
    assert.ok(q.get('scope').split(' ').includes('openid'));
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge'), /^[A-Za-z0-9_-]{43}$/);
    for (const name of ['state', 'nonce']) assert.match(q.get(name), /^[A-Za-z0-9_-]{43,}$/, name);
    const again = new URL((await new Browser().request(stack.loginUrl('vneid'))).headers.get('location')).searchParams;
    for (const name of ['state', 'nonce', 'code_challenge']) assert.notEqual(again.get(name), q.get(name), `${name} is fresh`);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith(`${kLoginCookie}=`));
    assert.ok(cookie, 'login cookie set');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
  });

  test('an unknown provider is 404, a known one redirects', async () => {
    assert.equal((await fetch(stack.loginUrl('h26-staff'), { redirect: 'manual' })).status, 302);
    const response = await fetch(stack.loginUrl('nobody'), { redirect: 'manual' });
    assert.equal(response.status, 404);
    assert.match(response.headers.get('content-type'), /application\/problem\+json/);
  });

  test('return_to never leads off the site', async () => {
    for (const bad of ['//evil.example/x', 'https://evil.example/', '/\\evil.example', 'relative', '/%2F%2Fevil.example']) {
      const login = await new Browser().request(stack.loginUrl('vneid', `?return_to=${encodeURIComponent(bad)}`));
      if (login.status === 400) continue; // refused outright
      assert.equal(login.status, 302, bad);
      const { response } = await new Browser().signIn(stack.loginUrl('vneid', `?return_to=${encodeURIComponent(bad)}`), citizens.chi.sub);
      const target = response.headers.get('location');
      assert.equal(response.status, 303, bad);
      assert.ok(target.startsWith('/') && !target.startsWith('//') && !target.includes('\\'), `${bad} -> ${target}`);
      assert.equal(new URL(target, stack.base).origin, stack.base, `${bad} -> ${target}`);
    }
  });

  test('first sign-in provisions an applicant, who submits a dossier with the session cookie and CSRF token', async () => {
    const an = citizens.an;
    assert.equal((await stack.admin('GET', `/v1/users/${an.national_id}`)).status, 404, 'not yet a user');
    const { browser, response } = await stack.signIn('vneid', an.sub, '?return_to=/dossiers/new');
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/dossiers/new');
    const setCookies = response.headers.getSetCookie();
    const session = setCookies.find((c) => c.startsWith(`${kSessionCookie}=`));
    assert.ok(session, 'session cookie set');
    assert.match(session, /HttpOnly/i);
    assert.match(session, /SameSite=Lax/i);
    assert.match(session, /Path=\//);
    assert.doesNotMatch(session, /Secure/i, 'plain-HTTP loopback');
    assert.match(session.split(';')[0], /^motcua_session=[A-Za-z0-9_-]{43,}$/, '256-bit secret');
    assert.equal(browser.cookie(stack.base, kLoginCookie), undefined, 'login cookie cleared');

    const me = await asSession(browser, 'GET', `${stack.base}/v1/session`);
    assert.equal(me.status, 200);
    assert.equal(me.body.user_id, an.national_id);
    assert.equal(me.body.name, an.name);
    assert.deepEqual(me.body.roles, ['applicant']);
    assert.equal(me.body.agency, null);
    assert.equal(me.body.authenticated_by, 'oidc_session');
    assert.equal(me.body.identity_provider, 'vneid');
    assert.ok(me.body.csrf_token?.length >= 32);
    assert.ok(Date.parse(me.body.expires_at) > Date.now());
    // What the provider verified, for pre-filling forms (no address: it gives none).
    assert.deepEqual(me.body.verified_identity, { name: an.name, id_number: an.national_id, birthdate: an.birthdate });
    const user = await stack.admin('GET', `/v1/users/${an.national_id}`);
    assert.equal(user.status, 200);
    assert.deepEqual(user.body.roles, ['applicant']);

    const csrf = me.body.csrf_token;
    const upload = await asSession(browser, 'POST', `${stack.base}/v1/documents`, {
      csrf, body: '%PDF-1.4 e2e declaration', headers: { 'content-type': 'application/pdf', origin: stack.base },
    });
    assert.equal(upload.status, 201, upload.text);
    const submission = {
      procedure: '1.003677',
      agency: kAgency,
      form: {
        full_name: an.name, citizen_id: an.national_id, absent_from: '2027-03-10', absent_until: '2027-04-10',
        destination: 'Đà Nẵng', reason: 'công tác',
      },
      documents: { declaration: upload.body.id },
    };
    const created = await asSession(browser, 'POST', `${stack.base}/v1/dossiers`, {
      csrf, body: submission, headers: { 'idempotency-key': 'e2e-citizen-1' },
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.body.applicant_id, an.national_id);
    const read = await asSession(browser, 'GET', `${stack.base}/v1/dossiers/${created.body.code}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.state, 'submitted');
    // The name and ID number were submitted as the provider verified them.
    assert.equal(read.body.identity_verified_by, 'vneid');
    assert.deepEqual(read.body.identity_data_fields, ['citizen_id', 'full_name']);

    // A second sign-in is the same user, not a second one.
    const second = await stack.signIn('vneid', an.sub);
    const again = await asSession(second.browser, 'GET', `${stack.base}/v1/session`);
    assert.equal(again.body.user_id, an.national_id);
    assert.notEqual(again.body.csrf_token, csrf, 'each session its own CSRF token');
  });

  describe('state-changing requests by cookie', () => {
    let browser;
    let csrf;
    before(async () => {
      ({ browser } = await stack.signIn('vneid', citizens.binh.sub));
      csrf = (await asSession(browser, 'GET', `${stack.base}/v1/session`)).body.csrf_token;
    });
    const upload = (options) => asSession(browser, 'POST', `${stack.base}/v1/documents`, {
      body: `%PDF-1.4 ${Math.random()}`, ...options, headers: { 'content-type': 'application/pdf', ...options.headers },
    });

    test('without the CSRF token: 403 csrf_token_invalid', async () => {
      const refused = await upload({});
      assert.equal(refused.status, 403);
      assert.equal(problemReason(refused), 'csrf_token_invalid');
    });

    test('with a wrong or another session\'s CSRF token: 403 csrf_token_invalid', async () => {
      const other = await stack.signIn('vneid', citizens.chi.sub);
      const othersToken = (await asSession(other.browser, 'GET', `${stack.base}/v1/session`)).body.csrf_token;
      for (const wrong of [`${csrf}x`, othersToken, csrf.toUpperCase() === csrf ? csrf.toLowerCase() : csrf.toUpperCase()]) {
        const refused = await upload({ csrf: wrong });
        assert.equal(refused.status, 403);
        assert.equal(problemReason(refused), 'csrf_token_invalid');
      }
    });

    test('from another origin: 403 origin_refused, even with the token', async () => {
      for (const origin of ['http://evil.example', 'null', `http://localhost:${new URL(stack.base).port}`, `https://127.0.0.1:${new URL(stack.base).port}`]) {
        const refused = await upload({ csrf, headers: { origin } });
        assert.equal(refused.status, 403, origin);
        assert.equal(problemReason(refused), 'origin_refused', origin);
      }
    });

    test('with the token and the server\'s own origin (or none): accepted', async () => {
      assert.equal((await upload({ csrf, headers: { origin: stack.base } })).status, 201);
      assert.equal((await upload({ csrf })).status, 201);
    });

    test('a bearer token wins over the cookie and needs no CSRF token', async () => {
      const users = await asSession(browser, 'GET', `${stack.base}/v1/users`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
      assert.equal(users.status, 200);
      assert.equal((await asSession(browser, 'GET', `${stack.base}/v1/users`)).status, 403, 'the citizen is no admin');
    });

    test('GET /v1/session answers 401 to a bearer token', async () => {
      const reply = await fetch(`${stack.base}/v1/session`, { headers: { authorization: `Bearer ${stack.adminToken}` } });
      assert.equal(reply.status, 401);
    });
  });

  test('logout needs the CSRF token, ends the session and returns the provider logout URL', async () => {
    const { browser } = await stack.signIn('vneid', citizens.chi.sub);
    const csrf = (await asSession(browser, 'GET', `${stack.base}/v1/session`)).body.csrf_token;
    const secret = browser.cookie(stack.base, kSessionCookie);
    assert.equal((await asSession(browser, 'POST', `${stack.base}/v1/session/logout`)).status, 403);
    const out = await asSession(browser, 'POST', `${stack.base}/v1/session/logout`, { csrf });
    assert.equal(out.status, 200, out.text);
    const logoutUrl = new URL(out.body.logout_url);
    assert.equal(`${logoutUrl.origin}${logoutUrl.pathname}`, `${stack.vneid.issuer}/session/end`);
    assert.equal(logoutUrl.searchParams.get('client_id'), 'motcua-vneid');
    assert.equal(browser.cookie(stack.base, kSessionCookie), undefined, 'cookie cleared');
    // The provider accepts the logout URL it is sent to.
    assert.equal((await browser.request(logoutUrl.href)).status, 200);

    browser.setCookie(stack.base, kSessionCookie, secret); // a copy kept by an attacker
    const ended = await asSession(browser, 'GET', `${stack.base}/v1/session`);
    assert.equal(ended.status, 401);
    assert.equal(problemReason(ended), 'session_invalid');
    const write = await asSession(browser, 'POST', `${stack.base}/v1/documents`, { csrf, body: '%PDF x', headers: { 'content-type': 'application/pdf' } });
    assert.equal(write.status, 401);
    assert.equal(problemReason(write), 'session_invalid');
  });

  test('unknown, malformed and duplicated session cookies are 401 session_invalid', async () => {
    const { browser } = await stack.signIn('vneid', citizens.chi.sub);
    const real = browser.cookie(stack.base, kSessionCookie);
    for (const cookie of [`${kSessionCookie}=${'A'.repeat(43)}`, `${kSessionCookie}=`, `${kSessionCookie}=${real}; ${kSessionCookie}=${real}`]) {
      const reply = await fetch(`${stack.base}/v1/dossiers`, { headers: { cookie } });
      assert.equal(reply.status, 401, cookie);
    }
    const unknown = await fetch(`${stack.base}/v1/session`, { headers: { cookie: `${kSessionCookie}=${'A'.repeat(43)}` } });
    assert.equal(problemReason({ body: await unknown.json() }), 'session_invalid');
  });

  test('a provider error ends in the plain-language page', async () => {
    const mark = stack.stderr.length;
    const { response, body } = await stack.signIn('vneid', citizens.an.sub, '', { deny: true });
    assert.ok([400, 401, 403].includes(response.status), String(response.status));
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.match(body, /Mã lỗi \/ Error code: [a-z_]+/);
    const [refusal] = await stack.refusalsSince(mark);
    assert.equal(refusal?.provider, 'vneid');
  });

  test('disabling a user ends their sessions and refuses their next sign-in', async () => {
    const binh = citizens.binh;
    const { browser } = await stack.signIn('vneid', binh.sub);
    assert.equal((await asSession(browser, 'GET', `${stack.base}/v1/session`)).status, 200);
    const disabled = await stack.admin('PATCH', `/v1/users/${binh.national_id}`, { disabled: true });
    assert.equal(disabled.status, 200, JSON.stringify(disabled.body));
    const ended = await asSession(browser, 'GET', `${stack.base}/v1/session`);
    assert.equal(ended.status, 401);
    assert.equal(problemReason(ended), 'session_invalid');

    const mark = stack.stderr.length;
    const again = await stack.signIn('vneid', binh.sub);
    assert.ok([401, 403].includes(again.response.status), String(again.response.status));
    assert.match(again.body, /Error code: user_disabled/);
    assert.equal(again.browser.cookie(stack.base, kSessionCookie), undefined);
    const [refusal] = await stack.refusalsSince(mark);
    assert.deepEqual([refusal?.provider, refusal?.reason], ['vneid', 'user_disabled']);
  });
});
