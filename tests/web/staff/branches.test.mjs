// An inter-agency (liên thông) dossier in the browser (issue 22): the birth
// group, whose residence and health-insurance branches run at the police
// and social insurance at once. The police officer finds the dossier in their
// queue, sees only their branch and acts on it; the citizen sees one dossier
// with both branches' progress. Agency roles come from the bundled example
// (its "*" entry fills both roles for the test agency).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import {
  act, apiAs, kAdmin, kAgency, kCitizen, kClerk, kDesktop, kLeader, kPhone, open, pageAs,
  seriousViolations, signWithMotcua, startStack,
} from './harness.mjs';

const kOfficer = { user_id: 'staff-civil', name: 'Ngô Thị Hộ', roles: ['civil_status_officer'], agency: kAgency };
const kPolice = { user_id: 'staff-police', name: 'Đinh Văn Công', roles: ['residence_officer'], agency: '000.00.21.H26' };
const kInsurance = { user_id: 'staff-bhxh', name: 'Lý Thị Bảo', roles: ['insurance_officer'], agency: '000.00.31.H26' };

let stack;
let code;
before(async () => {
  const source = process.env.MOTCUA_SOURCE_DIR;
  stack = await startStack([kCitizen, kClerk, kLeader, kAdmin, kOfficer, kPolice, kInsurance],
    ['--agency-roles', path.join(source, 'tools/agency-roles.example.json')]);
  const form = JSON.parse(await readFile(path.join(source, 'tests/fixtures/sample_forms/LT-KHAISINH.json'), 'utf8'));
  const upload = (user, bytes) => apiAs(stack, user, 'POST', '/v1/documents', { body: bytes, contentType: 'application/pdf' });
  const declaration = await upload(kCitizen, '%PDF-1.4 tờ khai liên thông');
  const proof = await upload(kCitizen, '%PDF-1.4 giấy chứng sinh');
  const dossier = await apiAs(stack, kCitizen, 'POST', '/v1/dossiers', {
    json: { procedure: 'LT-KHAISINH', agency: kAgency, form, documents: { declaration: declaration.id, birth_proof: proof.id } },
  });
  code = dossier.code;
  await act(stack, kClerk, code, 'receive');
  const certificate = `%PDF-1.4 giấy khai sinh ${code}`;
  const result = await upload(kOfficer, certificate);
  await act(stack, kOfficer, code, 'propose_result', { comment: 'Đủ điều kiện', result_document: result.id });
  const file = path.join(stack.dir, 'birth-certificate.pdf');
  await writeFile(file, certificate);
  const signature = await readFile(await signWithMotcua(stack, file));
  const signed = await act(stack, kLeader, code, 'sign_result', { signature: signature.toString('base64') });
  assert.equal(signed.state, 'lienthong');
});
after(async () => {
  await stack?.stop();
});

// The branches of the page's "Các cơ quan cùng giải quyết" panel, as
// {branch: progress text}.
async function branchRows(page) {
  const panel = page.locator('section[aria-labelledby="branches-heading"]');
  await panel.waitFor();
  const rows = {};
  for (const item of await panel.locator('li[data-branch]').all()) {
    rows[await item.getAttribute('data-branch')] = (await item.locator('.badge').innerText()).trim();
  }
  return rows;
}

test('the police officer finds the dossier in their queue, sees only their branch and registers the residence', async () => {
  const page = await pageAs(stack, kPolice);
  await open(page, stack, '#/staff/queue');
  await page.getByRole('link', { name: code }).first().click();
  await page.locator('main h1').filter({ hasText: code }).waitFor();
  assert.deepEqual(await branchRows(page), { residence: 'Đang xử lý' });
  // The police hold their branch, not the dossier.
  await page.locator('.holder').getByRole('button', { name: 'Nhận xử lý' }).click();
  await page.locator('.holder').getByRole('button', { name: 'Trả lại' }).waitFor();
  // Only the residence branch's actions are offered.
  assert.equal(await page.locator('button[data-action="issue_insurance_card"]').count(), 0);
  await page.locator('button[data-action="register_residence"]').click();
  await page.fill('#action-comment', 'Đã đăng ký thường trú cùng hộ của mẹ');
  await page.getByRole('button', { name: /^Xác nhận/ }).click();
  await page.locator('.alert-success').waitFor();
  await page.locator('li[data-branch="residence"] .badge', { hasText: 'Đã hoàn thành' }).waitFor();
  assert.deepEqual(await branchRows(page), { residence: 'Đã hoàn thành' });
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(page.problems, []);
});

// At phone width too: nothing is wider than the screen, the signer's long
// distinguished name included (it has no spaces to break at).
test('the citizen sees one dossier with every agency\'s progress, at phone width too', async () => {
  // The residence registered (by the test above, else through the API here).
  const seen = await apiAs(stack, kCitizen, 'GET', `/v1/dossiers/${encodeURIComponent(code)}`);
  if (!seen.branches.find((branch) => branch.id === 'residence').ended) {
    await act(stack, kPolice, code, 'register_residence', { comment: 'Đã đăng ký thường trú' });
  }
  for (const viewport of [kDesktop, kPhone]) {
    const page = await pageAs(stack, kCitizen, { viewport });
    await open(page, stack, `#/dossiers/${encodeURIComponent(code)}`);
    assert.deepEqual(await branchRows(page), { health_insurance: 'Đang xử lý', residence: 'Đã hoàn thành' });
    const panel = await page.locator('section[aria-labelledby="branches-heading"]').innerText();
    assert.match(panel, /000\.00\.21\.H26/);
    assert.match(panel, /000\.00\.31\.H26/);
    assert.deepEqual(await seriousViolations(page), []);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `${width} px wide`);
    assert.deepEqual(page.problems, []);
  }
});
