// harness.mjs: one sign-in test stack: the test OpenID Providers (a citizen
// one, "vneid", and a staff one, "h26-staff") and a fresh `motcua serve`
// pointed at them, in a temporary directory.
//
// Environment (set by ctest): MOTCUA_BINARY (the built motcua),
// MOTCUA_SOURCE_DIR (for workflows/).
//
// What it assumes of motcua (the sign-in contract of issue 16):
//   - serve takes --oidc-config FILE (providers with allow_loopback_http) and,
//     when a test asks, --session-idle-timeout/--session-lifetime SECONDS;
//   - the callback is GET /v1/auth/{provider}/callback, so the redirect_uri
//     registered at the provider is http://127.0.0.1:PORT/v1/auth/ID/callback
//     (motcua's port is chosen free before it starts, since the provider must
//     know it);
//   - the token endpoint is called with client_secret_basic (the OIDC
//     default);
//   - every refusal writes "sign-in refused: provider=ID reason=R detail=D"
//     as one stderr line; ID token refusals have reason id_token_refused and
//     a detail starting "<IdTokenRefusalName>:" (id_token_refusal.h);
//     others user_disabled, identity_not_linked (other reasons, e.g. of a
//     bad state, are only required to exist);
//   - refusals answer 400/401/403 text/html; charset=utf-8 with
//     "Mã lỗi / Error code: R"; problems' type ends in "/R" (csrf_token_invalid,
//     origin_refused, session_invalid);
//   - cookies on plain HTTP are motcua_session / motcua_login
//     (api/session_cookie.h); the server's own origin is http://127.0.0.1:PORT.
// The citizen provider signs with RS256, the staff one with ES256.
// The first admin (admin + national_admin) belongs to kAgency, the staff
// provider's agency, so that agency is served and the admin links its staff.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Browser } from '../browser.mjs';
import { startProviders } from '../provider.mjs';

export const kAgency = '000.00.01.H26';
export const kJwksRefetchSeconds = 1;
export const citizens = {
  an: { sub: 'vneid-an', national_id: '079190000123', name: 'Nguyễn Văn An', birthdate: '1990-01-15' },
  binh: { sub: 'vneid-binh', national_id: '001085000456', name: 'Trần Thị Bình', birthdate: '1985-06-30' },
  chi: { sub: 'vneid-chi', national_id: '048200000789', name: 'Lê Minh Chi', birthdate: '2000-12-01' },
};
export const staffAccounts = { clerk: { sub: 'kc-4f1d-clerk', name: 'Phạm Văn Dũng' }, other: { sub: 'kc-9e2a-other', name: 'Vũ Thị E' } };

const secret = (id) => `${id}-client-secret-0123456789abcdef`;

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

// Starts the stack; `serveArgs` are extra `motcua serve` flags. motcua's
// port is chosen before it starts (the providers must know it), so another
// process, or the providers' own listeners, may take it in between: then
// the whole stack is started again on another port, up to three times.
export async function startStack({ serveArgs = [] } = {}) {
  for (let attempt = 1; ; ++attempt) {
    try {
      return await startStackOnce({ serveArgs });
    } catch (error) {
      if (attempt >= 3 || !String(error.message).includes('Address already in use')) throw error;
    }
  }
}

