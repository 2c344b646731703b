// harness.mjs: one browser-test stack: a fresh `motcua serve` on a temporary
// database (port 0, the bundled workflows, a throw-away demo PKI), and
// Debian's chromium driven by playwright-core. Nothing downloads a browser:
// chromium is launched from MOTCUA_CHROMIUM (default /usr/bin/chromium).
//
// Environment (set by ctest): MOTCUA_BINARY (the built motcua),
// MOTCUA_SOURCE_DIR (for workflows/).
//
// Signing in: the UI's own way is a browser session (OIDC or, with
// `serve --demo`, the demo accounts). Tests that need no particular sign-in
// path use signInWithToken(): bearer tokens made with `motcua token create`,
// added to the browser's /v1 requests, and GET /v1/session answered with the
// token's user (the cookie session a real sign-in would give). The server
// runs with --demo, so the demo sign-in itself is tested too (demoMode).
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { X509Certificate } from 'node:crypto';
import { chromium } from 'playwright-core';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

// The agency the first admin belongs to, so the server serves it.
export const kAgency = '000.00.00.H26';
export const kCitizenA = { user_id: '001090000001', name: 'Nguyễn Văn An', roles: ['applicant'] };
export const kCitizenB = { user_id: '001085000456', name: 'Trần Thị Bình', roles: ['applicant'] };
// A staff member of kAgency: with a user there, the server serves kAgency.
export const kClerk = { user_id: 'web-test-clerk', name: 'Phạm Văn Dũng', roles: ['reception_clerk'], agency: kAgency };
export const kSpecialist = { user_id: 'web-test-specialist', name: 'Lê Thị Hoa', roles: ['specialist'], agency: kAgency };
// A leader whose record an admin binds to the demo PKI's leader certificate
// (bindLeaderCertificate), so it is not the demo mode's own leader1.
export const kLeader = { user_id: 'web-test-leader', name: 'Trần Văn Lãnh', roles: ['leader'], agency: kAgency };
export const kAdmin = { user_id: 'web-test-admin', name: 'Quản trị', roles: ['admin'], agency: kAgency };
export const kPhone = { width: 360, height: 740 };
export const kDesktop = { width: 1280, height: 900 };

function binary() {
  const value = process.env.MOTCUA_BINARY;
  if (!value || !process.env.MOTCUA_SOURCE_DIR) throw new Error('set MOTCUA_BINARY and MOTCUA_SOURCE_DIR');
  return value;
}

// Starts motcua; `users` get bearer tokens ({user_id, roles, agency?, name});
// `serveArgs` go to `motcua serve` after the defaults.
export async function startStack({ users = [kCitizenA, kCitizenB, kClerk], serveArgs = [], signers = [] } = {}) {
  const motcua = binary();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'motcua-web-'));
  const db = path.join(dir, 'motcua.db');
  // `signers`: user ids that get a demo certificate of their own besides leader1.
  await run(motcua, ['pki', 'demo', '--out', path.join(dir, 'pki'), ...(signers.length ? ['--signers', signers.join(',')] : [])]);
  const tokens = {};
  for (const user of users) {
    const args = ['token', 'create', '--db', db, '--user', user.user_id, '--roles', user.roles.join(','), '--name', user.name];
    if (user.agency) args.push('--agency', user.agency);
    tokens[user.user_id] = (await run(motcua, args)).stdout.trim();
  }
  const pki = (name) => path.join(dir, 'pki', name);
  const args = ['serve', '--db', db, '--listen', '127.0.0.1:0', '--workflows', path.join(process.env.MOTCUA_SOURCE_DIR, 'workflows'),
    '--admin-agency', kAgency, '--trust', pki('root-ca.pem'), '--seal-key', pki('agency-seal.key'),
    '--seal-cert', pki('agency-seal.pem'), '--seal-chain', pki('chain.pem'), '--demo', ...serveArgs];
  const child = spawn(motcua, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const base = await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const found = line.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (found) resolve(found[1]);
    });
    child.once('exit', (code) => reject(new Error(`motcua exited ${code}: ${stderr.join('\n')}`)));
  }).catch(async (error) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  // Demo mode is on when its accounts are served (the demo tests assert it).
  const demoMode = (await fetch(`${base}/v1/demo/accounts`)).status === 200;
  const browser = await chromium.launch({
    executablePath: process.env.MOTCUA_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  return {
    base,
    dir,
    tokens,
    pki,
    demoMode,
    browser,
    stderr,
    async stop() {
      await browser.close().catch(() => {});
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// A new page at `viewport` that records console errors (script errors and
// loads the Content-Security-Policy refused) into page.problems; the
// browser's own notes on HTTP errors the app handles (401, 404, 422) are not
// problems.
export async function newPage(stack, { viewport = kDesktop, locale = 'vi-VN' } = {}) {
  const context = await stack.browser.newContext({ viewport, locale, timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) page.problems.push(message.text());
  });
  page.on('pageerror', (error) => page.problems.push(String(error)));
  return page;
}

// Signs `page`'s context in as `user` through its bearer token (see the
// file comment). The UI then runs exactly as after a cookie sign-in.
// `session` overrides members of the session the page is shown (e.g. a
// provider's verified_identity).
export async function signInWithToken(page, stack, user, session = {}) {
  const token = stack.tokens[user.user_id];
  await page.context().route(`${stack.base}/v1/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/v1/session' && route.request().method() === 'GET') {
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ...user, agency: user.agency ?? null, authenticated_by: 'test_token', identity_provider: null, csrf_token: 'not-needed-with-a-bearer-token', expires_at: '2099-01-01T00:00:00Z', ...session }),
      });
      return;
    }
    await route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${token}` } });
  });
}

