// Session lifetimes: the idle timeout and the absolute lifetime
// (serve --session-idle-timeout / --session-lifetime SECONDS) end a session,
// after which its cookie is 401 session_invalid for reads and writes.
//
// serve's shortest timeouts are 60 s (operators get no shorter ones, and no
// test-only clock exists in the production binary), so these tests take
// real minutes: the two suites run concurrently with each other, and
// run_node_tests.sh runs this file alongside the other e2e files, so the
// suite's wall time is this file's (~2.3 min). Last use is recorded at most
// once per SessionStore::kLastSeenResolution (60 s), which the idle test's
// timings respect.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { asSession, citizens, problemReason, startStack } from './harness.mjs';

const kLastSeenResolutionMs = 60_000;
const kIdleSeconds = 70;
const kLifetimeSeconds = 60;

async function signedIn(stack) {
  const { browser } = await stack.signIn('vneid', citizens.an.sub);
  const me = await asSession(browser, 'GET', `${stack.base}/v1/session`);
  assert.equal(me.status, 200);
  return { browser, csrf: me.body.csrf_token, signedInAt: Date.now(), me };
}

async function assertEnded(stack, { browser, csrf }) {
  const read = await asSession(browser, 'GET', `${stack.base}/v1/session`);
  assert.equal(read.status, 401);
  assert.equal(problemReason(read), 'session_invalid');
  const write = await asSession(browser, 'POST', `${stack.base}/v1/documents`, { csrf, body: '%PDF x', headers: { 'content-type': 'application/pdf' } });
  assert.equal(write.status, 401);
  assert.equal(problemReason(write), 'session_invalid');
}

const sleepUntil = (instant) => sleep(Math.max(0, instant - Date.now()));

describe('session lifetimes', { concurrency: true }, () => {
  describe('idle timeout', () => {
    let stack;
    before(async () => {
      stack = await startStack({ serveArgs: ['--session-idle-timeout', String(kIdleSeconds)] });
    });
    after(() => stack?.close());

    test(`use keeps a session alive; ${kIdleSeconds} s idle ends it`, async () => {
      const session = await signedIn(stack);
      const use = async (what) => assert.equal((await asSession(session.browser, 'GET', `${stack.base}/v1/session`)).status, 200, what);
      // A use once the last-seen resolution has passed is recorded ...
      await sleepUntil(session.signedInAt + kLastSeenResolutionMs + 1000);
      await use('a use within the idle timeout');
      const lastUse = Date.now();
      // ... so the session outlives sign-in + idle timeout,
      await sleepUntil(session.signedInAt + kIdleSeconds * 1000 + 3000);
      await use('a session used within its idle timeout, past sign-in + idle timeout');
      // and ends once it has been idle that long after its last recorded use.
      await sleepUntil(lastUse + kIdleSeconds * 1000 + 1500);
      await assertEnded(stack, session);
    });
  });

  describe('absolute lifetime', () => {
    let stack;
    before(async () => {
      stack = await startStack({ serveArgs: ['--session-lifetime', String(kLifetimeSeconds), '--session-idle-timeout', '3600'] });
    });
    after(() => stack?.close());

    test('a session in use still ends after its lifetime', async () => {
      const session = await signedIn(stack);
      assert.ok(Date.parse(session.me.body.expires_at) - Date.now() <= (kLifetimeSeconds + 1) * 1000, session.me.body.expires_at);
      while (Date.now() < session.signedInAt + kLifetimeSeconds * 1000 + 1500) {
        await sleep(10_000);
        await asSession(session.browser, 'GET', `${stack.base}/v1/session`);
      }
      await assertEnded(stack, session);
    });
  });
});
