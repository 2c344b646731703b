// harness.mjs: the staff browser tests' users and helpers, on the shared
// stack of ../harness.mjs (a fresh `motcua serve --demo` on a temporary
// database with a throw-away demo PKI, and Debian's chromium).
//
// Signing in: staff sign in to the UI with a browser session (OIDC, or the
// demo accounts). These tests sign in with bearer tokens made with
// `motcua token create` instead (pageAs): the browser's /v1 requests carry
// the token, and GET /v1/session answers the token's user, so the UI runs as
// it does after a cookie sign-in.
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import * as shared from '../harness.mjs';

export const { kAgency, kPhone, kDesktop } = shared;
export const kCitizen = { user_id: '001090000001', name: 'Nguyễn Văn An', roles: ['applicant'] };
export const kClerk = { user_id: 'staff-clerk-1', name: 'Phạm Văn Dũng', roles: ['reception_clerk'], agency: kAgency };
export const kClerk2 = { user_id: 'staff-clerk-2', name: 'Đỗ Thị Mai', roles: ['reception_clerk'], agency: kAgency };
export const kSpecialist = { user_id: 'staff-specialist', name: 'Lê Thị Hoa', roles: ['specialist'], agency: kAgency };
// The demo PKI's leader certificate carries UID=leader1.
export const kLeader = { user_id: 'leader1', name: 'Trần Văn Lãnh', roles: ['leader'], agency: kAgency };
export const kAdmin = { user_id: 'staff-admin', name: 'Vũ Quản Trị', roles: ['admin'], agency: kAgency };
export const kAllUsers = [kCitizen, kClerk, kClerk2, kSpecialist, kLeader, kAdmin];

export { apiAs, open, seriousViolations, signWithMotcua } from '../harness.mjs';

export function startStack(users = kAllUsers, serveArgs = [], signers = []) {
  return shared.startStack({ users, serveArgs, signers });
}

// A page signed in as `user` (see the file comment), recording script
// errors and CSP refusals in page.problems.
export async function pageAs(stack, user, { viewport = kDesktop } = {}) {
  const page = await shared.newPage(stack, { viewport });
  await shared.signInWithToken(page, stack, user);
  return page;
}

// A dossier of 1.004194 submitted by kCitizen through the API.
export function submitDossier(stack) {
  return shared.submitDossier(stack, kCitizen);
}

export async function act(stack, user, code, action, payload = {}) {
  return shared.apiAs(stack, user, 'POST', `/v1/dossiers/${encodeURIComponent(code)}/actions/${action}`, { json: payload });
}

// A dossier of 1.004194 brought to the leader's signature through the API;
// resolves with {code, resultPath} (the result's bytes saved in the stack dir).
export async function dossierAwaitingSignature(stack) {
  const { code } = await submitDossier(stack);
  await act(stack, kClerk, code, 'receive');
  await shared.apiAs(stack, kClerk, 'POST', `/v1/dossiers/${encodeURIComponent(code)}/payments`, { json: { amount: 15000, receipt: `BL-${code}` } });
  const result = await shared.apiAs(stack, kSpecialist, 'POST', '/v1/documents', { body: `%PDF-1.4 result of ${code}`, contentType: 'application/pdf' });
  await act(stack, kSpecialist, code, 'propose_result', { comment: 'Đủ điều kiện', result_document: result.id });
  const resultPath = path.join(stack.dir, `${code}.pdf`);
  await writeFile(resultPath, `%PDF-1.4 result of ${code}`);
  return { code, resultPath };
}

// Binds the leader's account to the demo PKI's leader certificate.
export function bindLeaderCertificate(stack) {
  return shared.bindLeaderCertificate(stack, kAdmin, kLeader);
}
