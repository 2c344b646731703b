// An inter-agency (liên thông) dossier in the browser (issue 22): the birth
// group, whose residence and health-insurance branches run at the police
// and social insurance at once. The police officer finds the dossier in their
// queue, sees only their branch and proposes its own result; the police's
// leader signs it at the signing desk; the citizen sees one dossier with both
// branches' progress and the police's result. Agency roles come from the
// bundled example (its "*" entry fills both roles for the test agency).
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
const kPoliceLeader = { user_id: 'staff-police-lead', name: 'Hà Văn Trưởng', roles: ['leader'], agency: '000.00.21.H26' };
const kPoliceAuditor = { user_id: 'staff-police-audit', name: 'Mai Văn Kiểm', roles: ['auditor'], agency: '000.00.21.H26' };
const kNotice = (code) => `%PDF-1.4 thông báo đăng ký thường trú ${code}`;

let stack;
let code;
before(async () => {
  const source = process.env.MOTCUA_SOURCE_DIR;
  stack = await startStack([kCitizen, kClerk, kLeader, kAdmin, kOfficer, kPolice, kInsurance, kPoliceLeader, kPoliceAuditor],
    ['--agency-roles', path.join(source, 'tools/agency-roles.example.json')], [kPoliceLeader.user_id]);
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

// The residence branch's notice, signed by the police's leader, as the
// signing desk's upload takes it: the .p7s's path.
async function signNotice() {
  const file = path.join(stack.dir, 'residence-notice.pdf');
  await writeFile(file, kNotice(code));
  return signWithMotcua(stack, file, kPoliceLeader.user_id);
}

async function residence() {
  const seen = await apiAs(stack, kCitizen, 'GET', `/v1/dossiers/${encodeURIComponent(code)}`);
  return seen.branches.find((branch) => branch.id === 'residence');
}

// The police's notice proposed, unless the tests above did it in the browser.
async function proposeNotice() {
  if ((await residence()).result_document) return;
  const notice = await apiAs(stack, kPolice, 'POST', '/v1/documents', { body: kNotice(code), contentType: 'application/pdf' });
  await act(stack, kPolice, code, 'register_residence', { comment: 'Đã đăng ký thường trú', result_document: notice.id });
}

// The residence branch ended: proposed and signed, unless done already.
async function endResidence() {
  await proposeNotice();
  if ((await residence()).ended) return;
  const signature = await readFile(await signNotice());
  await act(stack, kPoliceLeader, code, 'sign_residence_result', { signature: signature.toString('base64') });
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
  // The police's own result: the notice of the registration.
  const notice = path.join(stack.dir, 'thong-bao-thuong-tru.pdf');
  await writeFile(notice, kNotice(code));
  await page.locator('#action-result').setInputFiles(notice);
  await page.getByText('Đã tải lên: thong-bao-thuong-tru.pdf').waitFor();
  await page.getByRole('button', { name: /^Xác nhận/ }).click();
  await page.locator('.alert-success').waitFor();
  // It waits for the police leader's signature: the branch still runs.
  await page.locator('li[data-branch="residence"] .branch-step', { hasText: 'Chờ lãnh đạo Công an xã ký' }).waitFor();
  assert.deepEqual(await branchRows(page), { residence: 'Đang xử lý' });
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(page.problems, []);
});

test('the police leader signs the residence notice at the signing desk', async () => {
  await proposeNotice();
  const noticeId = (await residence()).result_document;
  const page = await pageAs(stack, kPoliceLeader);
  await open(page, stack, '#/leader');
  await page.locator(`li[data-code="${code}"] a.queue-code`).click();
  await page.locator('button[data-action="sign_residence_result"]').click();
  // What to sign is the branch's notice, not the birth certificate.
  const download = page.getByRole('link', { name: 'Tải văn bản kết quả cần ký' });
  assert.equal(await download.getAttribute('href'), `/v1/documents/${noticeId}`);
  const p7s = await signNotice();
  await page.locator('#action-signature').setInputFiles(p7s);
  await page.getByText(`Đã chọn ${path.basename(p7s)}.`).waitFor();
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
  await endResidence();
  const noticeId = (await residence()).result_document;
  for (const viewport of [kDesktop, kPhone]) {
    const page = await pageAs(stack, kCitizen, { viewport });
    await open(page, stack, `#/dossiers/${encodeURIComponent(code)}`);
    assert.deepEqual(await branchRows(page), { health_insurance: 'Đang xử lý', residence: 'Đã hoàn thành' });
    const panel = await page.locator('section[aria-labelledby="branches-heading"]').innerText();
    assert.match(panel, /000\.00\.21\.H26/);
    assert.match(panel, /000\.00\.31\.H26/);
    // The police's signed notice is the citizen's to download.
    const link = page.locator('li[data-branch="residence"] a', { hasText: 'Tải kết quả của cơ quan này' });
    assert.equal(await link.getAttribute('href'), `/v1/documents/${noticeId}`);
    assert.equal(await page.locator('li[data-branch="health_insurance"] a').count(), 0);
    assert.deepEqual(await seriousViolations(page), []);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= viewport.width, `${width} px wide`);
    assert.deepEqual(page.problems, []);
  }
});

test('the police\'s report counts the branch they handled, on their own time', async () => {
  await endResidence();
  const page = await pageAs(stack, kPoliceAuditor);
  await open(page, stack, '#/admin/reports');
  const panel = page.locator('section[aria-labelledby="branch-work-heading"]');
  await panel.waitFor();
  const count = async (name) => (await panel.locator(`[data-count="${name}"] dd`).innerText()).trim();
  assert.equal(await count('branches'), '1');
  assert.equal(await count('finished_on_time'), '1');
  assert.equal(await count('in_progress_overdue'), '0');
  assert.deepEqual(await seriousViolations(page), []);
  assert.deepEqual(page.problems, []);
});
