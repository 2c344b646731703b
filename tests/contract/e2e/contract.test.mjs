// The contract, checked against the real server: one end-to-end run of
// `motcua serve` (server.mjs) in which every response of every request is
// checked against api/openapi.yaml by contract.mjs (Ajv 2020-12 with
// ajv-formats): status declared for the path and method, Content-Type
// declared, JSON and problem+json bodies valid against their schema (closed
// schemas: an undeclared field, a missing required field or a wrong format
// fails), headers declared. CSV answers are checked for their declared
// Content-Type and headers.
//
// Every "METHOD /path" of openapi.yaml must be exercised at least once, so a
// new route cannot escape the contract (and every entry must name an
// operation of the document). To cover a new route, add one line to the
// `exercise` list in the test below, e.g.
//     ['GET /v1/things/{id}', async () => ok(await call('GET', `/v1/things/${id}`, { as: admin }), 200)],
// (the operation it covers as the document writes it, then the requests,
// made through `call`, which checks every answer; `ok` asserts the status),
// or, if it cannot be exercised here, add it with its reason to
// kNotExercised.
import assert from 'node:assert/strict';
import { X509Certificate, createHmac } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { loadContract } from '../contract.mjs';
import { kAgency, kPaymentSecret, kStaffProvider, startServer } from '../server.mjs';

// Operations deliberately left out of the run, each with its reason.
const kNotExercised = new Map([
  // (none: OIDC sign-in is exercised through its refusals, sessions through
  // the demo sign-in)
]);

const contract = loadContract();
let server;
const exercised = new Set();
const violations = [];

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.close();
});

// Sends a request and checks its answer against the contract. `as`: a bearer
// secret; `json`: a body sent as application/json; `body`/`type`: raw.
// Returns {status, headers, text, buffer, json} (json: null unless the body is JSON).
async function call(method, route, { as, json, body, type, headers = {} } = {}) {
  const response = await fetch(`${server.base}${route}`, {
    method,
    redirect: 'manual',
    headers: {
      ...(as && { authorization: `Bearer ${as}` }),
      ...(json !== undefined && { 'content-type': 'application/json' }),
      ...(type && { 'content-type': type }),
      ...headers,
    },
    body: json !== undefined ? JSON.stringify(json) : body,
  });
  const buffer = Buffer.from(await response.arrayBuffer());
  const text = buffer.toString('utf8');
  const problems = contract.check({ method, path: route, status: response.status, headers: response.headers, body: text });
  violations.push(...problems);
  const template = contract.templateOf(method, route);
  if (template) exercised.add(`${method} ${template}`);
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, text, buffer, json: parsed };
}

const ok = (reply, status) => {
  assert.equal(reply.status, status, `expected ${status}, got ${reply.status}: ${reply.text.slice(0, 500)}`);
  return reply;
};

