// harness.mjs: the staff browser tests' stack: a fresh `motcua serve` on a
// temporary database (port 0, the bundled workflows, a throw-away demo
// PKI), and Debian's chromium driven by playwright-core (launched from
// MOTCUA_CHROMIUM, default /usr/bin/chromium; nothing downloads a browser).
//
// Environment: MOTCUA_BINARY (the built motcua), MOTCUA_SOURCE_DIR (for
// workflows/).
//
// Signing in: staff sign in to the UI with a browser session (OIDC, or the
// demo accounts with `serve --demo`). These
// tests use bearer tokens made with `motcua token create` instead: the
// browser's /v1 requests carry the token, and GET /v1/session answers the
// token's user, so the UI runs as it does after a cookie sign-in.
import { execFile, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';

const run = promisify(execFile);

export const kAgency = '000.00.00.H26';
export const kCitizen = { user_id: '001090000001', name: 'Nguyễn Văn An', roles: ['applicant'] };
export const kClerk = { user_id: 'staff-clerk-1', name: 'Phạm Văn Dũng', roles: ['reception_clerk'], agency: kAgency };
export const kClerk2 = { user_id: 'staff-clerk-2', name: 'Đỗ Thị Mai', roles: ['reception_clerk'], agency: kAgency };
export const kSpecialist = { user_id: 'staff-specialist', name: 'Lê Thị Hoa', roles: ['specialist'], agency: kAgency };
// The demo PKI's leader certificate carries UID=leader1.
export const kLeader = { user_id: 'leader1', name: 'Trần Văn Lãnh', roles: ['leader'], agency: kAgency };
export const kAdmin = { user_id: 'staff-admin', name: 'Vũ Quản Trị', roles: ['admin'], agency: kAgency };
export const kAllUsers = [kCitizen, kClerk, kClerk2, kSpecialist, kLeader, kAdmin];
export const kPhone = { width: 360, height: 740 };
export const kDesktop = { width: 1280, height: 900 };

export function binary() {
  const value = process.env.MOTCUA_BINARY;
  if (!value || !process.env.MOTCUA_SOURCE_DIR) throw new Error('set MOTCUA_BINARY and MOTCUA_SOURCE_DIR');
  return value;
}

export async function startStack(users = kAllUsers) {
  const motcua = binary();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'motcua-web-staff-'));
  const db = path.join(dir, 'motcua.db');
  await run(motcua, ['pki', 'demo', '--out', path.join(dir, 'pki')]);
  const tokens = {};
  for (const user of users) {
    const args = ['token', 'create', '--db', db, '--user', user.user_id, '--roles', user.roles.join(','), '--name', user.name];
    if (user.agency) args.push('--agency', user.agency);
    tokens[user.user_id] = (await run(motcua, args)).stdout.trim();
  }
  const pki = (name) => path.join(dir, 'pki', name);
  const child = spawn(motcua, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--workflows',
    path.join(process.env.MOTCUA_SOURCE_DIR, 'workflows'), '--admin-agency', kAgency, '--trust', pki('root-ca.pem'),
    '--seal-key', pki('agency-seal.key'), '--seal-cert', pki('agency-seal.pem'), '--seal-chain', pki('chain.pem')],
  { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const browser = await chromium.launch({
    executablePath: process.env.MOTCUA_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  return {
    base, dir, tokens, browser, stderr, pki,
    async stop() {
      await browser.close().catch(() => {});
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// A page signed in as `user` (see the file comment), recording script
// errors and CSP refusals in page.problems.
export async function pageAs(stack, user, { viewport = kDesktop } = {}) {
  const context = await stack.browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh', acceptDownloads: true });
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) page.problems.push(message.text());
  });
  page.on('pageerror', (error) => page.problems.push(String(error)));
  await context.route(`${stack.base}/v1/**`, async (route) => {
    const url = new URL(route.request().url());
    if (url.pathname === '/v1/session' && route.request().method() === 'GET') {
      await route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ ...user, agency: user.agency ?? null, authenticated_by: 'test_token', identity_provider: null, csrf_token: 'unused-with-bearer', expires_at: '2099-01-01T00:00:00Z' }),
      });
      return;
    }
    await route.continue({ headers: { ...route.request().headers(), authorization: `Bearer ${stack.tokens[user.user_id]}` } });
  });
  return page;
}

// Opening a route and the axe check are the shared harness's.
export { open, seriousViolations } from '../harness.mjs';

// Calls the API as `user` with their bearer token; throws on non-2xx.
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
  return (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
}

export async function submitDossier(stack) {
  const document = await apiAs(stack, kCitizen, 'POST', '/v1/documents', { body: '%PDF-1.4 test', contentType: 'application/pdf' });
  return apiAs(stack, kCitizen, 'POST', '/v1/dossiers', {
    json: {
      procedure: '1.004194',
      agency: kAgency,
      form: { full_name: kCitizen.name, citizen_id: kCitizen.user_id, address: '12 Hàng Bài, Hoàn Kiếm, Hà Nội', stay_until: '2027-06-30' },
      documents: { declaration: document.id, legal_residence_proof: document.id },
    },
  });
}

export async function act(stack, user, code, action, payload = {}) {
  return apiAs(stack, user, 'POST', `/v1/dossiers/${encodeURIComponent(code)}/actions/${action}`, { json: payload });
}

// A dossier of 1.004194 brought to the leader's signature through the API;
// resolves with {code, resultPath} (the result's bytes saved in the stack dir).
export async function dossierAwaitingSignature(stack) {
  const { code } = await submitDossier(stack);
  await act(stack, kClerk, code, 'receive');
  await apiAs(stack, kClerk, 'POST', `/v1/dossiers/${encodeURIComponent(code)}/payments`, { json: { amount: 15000, receipt: `BL-${code}` } });
  const result = await apiAs(stack, kSpecialist, 'POST', '/v1/documents', { body: `%PDF-1.4 result of ${code}`, contentType: 'application/pdf' });
  await act(stack, kSpecialist, code, 'propose_result', { comment: 'Đủ điều kiện', result_document: result.id });
  const resultPath = path.join(stack.dir, `${code}.pdf`);
  await writeFile(resultPath, `%PDF-1.4 result of ${code}`);
  return { code, resultPath };
}

// `motcua sign` of `input` with the demo PKI's leader key; the .p7s path.
export async function signWithMotcua(stack, input) {
  const out = `${input}.p7s`;
  await run(binary(), ['sign', '--key', stack.pki('leader.key'), '--cert', stack.pki('leader.pem'), '--chain', stack.pki('chain.pem'), '--in', input, '--out', out]);
  return out;
}

// Binds the leader's account to the demo PKI's leader certificate.
export async function bindLeaderCertificate(stack) {
  const pem = await readFile(stack.pki('leader.pem'), 'utf8');
  const fingerprint = new X509Certificate(pem).fingerprint256.replace(/:/g, '').toLowerCase();
  await apiAs(stack, kAdmin, 'PATCH', `/v1/users/${encodeURIComponent(kLeader.user_id)}`, { json: { certificate_fingerprint: fingerprint } });
}