async function startStackOnce({ serveArgs }) {
  const binary = process.env.MOTCUA_BINARY;
  const source = process.env.MOTCUA_SOURCE_DIR;
  if (!binary || !source) throw new Error('set MOTCUA_BINARY and MOTCUA_SOURCE_DIR');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'motcua-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const client = (id) => ({
    client_id: `motcua-${id}`,
    client_secret: secret(id),
    redirect_uris: [`${base}/v1/auth/${id}/callback`],
    post_logout_redirect_uris: [`${base}/`],
  });
  const idp = await startProviders({
    providers: [
      { id: 'vneid', kind: 'citizen', clients: [client('vneid')], accounts: Object.values(citizens) },
      { id: 'h26-staff', kind: 'staff', algorithm: 'ES256', clients: [client('h26-staff')], accounts: Object.values(staffAccounts) },
    ],
  });
  const providers = [];
  for (const p of idp.providers) {
    const secretFile = `${p.id}.client-secret`;
    await writeFile(path.join(dir, secretFile), secret(p.id), { mode: 0o600 });
    await chmod(path.join(dir, secretFile), 0o600);
    providers.push({
      id: p.id,
      kind: p.kind,
      issuer: p.issuer,
      client_id: `motcua-${p.id}`,
      client_secret_file: secretFile,
      redirect_uri: `${base}/v1/auth/${p.id}/callback`,
      scopes: ['openid', 'profile'],
      ...(p.kind === 'citizen' ? { identity_claim: 'national_id' } : { agency: kAgency }),
      allow_loopback_http: true,
      // Key rotation is followed at most once per interval; the rotation
      // test rotates several times, waiting kJwksRefetchSeconds between.
      jwks_refetch_interval_seconds: kJwksRefetchSeconds,
    });
  }
  await writeFile(path.join(dir, 'oidc.json'), JSON.stringify({ providers }, null, 2));

  const child = spawn(binary, [
    'serve', '--db', path.join(dir, 'motcua.db'), '--listen', `127.0.0.1:${port}`,
    '--workflows', path.join(source, 'workflows'), '--admin-token-file', path.join(dir, 'admin-token'),
    '--admin-agency', kAgency, '--oidc-config', path.join(dir, 'oidc.json'), ...serveArgs,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  const listening = new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes(`listening on ${base}`)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`motcua serve exited (${code}):\n${stderr.join('\n')}`)));
  });
  try {
    await listening;
  } catch (error) {
    await idp.close();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const adminToken = (await readFile(path.join(dir, 'admin-token'), 'utf8')).trim();

  const stack = {
    base, idp, adminToken, stderr,
    vneid: idp.byId('vneid'),
    staff: idp.byId('h26-staff'),
    loginUrl: (id, query = '') => `${base}/v1/auth/${id}/login${query}`,

    // A request with the admin's bearer token; `body` is sent as JSON.
    async admin(method, route, body) {
      const response = await fetch(`${base}${route}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, ...(body && { 'content-type': 'application/json' }) },
        body: body && JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null };
    },

    // Asks provider `id` to forge the next ID token (forge.mjs).
    async forgeNext(id, description) {
      const response = await fetch(`${idp.byId(id).issuer}/__test/next-id-token`, { method: 'POST', body: JSON.stringify(description) });
      if (response.status !== 204) throw new Error(`forge refused: ${await response.text()}`);
    },

    // The "sign-in refused" log events written since `mark` (a stderr
    // length): JSON lines of event "sign_in" whose message is
    // "sign-in refused: provider=ID reason=R detail=D", waiting up to 2 s for
    // at least one, parsed {provider, reason, detail}.
    async refusalsSince(mark) {
      const pattern = /^sign-in refused: provider=(\S+) reason=(\S+) detail=(.*)$/;
      const messageOf = (line) => {
        try {
          const event = JSON.parse(line);
          return event.event === 'sign_in' && typeof event.message === 'string' ? event.message : '';
        } catch {
          return '';
        }
      };
      for (let waited = 0; waited < 2000; waited += 50) {
        const lines = stderr.slice(mark).map((l) => pattern.exec(messageOf(l))).filter(Boolean);
        if (lines.length) return lines.map(([, provider, reason, detail]) => ({ provider, reason, detail }));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [];
    },

    // A new browser signed in at provider `id` as `account` (its sub):
    // {browser, hops, response, body} where response is motcua's callback
    // answer; `options` are Browser.signIn's.
    async signIn(id, account, query = '', options = {}) {
      const browser = new Browser();
      const { hops, response } = await browser.signIn(stack.loginUrl(id, query), account, options);
      return { browser, hops, response, body: await response.text() };
    },

    async close() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      await idp.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return stack;
}

// The session cookie's name on plain HTTP (api/session_cookie.h).
export const kSessionCookie = 'motcua_session';
export const kLoginCookie = 'motcua_login';

// A request as the browser's session: its cookie, and for `csrf` the
// X-CSRF-Token header; JSON bodies. Returns {status, type, body}.
export async function asSession(browser, method, url, { csrf, body, headers = {} } = {}) {
  const response = await browser.request(url, {
    method,
    headers: { ...(csrf && { 'x-csrf-token': csrf }), ...(body !== undefined && typeof body !== 'string' && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, type: response.headers.get('content-type'), body: json, text };
}

// The problem type's last segment (the ErrorReason wire name).
export const problemReason = (reply) => reply.body?.type?.split('/').at(-1);
