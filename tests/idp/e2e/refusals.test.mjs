// Sign-ins motcua must refuse, each reaching it through the provider's real
// token endpoint (forged ID tokens, forge.mjs) or a tampered callback, and
// key rotation at the provider, which must be followed.
// Each refusal: a 400/401/403 plain-language HTML page naming only the
// reason, no session, the login cookie cleared, and one stderr line
// "sign-in refused: provider=ID reason=R detail=D" whose reason (and for ID
// tokens the detail's first word, id_token_refusal.h) tells the cases apart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Browser } from '../browser.mjs';
import { decodeJws } from '../forge.mjs';
import { asSession, citizens, kJwksRefetchSeconds, kLoginCookie, kSessionCookie, startStack } from './harness.mjs';

describe('sign-in refusals', () => {
  let stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.close());

  // Checks a refused callback answer; returns the one refusal line.
  async function assertRefused({ browser, response, body }, mark, reason) {
    assert.ok([400, 401, 403].includes(response.status), `status ${response.status}: ${body}`);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.ok(body.includes(`Mã lỗi / Error code: ${reason}`), body);
    assert.equal(browser.cookie(stack.base, kSessionCookie), undefined, 'no session');
    assert.equal(browser.cookie(stack.base, kLoginCookie), undefined, 'login cookie cleared');
    assert.equal((await asSession(browser, 'GET', `${stack.base}/v1/session`)).status, 401);
    const lines = await stack.refusalsSince(mark);
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.equal(lines[0].provider, 'vneid');
    assert.equal(lines[0].reason, reason);
    assert.doesNotMatch(lines[0].detail, /[\r\n]/);
    return lines[0];
  }

  // A citizen sign-in whose ID token the provider replaces by `description`.
  async function signInForged(description) {
    const mark = stack.stderr.length;
    await stack.forgeNext('vneid', description);
    return { mark, result: await stack.signIn('vneid', citizens.an.sub) };
  }

  const idTokenCases = [
    ['wrong aud', { claims: { aud: 'someone-else' } }, 'wrong_audience'],
    ['aud with motcua and another, no azp', { claims: { aud: ['motcua-vneid', 'someone-else'] } }, 'missing_azp'],
    ['azp of another client', { claims: { azp: 'someone-else' } }, 'wrong_azp'],
    ['wrong iss', { claims: { iss: 'https://evil.example' } }, 'wrong_issuer'],
    ['expired', { relative: { exp: -3600 } }, 'expired'],
    ['not yet valid', { relative: { nbf: 3600 } }, 'not_yet_valid'],
    ['issued in the future', { relative: { iat: 3600 } }, 'issued_in_future'],
    ['bad signature', { mode: 'bad_signature' }, 'bad_signature'],
    ['alg none', { mode: 'none' }, 'algorithm_not_allowed'],
    ['HS256 keyed with the client secret', { mode: 'hs256' }, 'algorithm_not_allowed'],
    ['unknown kid', { mode: 'unknown_kid' }, 'unknown_kid'],
    ['no nonce', { claims: { nonce: null } }, 'missing_nonce'],
    ['another nonce', { claims: { nonce: 'A'.repeat(43) } }, 'wrong_nonce'],
    ['no sub', { claims: { sub: null } }, 'missing_subject'],
  ];
  for (const [name, description, detail] of idTokenCases) {
    test(`ID token: ${name} is refused (${detail})`, async () => {
      const { mark, result } = await signInForged(description);
      const line = await assertRefused(result, mark, 'id_token_refused');
      assert.ok(line.detail.startsWith(`${detail}:`), line.detail);
      assert.ok(!result.body.includes(detail), 'the page shows nothing technical');
    });
  }

  test('ID token: a replayed nonce (an earlier login\'s) is refused', async () => {
    const first = await new Browser().request(stack.loginUrl('vneid'));
    const earlierNonce = new URL(first.headers.get('location')).searchParams.get('nonce');
    const { mark, result } = await signInForged({ claims: { nonce: earlierNonce } });
    const line = await assertRefused(result, mark, 'id_token_refused');
    assert.ok(line.detail.startsWith('wrong_nonce:'), line.detail);
  });

  test('ID token: a national_id that is no valid citizen ID is refused', async () => {
    for (const national_id of ['000000000000', '07919000012', 79190000123, null]) {
      const { mark, result } = await signInForged({ claims: { national_id } });
      assert.ok([400, 401, 403].includes(result.response.status), String(national_id));
      assert.equal(result.browser.cookie(stack.base, kSessionCookie), undefined);
      assert.equal((await stack.refusalsSince(mark)).length, 1);
    }
  });

  // A sign-in stopped before the callback: {browser, callback URL}.
  async function untilCallback(account = citizens.an.sub) {
    const browser = new Browser();
    const { hops } = await browser.signIn(stack.loginUrl('vneid'), account, { stopAtCallback: true });
    const callback = new URL(hops.at(-1).location);
    assert.equal(`${callback.origin}${callback.pathname}`, `${stack.base}/v1/auth/vneid/callback`);
    assert.ok(callback.searchParams.get('code') && callback.searchParams.get('state'));
    return { browser, callback };
  }
  const fetchCallback = async (browser, url) => {
    const response = await browser.request(url);
    return { browser, response, body: await response.text() };
  };

  test('a replayed callback (same state, code and login cookie) is refused', async () => {
    const { browser, callback } = await untilCallback();
    const binding = browser.cookie(stack.base, kLoginCookie);
    const first = await browser.request(callback.href);
    assert.equal(first.status, 303);
    browser.setCookie(stack.base, kLoginCookie, binding); // kept, as an attacker would
    const mark = stack.stderr.length;
    const again = await fetchCallback(browser, callback.href);
    assert.ok([400, 401, 403].includes(again.response.status));
    assert.equal((await stack.refusalsSince(mark)).length, 1);
  });

  test('a mismatched state is refused', async () => {
    const { browser, callback } = await untilCallback();
    const tampered = new URL(callback);
    tampered.searchParams.set('state', 'B'.repeat(43));
    const mark = stack.stderr.length;
    const refused = await fetchCallback(browser, tampered.href);
    assert.ok([400, 401, 403].includes(refused.response.status));
    assert.equal(refused.browser.cookie(stack.base, kSessionCookie), undefined);
    assert.equal((await stack.refusalsSince(mark)).length, 1);
  });

  test('a callback without the login cookie of the browser that started it is refused', async () => {
    const { callback } = await untilCallback();
    const victim = new Browser(); // login CSRF: the attacker's code in a victim's browser
    const mark = stack.stderr.length;
    const refused = await fetchCallback(victim, callback.href);
    assert.ok([400, 401, 403].includes(refused.response.status));
    assert.equal(victim.cookie(stack.base, kSessionCookie), undefined);
    const stolen = new Browser();
    stolen.setCookie(stack.base, kLoginCookie, 'C'.repeat(43));
    assert.ok([400, 401, 403].includes((await fetchCallback(stolen, callback.href)).response.status));
    assert.equal(stolen.cookie(stack.base, kSessionCookie), undefined);
    assert.ok((await stack.refusalsSince(mark)).length >= 1);
  });

  test('missing PKCE verifier: the code motcua got is useless without the verifier motcua keeps', async () => {
    const { callback } = await untilCallback();
    const basic = Buffer.from('motcua-vneid:vneid-client-secret-0123456789abcdef').toString('base64');
    const stolen = await fetch(`${stack.vneid.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: `${stack.base}/v1/auth/vneid/callback` }),
    });
    assert.equal(stolen.status, 400);
    assert.equal((await stolen.json()).error, 'invalid_grant');
  });

  test('a callback carrying a provider error and no code is refused', async () => {
    const { browser, callback } = await untilCallback();
    const url = new URL(callback);
    url.searchParams.delete('code');
    url.searchParams.set('error', 'access_denied');
    const mark = stack.stderr.length;
    const refused = await fetchCallback(browser, url.href);
    assert.ok([400, 401, 403].includes(refused.response.status));
    assert.match(refused.body, /Mã lỗi \/ Error code: /);
    assert.equal((await stack.refusalsSince(mark)).length, 1);
  });

  test('key rotation at the provider is followed (unknown kid: the key set is fetched again)', async () => {
    // motcua refetches the key set at most once per interval (jwks_cache.h),
    // and earlier tests made it refetch (unknown kid); each rotation below
    // waits out the interval, as rotations days apart would.
    const pastRefetchLimit = () => sleep(kJwksRefetchSeconds * 1000 + 100);
    const before = await stack.signIn('vneid', citizens.an.sub);
    assert.equal(before.response.status, 303, before.body);
    await pastRefetchLimit();
    const rotated = await (await fetch(`${stack.vneid.issuer}/__test/rotate-keys`, { method: 'POST' })).json();
    const jwks = await (await fetch(`${stack.vneid.issuer}/jwks`)).json();
    assert.deepEqual(jwks.keys.map((k) => k.kid), [rotated.kid]);
    await stack.forgeNext('vneid', {}); // signed as issued, so the test sees the kid used
    const afterRotation = await stack.signIn('vneid', citizens.an.sub);
    assert.equal(afterRotation.response.status, 303, afterRotation.body);
    const { real } = await (await fetch(`${stack.vneid.issuer}/__test/forged`)).json();
    assert.equal(decodeJws(real).header.kid, rotated.kid);
    assert.equal((await asSession(afterRotation.browser, 'GET', `${stack.base}/v1/session`)).status, 200);
    // Rotations to each other algorithm motcua accepts by default.
    for (const algorithm of ['PS256', 'ES256', 'EdDSA', 'RS256']) {
      await fetch(`${stack.vneid.issuer}/__test/rotate-keys`, { method: 'POST', body: JSON.stringify({ algorithm }) });
      await pastRefetchLimit();
      const signedIn = await stack.signIn('vneid', citizens.an.sub);
      assert.equal(signedIn.response.status, 303, `${algorithm}: ${signedIn.body}`);
    }
    // A token still signed by the key rotated out is refused.
    const { mark, result } = await signInForged({ mode: 'previous_key' });
    const line = await assertRefused(result, mark, 'id_token_refused');
    assert.ok(line.detail.startsWith('unknown_kid:'), line.detail);
  });
});
