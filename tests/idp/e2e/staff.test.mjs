// Staff sign in at their agency's provider: only a linked (issuer, subject)
// maps to a motcua user, with that user's roles and agency, never the token's.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { asSession, citizens, kAgency, kSessionCookie, staffAccounts, startStack } from './harness.mjs';

describe('staff sign-in', () => {
  let stack;
  before(async () => {
    stack = await startStack();
    const created = await stack.admin('POST', '/v1/users', { id: 'clerk-e2e', name: 'Phạm Văn Dũng', roles: ['reception_clerk', 'specialist'], agency: kAgency });
    assert.equal(created.status, 201, JSON.stringify(created.body));
  });
  after(() => stack?.close());

  const link = (user, provider, subject) => stack.admin('PUT', `/v1/users/${user}/identities/${provider}`, { subject });

  async function refusedAs(account, reason) {
    const mark = stack.stderr.length;
    const { response, body, browser } = await stack.signIn('h26-staff', account);
    assert.ok([400, 401, 403].includes(response.status), `${response.status} ${body}`);
    assert.equal(response.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.ok(body.includes(`Mã lỗi / Error code: ${reason}`), body);
    assert.equal(browser.cookie(stack.base, kSessionCookie), undefined);
    const lines = await stack.refusalsSince(mark);
    assert.deepEqual(lines.map((l) => [l.provider, l.reason]), [['h26-staff', reason]]);
  }

  test('an unlinked staff subject is refused (identity_not_linked)', async () => {
    await refusedAs(staffAccounts.clerk.sub, 'identity_not_linked');
  });

  test('links: only to a staff provider, of an existing user, by an admin', async () => {
    assert.equal((await link('clerk-e2e', 'nobody', 'x')).status, 404);
    assert.ok([400, 403, 404, 422].includes((await link('clerk-e2e', 'vneid', 'x')).status), 'not a citizen provider');
    assert.equal((await link('no-such-user', 'h26-staff', 'x')).status, 404);
    assert.ok([400, 422].includes((await link('clerk-e2e', 'h26-staff', '')).status), 'empty subject');
    const citizen = await stack.signIn('vneid', citizens.an.sub);
    const csrf = (await asSession(citizen.browser, 'GET', `${stack.base}/v1/session`)).body.csrf_token;
    const byCitizen = await asSession(citizen.browser, 'PUT', `${stack.base}/v1/users/clerk-e2e/identities/h26-staff`, { csrf, body: { subject: staffAccounts.clerk.sub } });
    assert.ok([403, 404].includes(byCitizen.status), String(byCitizen.status));
  });

  test('a linked staff member gets their motcua roles and agency', async () => {
    const linked = await link('clerk-e2e', 'h26-staff', staffAccounts.clerk.sub);
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.deepEqual(linked.body, { provider: 'h26-staff', issuer: stack.staff.issuer, subject: staffAccounts.clerk.sub, user_id: 'clerk-e2e' });
    // The token claims roles and another agency: ignored (signed by the real key).
    await stack.forgeNext('h26-staff', { claims: { roles: ['admin', 'national_admin'], agency: '000.00.99.H26', realm_access: { roles: ['admin'] } } });
    const { browser, response } = await stack.signIn('h26-staff', staffAccounts.clerk.sub, '?return_to=/queue');
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/queue');
    const me = await asSession(browser, 'GET', `${stack.base}/v1/session`);
    assert.equal(me.status, 200);
    assert.equal(me.body.user_id, 'clerk-e2e');
    assert.deepEqual([...me.body.roles].sort(), ['reception_clerk', 'specialist']);
    assert.equal(me.body.agency, kAgency);
    assert.equal(me.body.identity_provider, 'h26-staff');
    assert.equal(me.body.authenticated_by, 'oidc_session');
    assert.equal((await asSession(browser, 'GET', `${stack.base}/v1/dossiers`)).status, 200);
    assert.equal((await asSession(browser, 'GET', `${stack.base}/v1/users`)).status, 403, 'no admin from a claim');
  });

  test('another subject of the same provider stays unlinked', async () => {
    await refusedAs(staffAccounts.other.sub, 'identity_not_linked');
  });

  test('an unlinked identity signs in no more', async () => {
    const removed = await stack.admin('DELETE', '/v1/users/clerk-e2e/identities/h26-staff');
    assert.equal(removed.status, 204);
    await refusedAs(staffAccounts.clerk.sub, 'identity_not_linked');
  });
});