test('every answer of an end-to-end run keeps the contract', async () => {
  const admin = server.adminToken;
  const applicant = await server.token('079190000123', ['applicant']);
  const clerk = await server.token('clerk-1', ['reception_clerk']);
  const specialist = await server.token('specialist-1', ['specialist']);
  const leader = await server.token('leader-1', ['leader']);
  const auditor = await server.token('auditor-1', ['auditor']);
  const procedure = '1.003677';
  const workflow = JSON.parse(await readFile(path.join(process.env.MOTCUA_SOURCE_DIR, 'workflows', '1.003677-temporary-absence.json'), 'utf8'));
  const form = {
    full_name: 'Nguyễn Văn An', citizen_id: '079190000123', absent_from: '2026-03-02',
    absent_until: '2026-04-02', destination: 'Đà Nẵng', reason: 'Công tác',
  };
  let code;
  let declaration;
  let resultBytes;
  let signatureHref;
  let tokenId;
  let feeCode;
  const residenceForm = { full_name: 'Trần Thị Bình', citizen_id: '001085000456', address: '12 Lê Lợi, Huế', stay_until: '2027-03-02' };
  let residenceDocuments;
  let deskDocuments;
  let demoCitizen;
  let migrationPlan;
  let migrationEtag;
  let migrationSelection;
  const kDemoCitizen = '001090000001';
  // A browser session from a sign-in answer: its cookie, and the headers of
  // a state-changing request from this site (Origin, X-CSRF-Token).
  const browser = (signedIn) => {
    const cookie = signedIn.headers.get('set-cookie').split(';')[0];
    return { cookie, headers: { cookie, origin: server.base, 'x-csrf-token': signedIn.json.csrf_token } };
  };

  // [operation covered, request]: run in order, later steps use earlier results.
  const exercise = [
    ['GET /healthz', async () => ok(await call('GET', '/healthz'), 200)],
    ['GET /', async () => {
      const page = ok(await call('GET', '/'), 200);
      ok(await call('GET', '/', { headers: { 'if-none-match': page.headers.get('etag') } }), 304);
    }],
    ['GET /web/{file}', async () => {
      ok(await call('GET', '/web/app.js'), 200);
      ok(await call('GET', '/web/no-such-file.js'), 404);
    }],
    ['GET /web/{dir}/{file}', async () => {
      ok(await call('GET', '/web/lib/api.js'), 200);
      ok(await call('GET', '/web/lib/no-such-file.js'), 404);
    }],
    ['GET /metrics', async () => ok(await call('GET', '/metrics'), 200)],
    ['GET /v1/procedures', async () => ok(await call('GET', '/v1/procedures'), 200)],
    ['GET /v1/procedures/{code}', async () => {
      ok(await call('GET', `/v1/procedures/${procedure}`), 200);
      ok(await call('GET', '/v1/procedures/9.999999'), 404);
    }],
    ['GET /v1/procedures/{code}/versions', async () => {
      ok(await call('GET', `/v1/procedures/${procedure}/versions`, { as: admin }), 200);
      ok(await call('GET', `/v1/procedures/${procedure}/versions`), 401);
      ok(await call('GET', `/v1/procedures/${procedure}/versions`, { as: applicant }), 403);
    }],
    ['PUT /v1/procedures/{code}/workflow', async () => {
      ok(await call('PUT', `/v1/procedures/${procedure}/workflow`, { as: admin, json: workflow }), 200);
      ok(await call('PUT', `/v1/procedures/${procedure}/workflow`, { as: admin, json: { procedure: {} } }), 422);
      ok(await call('PUT', `/v1/procedures/${procedure}/workflow`, { as: admin, body: '{"a":', type: 'application/json' }), 400);
      ok(await call('PUT', `/v1/procedures/${procedure}/workflow`, { as: admin, body: '{}', type: 'text/plain' }), 415);
    }],
    ['GET /v1/procedures/{code}/versions/{from}/diff/{to}', async () => {
      const longer = structuredClone(workflow);
      longer.procedure.deadline = { working_days: (workflow.procedure.deadline?.working_days ?? 5) + 1 };
      const { version } = ok(await call('PUT', `/v1/procedures/${procedure}/workflow`, { as: admin, json: longer }), 200).json;
      const diff = ok(await call('GET', `/v1/procedures/${procedure}/versions/1/diff/${version}`, { as: admin }), 200).json;
      if (!diff.changes.some((change) => change.category === 'deadline')) throw new Error('the moved deadline is not in the diff');
      ok(await call('GET', `/v1/procedures/${procedure}/versions/1/diff/999`, { as: admin }), 404);
      ok(await call('GET', `/v1/procedures/${procedure}/versions/one/diff/1`, { as: admin }), 422);
      ok(await call('GET', `/v1/procedures/${procedure}/versions/1/diff/1`), 401);
      ok(await call('GET', `/v1/procedures/${procedure}/versions/1/diff/1`, { as: applicant }), 403);
    }],
    ['POST /v1/procedures/{code}/migrations/dry-run', async () => {
      const versions = ok(await call('GET', `/v1/procedures/${procedure}/versions`, { as: admin }), 200).json.items;
      migrationPlan = { from_version: 1, to_version: versions[versions.length - 1].version };
      const route = `/v1/procedures/${procedure}/migrations/dry-run`;
      const dryRun = ok(await call('POST', route, { as: admin, json: migrationPlan }), 200).json;
      migrationEtag = dryRun.plan_etag;
      migrationSelection = dryRun.selection;
      ok(await call('POST', route, { as: admin, json: migrationPlan, headers: { accept: 'text/csv' } }), 200);
      ok(await call('POST', `${route}?format=csv`, { as: admin, json: migrationPlan }), 200);
      ok(await call('POST', route, { as: admin, json: { from_version: 1, to_version: 1 } }), 422);
      ok(await call('POST', route, { as: admin, json: { from_version: 1, to_version: 999 } }), 404);
      ok(await call('POST', route, { as: admin, body: '{}', type: 'text/plain' }), 415);
      ok(await call('POST', route, { json: migrationPlan }), 401);
      ok(await call('POST', route, { as: applicant, json: migrationPlan }), 403);
    }],
    ['POST /v1/procedures/{code}/migrations/apply', async () => {
      const route = `/v1/procedures/${procedure}/migrations/apply`;
      const applied = { ...migrationPlan, selection: migrationSelection };
      const current = { 'if-match': `"${migrationEtag}"` };
      ok(await call('POST', route, { as: admin, json: applied, headers: { 'if-match': '"stale"' } }), 412);
      ok(await call('POST', route, { as: admin, json: applied }), 400);
      ok(await call('POST', route, { as: admin, json: migrationPlan, headers: current }), 422);
      ok(await call('POST', route, { as: clerk, json: applied, headers: current }), 403);
      ok(await call('POST', route, { as: admin, json: applied, headers: current }), 200);
    }],
    ['POST /v1/procedures/lint', async () => {
      const clean = ok(await call('POST', '/v1/procedures/lint', { as: admin, body: JSON.stringify(workflow, null, 2), type: 'application/json' }), 200);
      assert.equal(clean.json.valid, true, JSON.stringify(clean.json.problems));
      const broken = ok(await call('POST', '/v1/procedures/lint', { as: admin, body: '{"procedure":\n  {"code": 7', type: 'application/json' }), 200);
      assert.equal(broken.json.valid, false);
      ok(await call('POST', '/v1/procedures/lint', { as: applicant, body: '{}', type: 'application/json' }), 403);
      ok(await call('POST', '/v1/procedures/lint', { body: '{}', type: 'application/json' }), 401);
    }],
    ['POST /v1/documents', async () => {
      declaration = ok(await call('POST', '/v1/documents', { as: applicant, body: 'CT01 declaration', type: 'application/pdf' }), 201).json.id;
      ok(await call('POST', '/v1/documents', { body: 'x', type: 'application/pdf' }), 401);
      // The papers of a residence registration: the applicant's own, and those a clerk scans at the desk.
      const upload = async (as, text) => ok(await call('POST', '/v1/documents', { as, body: text, type: 'application/pdf' }), 201).json.id;
      residenceDocuments = { declaration, legal_residence_proof: await upload(applicant, 'lease') };
      deskDocuments = { declaration: await upload(clerk, 'CT01 at the desk'), legal_residence_proof: await upload(clerk, 'lease at the desk') };
    }],
    ['GET /v1/documents/{id}', async () => {
      ok(await call('GET', `/v1/documents/${declaration}`, { as: applicant }), 200);
      ok(await call('GET', `/v1/documents/${'0'.repeat(64)}`, { as: applicant }), 404);
    }],
    ['POST /v1/dossiers', async () => {
      const submitted = ok(await call('POST', '/v1/dossiers', {
        as: applicant, json: { procedure, agency: kAgency, form, documents: { declaration } },
        headers: { 'idempotency-key': 'contract-submit-1' },
      }), 201);
      code = submitted.json.code;
      // The replay carries Idempotent-Replayed.
      ok(await call('POST', '/v1/dossiers', {
        as: applicant, json: { procedure, agency: kAgency, form, documents: { declaration } },
        headers: { 'idempotency-key': 'contract-submit-1' },
      }), 201);
      ok(await call('POST', '/v1/dossiers', { as: applicant, json: { procedure, agency: kAgency, form: {} } }), 422);
      ok(await call('POST', '/v1/dossiers', { as: applicant, json: { procedure: '9.999999', agency: kAgency, form } }), 404);
      ok(await call('POST', '/v1/dossiers', { as: applicant, body: '['.repeat(100), type: 'application/json' }), 400);
    }],
    ['GET /v1/dossiers', async () => {
      ok(await call('GET', '/v1/dossiers', { as: applicant }), 200);
      ok(await call('GET', '/v1/dossiers?limit=1', { as: clerk }), 200);
      ok(await call('GET', '/v1/dossiers?received_from=%2B026-01-01', { as: clerk }), 422);
      ok(await call('GET', '/v1/dossiers', { as: 'not-a-token' }), 401);
    }],
    ['GET /v1/dossiers/{code}', async () => {
      ok(await call('GET', `/v1/dossiers/${code}`, { as: applicant }), 200);
      ok(await call('GET', `/v1/dossiers/${kAgency}-260101-999999`, { as: applicant }), 404);
      ok(await call('GET', '/v1/dossiers/%ZZ', { as: applicant }), 400);
    }],
    ['GET /v1/queue', async () => {
      ok(await call('GET', '/v1/queue', { as: clerk }), 200);
      ok(await call('GET', '/v1/queue', { as: applicant }), 403);
    }],
    ['POST /v1/dossiers/{code}/claim', async () => {
      // The minimal answer a client may prefer (DossierState) is checked too.
      const claimed = ok(await call('POST', `/v1/dossiers/${code}/claim`, { as: clerk, headers: { prefer: 'return=minimal' } }), 200);
      assert.equal(claimed.headers.get('preference-applied'), 'return=minimal');
      assert.deepEqual(Object.keys(claimed.json).sort(), ['available_actions', 'code', 'state', 'status', 'version']);
    }],
    ['POST /v1/dossiers/{code}/release', async () => {
      ok(await call('POST', `/v1/dossiers/${code}/release`, { as: clerk }), 200);
      ok(await call('POST', `/v1/dossiers/${code}/release`, { as: clerk }), 403);
    }],
    ['POST /v1/dossiers/{code}/actions/{action}', async () => {
      ok(await call('POST', `/v1/dossiers/${code}/actions/receive`, { as: clerk, json: {}, headers: { 'if-match': '"1"' } }), 412);
      ok(await call('POST', `/v1/dossiers/${code}/actions/receive`, { as: clerk, json: {} }), 200);
      ok(await call('POST', `/v1/dossiers/${code}/actions/receive`, { as: clerk, json: {} }), 409);
      // An apology letter with a new appointment: the dossier lists the extension.
      const extended = ok(await call('POST', `/v1/dossiers/${code}/actions/extend_deadline`, {
        as: specialist, json: { comment: 'Cần xác minh', appointment_date: '2027-01-15T10:00:00Z' },
      }), 200);
      assert.equal(extended.json.extensions.length, 1);
      const result = await call('POST', '/v1/documents', { as: specialist, body: 'Notice of temporary absence', type: 'application/pdf' });
      ok(await call('POST', `/v1/dossiers/${code}/actions/propose_result`, { as: specialist, json: { result_document: result.json.id } }), 422);
      ok(await call('POST', `/v1/dossiers/${code}/actions/propose_result`, {
        as: specialist, json: { comment: 'Đủ điều kiện', result_document: result.json.id },
      }), 200);
    }],
    ['GET /v1/dossiers/{code}/result', async () => {
      resultBytes = ok(await call('GET', `/v1/dossiers/${code}/result`, { as: leader }), 200).buffer;
      // The leader's certificate bound to the leader, then the signature.
      const certificate = new X509Certificate(await readFile(path.join(server.pki, 'leader.pem')));
      const fingerprint = certificate.fingerprint256.replaceAll(':', '').toLowerCase();
      ok(await call('PATCH', '/v1/users/leader-1', { as: admin, json: { certificate_fingerprint: fingerprint } }), 200);
      const file = path.join(server.dir, 'result');
      await writeFile(file, resultBytes);
      const signature = await server.signAsLeader(file);
      ok(await call('POST', `/v1/dossiers/${code}/actions/sign_result`, { as: leader, json: { signature } }), 200);
      ok(await call('POST', `/v1/dossiers/${code}/actions/return_result`, { as: clerk, json: {} }), 200);
    }],
    ['GET /v1/dossiers/{code}/result/signatures', async () => {
      const list = ok(await call('GET', `/v1/dossiers/${code}/result/signatures`, { as: applicant }), 200);
      signatureHref = list.json.items[0].href;
    }],
    ['GET /v1/dossiers/{code}/result/signatures/{id}', async () => {
      ok(await call('GET', signatureHref, { as: applicant }), 200);
      ok(await call('GET', `/v1/dossiers/${code}/result/signatures/${'0'.repeat(64)}`, { as: applicant }), 404);
    }],
    ['POST /v1/verify', async () => {
      ok(await call('POST', '/v1/verify', { body: resultBytes, type: 'application/octet-stream' }), 200);
      ok(await call('POST', '/v1/verify', { body: 'not a result', type: 'application/octet-stream' }), 404);
      // Over --max-anonymous-body (64 KiB) without credentials: the default problem.
      ok(await call('POST', '/v1/verify', { body: Buffer.alloc(70 * 1024), type: 'application/octet-stream' }), 413);
    }],
    ['POST /v1/dossiers/{code}/rating', async () => {
      ok(await call('POST', `/v1/dossiers/${code}/rating`, { as: applicant, json: { score: 9 } }), 422);
      ok(await call('POST', `/v1/dossiers/${code}/rating`, { as: applicant, json: { score: 5, comment: 'Nhanh' } }), 201);
      ok(await call('POST', `/v1/dossiers/${code}/rating`, { as: applicant, json: { score: 4 } }), 409);
    }],
    ['GET /v1/dossiers/{code}/history', async () => ok(await call('GET', `/v1/dossiers/${code}/history`, { as: applicant }), 200)],
    ['GET /v1/dossiers/{code}/audit', async () => {
      ok(await call('GET', `/v1/dossiers/${code}/audit`, { as: auditor }), 200);
      ok(await call('GET', `/v1/dossiers/${code}/audit`, { as: applicant }), 403);
    }],
    ['POST /v1/dossiers/{code}/payments', async () => {
      // Temporary residence has a fee (15,000 VND at the desk): submitted
      // at the desk by the clerk, received, then paid there.
      feeCode = ok(await call('POST', '/v1/dossiers', {
        as: clerk, json: { procedure: '1.004194', applicant_id: '001085000456', channel: 'desk', form: residenceForm, documents: deskDocuments },
      }), 201).json.code;
      ok(await call('POST', `/v1/dossiers/${feeCode}/actions/receive`, { as: clerk, json: {} }), 200);
      ok(await call('POST', `/v1/dossiers/${feeCode}/payments`, { as: clerk, json: { amount: 1000, receipt: 'BL-1' } }), 400);
      ok(await call('POST', `/v1/dossiers/${feeCode}/payments`, { as: clerk, json: { amount: 15000, receipt: 'BL-1' } }), 201);
      ok(await call('POST', `/v1/dossiers/${feeCode}/payments`, { as: applicant, json: { amount: 15000, receipt: 'BL-2' } }), 403);
      ok(await call('POST', `/v1/dossiers/${code}/payments`, { as: clerk, json: { amount: 1000, receipt: 'BL-3' } }), 409);
    }],
    ['POST /v1/payments/callback', async () => {
      // Submitted online by the applicant, received, paid through the gateway (7,000 VND online).
      const online = ok(await call('POST', '/v1/dossiers', {
        as: applicant, json: { procedure: '1.004194', agency: kAgency, form: residenceForm, documents: residenceDocuments },
      }), 201).json.code;
      ok(await call('POST', `/v1/dossiers/${online}/actions/receive`, { as: clerk, json: {} }), 200);
      const confirmation = JSON.stringify({ transaction_id: 'gw-1', dossier: online, amount: 7000, status: 'paid' });
      const signature = `sha256=${createHmac('sha256', kPaymentSecret).update(confirmation).digest('hex')}`;
      const gateway = { body: confirmation, type: 'application/json', headers: { 'x-motcua-signature': signature } };
      assert.equal(ok(await call('POST', '/v1/payments/callback', gateway), 200).json.outcome, 'recorded');
      assert.equal(ok(await call('POST', '/v1/payments/callback', gateway), 200).json.outcome, 'replayed');
      ok(await call('POST', '/v1/payments/callback', { ...gateway, headers: { 'x-motcua-signature': `sha256=${'0'.repeat(64)}` } }), 401);
    }],
    ['GET /v1/users', async () => ok(await call('GET', '/v1/users', { as: admin }), 200)],
    ['POST /v1/users', async () => {
      ok(await call('POST', '/v1/users', { as: admin, json: { id: 'clerk-2', name: 'Lê Thị Hoa', roles: ['reception_clerk'], agency: kAgency } }), 201);
      ok(await call('POST', '/v1/users', { as: admin, json: { id: 'clerk-2', roles: ['reception_clerk'], agency: kAgency } }), 409);
      ok(await call('POST', '/v1/users', { as: admin, json: { id: 'clerk-3', agency: kAgency } }), 422);
      ok(await call('POST', '/v1/users', { as: clerk, json: { id: 'clerk-4', roles: ['reception_clerk'] } }), 403);
    }],
    ['GET /v1/users/{id}', async () => {
      ok(await call('GET', '/v1/users/clerk-2', { as: admin }), 200);
      ok(await call('GET', '/v1/users/nobody', { as: admin }), 404);
    }],
    ['PATCH /v1/users/{id}', async () => {
      ok(await call('PATCH', '/v1/users/clerk-2', { as: admin, json: { name: 'Lê Thị Hoà', disabled: false } }), 200);
      ok(await call('PATCH', '/v1/users/clerk-2', { as: admin, json: { colour: 'blue' } }), 422);
    }],
    ['POST /v1/tokens', async () => {
      tokenId = ok(await call('POST', '/v1/tokens', { as: admin, json: { user_id: 'clerk-2', label: 'desk', ttl_seconds: 3600 } }), 201).json.id;
      ok(await call('POST', '/v1/tokens', { as: admin, json: { user_id: 'nobody' } }), 404);
    }],
    ['GET /v1/tokens', async () => {
      ok(await call('GET', '/v1/tokens?user=clerk-2', { as: admin }), 200);
      ok(await call('GET', '/v1/tokens', { as: admin }), 422);
    }],
    ['DELETE /v1/tokens/{id}', async () => {
      ok(await call('DELETE', `/v1/tokens/${tokenId}`, { as: admin }), 204);
      ok(await call('DELETE', `/v1/tokens/${'0'.repeat(64)}`, { as: admin }), 404);
    }],
    ['GET /v1/feed', async () => {
      // Both kinds of entry: dossier status changes, and a signed checkpoint.
      let topics = new Set();
      for (let waited = 0; waited < 20000 && !topics.has('audit.checkpoint'); waited += 250) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        topics = new Set(ok(await call('GET', '/v1/feed?limit=1000', { as: admin }), 200).json.items.map((e) => e.topic));
      }
      assert.deepEqual([...topics].sort(), ['audit.checkpoint', 'dossier.status']);
      ok(await call('GET', '/v1/feed?limit=0', { as: admin }), 422);
    }],
    ['GET /v1/feed/dead-letters', async () => ok(await call('GET', '/v1/feed/dead-letters', { as: admin }), 200)],
    ['GET /v1/reports/summary', async () => {
      ok(await call('GET', '/v1/reports/summary', { as: auditor }), 200);
      ok(await call('GET', '/v1/reports/summary?group_by=month&from=2026-01-01', { as: admin, headers: { accept: 'text/csv' } }), 200);
      ok(await call('GET', '/v1/reports/summary?from=%2B026-01-01', { as: admin }), 422);
    }],
    ['GET /v1/reports/scorecard', async () => {
      ok(await call('GET', '/v1/reports/scorecard', { as: admin }), 200);
      ok(await call('GET', '/v1/reports/scorecard', { as: admin, headers: { accept: 'text/csv' } }), 200);
      ok(await call('GET', '/v1/reports/scorecard?agency=000.00.02.H26', { as: admin }), 403);
    }],
    ['GET /v1/auth/providers', async () => ok(await call('GET', '/v1/auth/providers'), 200)],
    ['GET /v1/auth/{provider}/login', async () => {
      ok(await call('GET', '/v1/auth/vneid/login'), 404);
      ok(await call('GET', `/v1/auth/${kStaffProvider}/login?return_to=//evil.example`), 400);
      ok(await call('GET', `/v1/auth/${kStaffProvider}/login`), 503);
    }],
    ['GET /v1/auth/{provider}/callback', async () => {
      ok(await call('GET', '/v1/auth/vneid/callback?code=c&state=s'), 404);
      ok(await call('GET', `/v1/auth/${kStaffProvider}/callback?code=c&state=s`), 400);
    }],
    ['GET /v1/session', async () => ok(await call('GET', '/v1/session', { as: admin }), 401)],
    ['POST /v1/session/logout', async () => ok(await call('POST', '/v1/session/logout', { as: admin }), 401)],
    // Demo mode (server.mjs starts serve with --demo).
    ['GET /v1/demo/accounts', async () => {
      const listed = ok(await call('GET', '/v1/demo/accounts'), 200).json.accounts;
      assert.deepEqual(listed.map((account) => account.user_id),
        [kDemoCitizen, 'demo-reception', 'demo-specialist', 'leader1', 'demo-admin', 'demo-auditor']);
      assert.ok(listed.slice(1).every((account) => account.agency === kAgency));
    }],
    ['POST /v1/demo/sign-in', async () => {
      const signIn = (json, origin = server.base) => call('POST', '/v1/demo/sign-in', { json, headers: { origin } });
      ok(await signIn({ user_id: kDemoCitizen }, 'http://evil.example'), 403);
      ok(await signIn({ user_id: 'clerk-1' }), 422);
      ok(await signIn({ user_id: kDemoCitizen, roles: ['admin'] }), 422);
      ok(await call('POST', '/v1/demo/sign-in', { body: '{"user_id":', type: 'application/json' }), 400);
      const signedIn = ok(await signIn({ user_id: kDemoCitizen }), 200);
      assert.equal(signedIn.json.authenticated_by, 'demo_session');
      demoCitizen = browser(signedIn);
      assert.equal(ok(await call('GET', '/v1/session', { headers: { cookie: demoCitizen.cookie } }), 200).json.user_id, kDemoCitizen);
    }],
    ['POST /v1/demo/gateway/{code}/pay', async () => {
      // The demo citizen submits by cookie and CSRF token; the clerk receives; 7,000 VND are due online.
      const upload = async (text) => ok(await call('POST', '/v1/documents', { body: text, type: 'application/pdf', headers: demoCitizen.headers }), 201).json.id;
      const documents = { declaration: await upload('CT01 of the demo citizen'), legal_residence_proof: await upload('lease of the demo citizen') };
      const demoCode = ok(await call('POST', '/v1/dossiers', {
        json: { procedure: '1.004194', agency: kAgency, form: { ...residenceForm, citizen_id: kDemoCitizen }, documents },
        headers: demoCitizen.headers,
      }), 201).json.code;
      ok(await call('POST', `/v1/dossiers/${demoCode}/actions/receive`, { as: clerk, json: {} }), 200);
      const pay = `/v1/demo/gateway/${demoCode}/pay`;
      ok(await call('POST', pay, { as: applicant }), 404);
      ok(await call('POST', pay, { headers: { ...demoCitizen.headers, 'x-csrf-token': 'forged' } }), 403);
      ok(await call('POST', pay), 401);
      const paid = ok(await call('POST', pay, { headers: demoCitizen.headers }), 200).json;
      assert.equal(paid.state, 'in_review');
      assert.ok(paid.fully_online.reasons.every((reason) => reason.reason !== 'fee_paid_in_person'));
      ok(await call('POST', pay, { headers: demoCitizen.headers }), 409);
      // The demo leader1 signs with the demo PKI's leader certificate, whose UID binds it to leader1.
      const result = ok(await call('POST', '/v1/documents', { as: specialist, body: 'Demo residence result', type: 'application/pdf' }), 201).json.id;
      ok(await call('POST', `/v1/dossiers/${demoCode}/actions/propose_result`, { as: specialist, json: { comment: 'Đủ điều kiện', result_document: result } }), 200);
      const leader1 = browser(ok(await call('POST', '/v1/demo/sign-in', { json: { user_id: 'leader1' }, headers: { origin: server.base } }), 200));
      const resultFile = path.join(server.dir, 'demo-result');
      await writeFile(resultFile, ok(await call('GET', `/v1/dossiers/${demoCode}/result`, { headers: { cookie: leader1.cookie } }), 200).buffer);
      const signed = ok(await call('POST', `/v1/dossiers/${demoCode}/actions/sign_result`, {
        json: { signature: await server.signAsLeader(resultFile) }, headers: leader1.headers,
      }), 200).json;
      assert.notEqual(signed.state, 'awaiting_signature');
      // The demo session ends with the normal logout, without a provider logout URL.
      assert.equal(ok(await call('POST', '/v1/session/logout', { headers: demoCitizen.headers }), 200).json.logout_url, null);
      ok(await call('GET', '/v1/session', { headers: { cookie: demoCitizen.cookie } }), 401);
    }],
    ['PUT /v1/users/{id}/identities/{provider}', async () => {
      const link = (user, subject) => call('PUT', `/v1/users/${user}/identities/${kStaffProvider}`, { as: admin, json: { subject } });
      ok(await link('clerk-2', 'kc-1'), 200);
      ok(await link('clerk-1', 'kc-1'), 409);
      ok(await call('PUT', '/v1/users/clerk-2/identities/vneid', { as: admin, json: { subject: 'kc-1' } }), 404);
      ok(await link('clerk-2', ''), 400);
    }],
    ['DELETE /v1/users/{id}/identities/{provider}', async () => {
      ok(await call('DELETE', `/v1/users/clerk-2/identities/${kStaffProvider}`, { as: admin }), 204);
      ok(await call('DELETE', '/v1/users/clerk-2/identities/vneid', { as: admin }), 404);
    }],
  ];

  for (const [operation, request] of exercise) {
    assert.ok(contract.operations.includes(operation), `${operation} is not an operation of openapi.yaml`);
    await request();
  }

  // Answers no operation documents: a method the path does not have (405
  // with Allow) and a path the document does not have (404).
  ok(await call('DELETE', '/v1/procedures', { as: admin }), 405);
  ok(await call('GET', `/v1/procedures/${procedure}/workflow`), 405);
  ok(await call('OPTIONS', '/v1/procedures'), 405);
  ok(await call('GET', '/v1/no-such-route'), 404);
  ok(await call('GET', '/v2/procedures'), 404);

  assert.deepEqual(violations, [], `responses that break the contract:\n${violations.join('\n')}`);
  const missed = contract.operations.filter((op) => !exercised.has(op) && !kNotExercised.has(op));
  assert.deepEqual(missed, [], 'operations of openapi.yaml the run never exercised (add them to `exercise`)');
});
