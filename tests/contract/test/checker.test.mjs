// The checker of contract.mjs, and api/openapi.yaml itself: the response
// schemas are closed, so the checker rejects what the server must never send
// (a dossier without its code, a field the document does not declare, an
// undeclared status or media type), and redocly lints the document clean.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadContract, openSchemaPointers } from '../contract.mjs';

const contract = loadContract();
const kCode = '000.00.01.H26-260302-0001';

// A dossier as GET /v1/dossiers/{code} answers it (a real answer, trimmed to
// the fields every dossier has).
const dossier = () => ({
  code: kCode, procedure: '1.003677', definition_version: 1, applicant_id: '079190000123',
  agency: '000.00.01.H26', handling_agency: '000.00.01.H26', branches: [], identity_verified_by: null, identity_data_fields: [], state: 'submitted', state_name: 'Submitted, awaiting reception', status: 1,
  version: 1, assignee: null, received_at: null, due_at: null, finished_at: null, extensions: [],
  form: { full_name: 'Nguyễn Văn An' }, documents: {}, result_document: null,
  available_actions: ['withdraw'], automatic_pending: null, escalation: null, rating: null,
  fully_online: { fully_online: true, final: false, reasons: [] },
  timeliness: { status: null, supplement_requests: 0, counts_late_in_index: false },
  state_title: { vi: 'Mới đăng ký, chờ tiếp nhận', en: 'Submitted, awaiting reception' },
  procedure_title: { vi: 'Khai báo tạm vắng', en: 'Temporary absence declaration' },
  document_titles: {},
  actions: [{
    name: 'withdraw', title: { vi: 'Rút hồ sơ', en: 'Withdraw the dossier' }, branch: null, step: null,
    requires: { comment: true, result_document: false, appointment_date: false, signature: false, documents: [], form_fields: [] },
  }],
  fee: { desk: 0, online: 0, awaiting_payment: false, paid: null },
  working_time_left: null,
});

const getDossier = (body, { status = 200, headers = { 'content-type': 'application/json', etag: '"1"' } } = {}) =>
  contract.check({ method: 'GET', path: `/v1/dossiers/${kCode}`, status, headers, body: JSON.stringify(body) });

test('the sample dossier keeps the contract', () => {
  assert.deepEqual(getDossier(dossier()), []);
});

test('a dossier without its code is rejected', () => {
  const body = dossier();
  delete body.code;
  const problems = getDossier(body);
  assert.ok(problems.some((p) => p.includes("must have required property 'code'")), problems.join('\n'));
});

test('a dossier with a field the document does not declare is rejected', () => {
  const problems = getDossier({ ...dossier(), internal_note: 'x' });
  assert.ok(problems.some((p) => p.includes('must NOT have additional properties') && p.includes('internal_note')), problems.join('\n'));
});

test('a date-time that is not RFC 3339 is rejected', () => {
  const problems = getDossier({ ...dossier(), received_at: '25-12-31T17:00:00Z' });
  assert.ok(problems.some((p) => p.includes('/received_at must match format "date-time"')), problems.join('\n'));
});

test('a problem with an extra field, or an errors item without its pointer, is rejected', () => {
  const problem = { type: 'https://motcua.example/problems/not_found', title: 'Not found', status: 404 };
  const check = (body) => getDossier(body, { status: 404, headers: { 'content-type': 'application/problem+json' } });
  assert.deepEqual(check(problem), []);
  assert.notDeepEqual(check({ ...problem, trace: 'x' }), []);
  assert.notDeepEqual(check({ ...problem, errors: [{ message: 'no pointer' }] }), []);
});

test('an undeclared media type, header or path is rejected', () => {
  assert.notDeepEqual(getDossier(dossier(), { headers: { 'content-type': 'text/html' } }), []);
  assert.notDeepEqual(getDossier(dossier(), { headers: { 'content-type': 'application/json', 'x-debug': '1' } }), []);
  const unknown = { 'content-type': 'application/problem+json' };
  const notFound = JSON.stringify({ type: 'https://motcua.example/problems/route_not_found', title: 'Not found', status: 404 });
  assert.deepEqual(contract.check({ method: 'GET', path: '/v1/nothing', status: 404, headers: unknown, body: notFound }), []);
  assert.notDeepEqual(contract.check({ method: 'GET', path: '/v1/nothing', status: 200, headers: unknown, body: notFound }), []);
  // A method a documented path does not have is 405 with the path's methods in Allow.
  const allow = (value) => contract.check({ method: 'DELETE', path: '/v1/procedures', status: 405, headers: { ...unknown, allow: value }, body: notFound });
  assert.deepEqual(allow('GET, HEAD'), []);
  assert.notDeepEqual(allow('GET, HEAD, DELETE'), []);
});

test('every response object schema lists its required fields and is closed', () => {
  assert.deepEqual(openSchemaPointers(contract.spec), []);
});

test('every operation has a default problem response', () => {
  const missing = contract.operations.filter((operation) => {
    const [method, path] = operation.split(' ');
    return !contract.spec.paths[path][method.toLowerCase()].responses.default;
  });
  assert.deepEqual(missing, []);
});

test('redocly lints api/openapi.yaml clean (recommended-strict)', async () => {
  const here = fileURLToPath(new URL('..', import.meta.url));
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const { stderr } = await promisify(execFile)('node_modules/.bin/redocly', ['lint', '--config', 'redocly.yaml', '../../api/openapi.yaml'], { cwd: here, env })
    .catch((error) => assert.fail(`redocly lint failed:\n${error.stdout}\n${error.stderr}`));
  assert.match(stderr, /Your API description is valid/);
});
