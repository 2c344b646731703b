// server.mjs: a fresh `motcua serve` for the contract test, in a temporary
// directory: its own database, a free port on 127.0.0.1, the bundled
// workflows, the demo PKI as tools/serve.sh sets it up (trust its root, seal
// with its agency seal), a payment secret, an unreachable staff identity
// provider, demo mode (--demo: its accounts in kAgency, its gateway signing
// with the payment secret), and bearer tokens made with
// `motcua token create`. Checkpoints are published every second, so that the
// sync feed carries an audit.checkpoint entry.
//
// Environment (set by ctest): MOTCUA_BINARY (the built motcua),
// MOTCUA_SOURCE_DIR (for workflows/).
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const kAgency = '000.00.01.H26';
export const kStaffProvider = 'h26-staff';
export const kPaymentSecret = 'contract-test-payment-secret-0123456789';

async function freePort() {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

export async function startServer() {
  const binary = process.env.MOTCUA_BINARY;
  const source = process.env.MOTCUA_SOURCE_DIR;
  if (!binary || !source) throw new Error('set MOTCUA_BINARY and MOTCUA_SOURCE_DIR');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'motcua-contract-'));
  const db = path.join(dir, 'motcua.db');
  const pki = path.join(dir, 'demo-pki');
  const motcua = async (...args) => (await run(binary, args)).stdout;
  await motcua('pki', 'demo', '--out', pki);
  await writeFile(path.join(dir, 'payment-secret'), kPaymentSecret, { mode: 0o600 });
  // A staff identity provider that is never reachable (port 1): enough to
  // list it, link identities at it and be refused a sign-in with 503.
  await writeFile(path.join(dir, 'staff.client-secret'), 'contract-client-secret-0123456789', { mode: 0o600 });
  await writeFile(path.join(dir, 'oidc.json'), JSON.stringify({
    providers: [{
      id: kStaffProvider, kind: 'staff', agency: kAgency, issuer: 'http://127.0.0.1:1/realms/h26',
      client_id: 'motcua', client_secret_file: 'staff.client-secret',
      redirect_uri: `http://127.0.0.1/v1/auth/${kStaffProvider}/callback`, allow_loopback_http: true,
    }],
  }));

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(binary, [
    'serve', '--db', db, '--listen', `127.0.0.1:${port}`,
    '--workflows', path.join(source, 'workflows'), '--admin-token-file', path.join(dir, 'admin-token'),
    '--admin-agency', kAgency, '--trust', path.join(pki, 'root-ca.pem'),
    '--seal-key', path.join(pki, 'agency-seal.key'), '--seal-cert', path.join(pki, 'agency-seal.pem'),
    '--seal-chain', path.join(pki, 'chain.pem'), '--payment-secret-file', path.join(dir, 'payment-secret'),
    // A checkpoint every second once dossiers exist, so the feed carries one.
    '--checkpoint-interval', '1', '--oidc-config', path.join(dir, 'oidc.json'),
    // Demo mode, so that the /v1/demo routes are part of the run.
    '--demo',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = [];
  readline.createInterface({ input: child.stderr }).on('line', (line) => stderr.push(line));
  await new Promise((resolve, reject) => {
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes(`listening on ${base}`)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`motcua serve exited (${code}):\n${stderr.join('\n')}`)));
  });

  const server = {
    base, dir, pki, stderr,
    adminToken: (await readFile(path.join(dir, 'admin-token'), 'utf8')).trim(),
    // A bearer secret for `user` with `roles` (staff of kAgency unless an applicant).
    async token(user, roles) {
      const agency = roles.includes('applicant') ? [] : ['--agency', kAgency];
      const out = await motcua('token', 'create', '--db', db, '--user', user, '--roles', roles.join(','), ...agency);
      return out.trim().split('\n').at(-1).trim();
    },
    // `motcua sign` with the demo leader's key: the base64 DER CMS over `file`.
    async signAsLeader(file) {
      const out = path.join(dir, 'result.p7s');
      await motcua('sign', '--key', path.join(pki, 'leader.key'), '--cert', path.join(pki, 'leader.pem'),
        '--chain', path.join(pki, 'chain.pem'), '--in', file, '--out', out);
      return (await readFile(out)).toString('base64');
    },
    async close() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
      await rm(dir, { recursive: true, force: true });
    },
  };
  return server;
}
