// Session lifetimes: the idle timeout and the absolute lifetime
// (serve --session-idle-timeout / --session-lifetime SECONDS) end a session,
// after which its cookie is 401 session_invalid for reads and writes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { asSession, citizens, problemReason, startStack } from './harness.mjs';

async function signedIn(stack) {
  const { browser } = await stack.signIn('vneid', citizens.an.sub);
  const me = await asSession(browser, 'GET', `${stack.base}/v1/session`);
  assert.equal(me.status, 200);
  return { browser, csrf: me.body.csrf_token };
}

async function assertEnded(stack, { browser, csrf }) {
  const read = await asSession(browser, 'GET', `${stack.base}/v1/session`);
  assert.equal(read.status, 401);
  assert.equal(problemReason(read), 'session_invalid');
  const write = await asSession(browser, 'POST', `${stack.base}/v1/documents`, { csrf, body: '%PDF x', headers: { 'content-type': 'application/pdf' } });
  assert.equal(write.status, 401);
  assert.equal(problemReason(write), 'session_invalid');
}

describe('idle timeout', () => {
  let stack;
  before(async () => {
    stack = await startStack({ serveArgs: ['--session-idle-timeout', '2'] });
  });
  after(() => stack?.close());

  test('use keeps a session alive; 2 s idle ends it', async () => {
    const session = await signedIn(stack);
    for (let i = 0; i < 3; i += 1) {
      await sleep(1000);
      assert.equal((await asSession(session.browser, 'GET', `${stack.base}/v1/session`)).status, 200, `use ${i}`);
    }
    await sleep(3500);
    await assertEnded(stack, session);
  });
});

describe('absolute lifetime', () => {
  let stack;
  before(async () => {
    stack = await startStack({ serveArgs: ['--session-lifetime', '3', '--session-idle-timeout', '60'] });
  });
  after(() => stack?.close());

  test('a session in use still ends after its lifetime', async () => {
    const session = await signedIn(stack);
    const me = await asSession(session.browser, 'GET', `${stack.base}/v1/session`);
    assert.ok(Date.parse(me.body.expires_at) - Date.now() <= 4000, me.body.expires_at);
    for (let waited = 0; waited < 5000; waited += 1000) {
      await sleep(1000);
      await asSession(session.browser, 'GET', `${stack.base}/v1/session`);
    }
    await assertEnded(stack, session);
  });
});