// Opens fragment route `hash` ("#/dossiers") and waits for the page's h1.
export async function open(page, stack, hash = '#/') {
  await page.goto(`${stack.base}/${hash}`);
  await page.locator('main h1').first().waitFor();
}

// axe-core's serious and critical violations on the current page. axe is
// evaluated through the DevTools protocol, which the page's CSP does not
// govern, so the page keeps its real policy.
let axeSource;
export async function seriousViolations(page) {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(`${axeSource}\n;0`);
  const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

// Submits a dossier through the API as `user` (for tests that need one to exist).
export async function submitDossier(stack, user, { procedure = '1.004194', form } = {}) {
  const token = stack.tokens[user.user_id];
  const headers = { Authorization: `Bearer ${token}` };
  const uploaded = await fetch(`${stack.base}/v1/documents`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/pdf' }, body: '%PDF-1.4 test' });
  const document = await uploaded.json();
  const response = await fetch(`${stack.base}/v1/dossiers`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      procedure,
      agency: kAgency,
      form: form ?? { full_name: user.name, citizen_id: user.user_id, address: '12 Hàng Bài, Hoàn Kiếm, Hà Nội', stay_until: '2027-06-30' },
      documents: { declaration: document.id, legal_residence_proof: document.id },
    }),
  });
  if (response.status !== 201) throw new Error(`submit: ${response.status} ${await response.text()}`);
  return response.json();
}

// Calls the API as `user` (bearer token); resolves with the parsed answer,
// throws on a non-2xx one.
export async function apiAs(stack, user, method, pathname, { json, body, contentType, headers = {} } = {}) {
  const init = { method, headers: { Authorization: `Bearer ${stack.tokens[user.user_id]}`, ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = body;
    init.headers['Content-Type'] = contentType ?? 'application/octet-stream';
  }
  const response = await fetch(`${stack.base}${pathname}`, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${pathname}: ${response.status} ${text}`);
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? JSON.parse(text) : text;
}

// Binds `leader`'s record to the demo PKI's leader certificate, as `admin`.
export async function bindLeaderCertificate(stack, admin, leader) {
  const pem = await readFile(stack.pki('leader.pem'), 'utf8');
  const fingerprint = new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
  await apiAs(stack, admin, 'PATCH', `/v1/users/${encodeURIComponent(leader.user_id)}`, { json: { certificate_fingerprint: fingerprint } });
}

// Signs `file` with the demo PKI's leader key (`motcua sign`), giving DER bytes.
export async function signAsLeader(stack, file) {
  return readFile(await signWithMotcua(stack, file));
}

// `motcua sign` of `file` with the demo PKI's leader key, or the key of
// `signer` (one of startStack's `signers`); the .p7s's path.
export async function signWithMotcua(stack, file, signer = null) {
  const out = `${file}.p7s`;
  const name = signer ? `signer-${signer}` : 'leader';
  await run(binary(), ['sign', '--key', stack.pki(`${name}.key`), '--cert', stack.pki(`${name}.pem`), '--chain', stack.pki('chain.pem'), '--in', file, '--out', out]);
  return out;
}
