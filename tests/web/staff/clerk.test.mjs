// clerk.test.mjs: the clerk console in a real browser against a real server.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { act, apiAs, kAdmin, kCitizen, kClerk, kClerk2, kPhone, kSpecialist, open, pageAs, seriousViolations, startStack, submitDossier } from './harness.mjs';

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

test('a clerk claims a dossier from the queue, receives it and records the desk payment', async () => {
  const { code } = await submitDossier(stack);
  const page = await pageAs(stack, kClerk);
  await open(page, stack, '#/staff/queue');
  const row = page.locator(`li[data-code="${code}"]`);
  await row.waitFor();
  assert.match(await page.locator('#counts-heading').textContent(), /thủ tục/);
  // States and procedures by their Vietnamese names, not their ids.
  const counts = await page.locator('.data-table').innerText();
  assert.match(counts, /Đăng ký tạm trú/);
  assert.match(await row.innerText(), /Trạng thái: Mới đăng ký, chờ tiếp nhận/);
  assert.doesNotMatch(`${counts}\n${await row.innerText()}`, /\bsubmitted\b/);
  await row.getByRole('button', { name: /Nhận xử lý/ }).click();
  await page.waitForURL(new RegExp(`#/staff/dossiers/${code}`));
  await page.getByText('Đang xử lý: bạn').waitFor();
  // The workflow's Vietnamese names, not the English legacy ones.
  const main = await page.locator('main').innerText();
  assert.match(await page.locator('dl.facts').first().innerText(), /Mới đăng ký, chờ tiếp nhận/);
  assert.doesNotMatch(main, /Submitted, awaiting reception/);
  assert.match(main, /Tờ khai thay đổi thông tin cư trú \(mẫu CT01\)/);
  assert.match(main, /Đăng ký tạm trú/);
  // Receiving requires nothing: no result upload, no appointment, an optional comment.
  await page.locator('button[data-action="receive"]').click();
  await page.locator('#action-comment').waitFor();
  assert.equal(await page.locator('#action-result').count(), 0);
  assert.equal(await page.locator('#appointment-date').count(), 0);
  assert.equal(await page.locator('#action-comment').getAttribute('required'), null);
  await page.getByRole('button', { name: /^Xác nhận/ }).click();
  await page.locator('.alert-success').waitFor();
  await page.locator('#payment-heading').waitFor();
  assert.equal(await page.inputValue('#payment-amount'), '15000', 'the desk amount the dossier owes');
  await page.fill('#payment-receipt', `BL-${code}`);
  await page.getByRole('button', { name: 'Ghi nhận đã thu phí' }).click();
  await page.getByText(`Đã ghi nhận thu phí, biên lai BL-${code}.`).waitFor();
  await page.locator('#payment-heading').waitFor({ state: 'detached' }); // status 6 is settled
  assert.deepEqual(page.problems, []);
});

test('a second clerk acting on a stale version sees the 412 explained and the dossier reloaded, nothing overwritten', async () => {
  const { code } = await submitDossier(stack);
  const first = await pageAs(stack, kClerk);
  const second = await pageAs(stack, kClerk2);
  await open(first, stack, `#/staff/dossiers/${code}`);
  await open(second, stack, `#/staff/dossiers/${code}`);
  await second.locator('button[data-action="receive"]').click();
  await second.getByRole('button', { name: /^Xác nhận/ }).click();
  await second.locator('.alert-success').waitFor();
  // The first clerk still shows the old version and tries another action.
  await first.locator('button[data-action="refuse_reception"]').click();
  assert.notEqual(await first.locator('#action-comment').getAttribute('required'), null, 'refusing requires a comment');
  await first.fill('#action-comment', 'Thiếu giấy tờ');
  await first.getByRole('button', { name: /^Xác nhận/ }).click();
  const warning = first.locator('.alert-warning');
  await warning.waitFor();
  assert.match(await warning.textContent(), /người khác thay đổi/);
  // Reloaded: the refusal was not applied and is no longer offered.
  await first.locator('#payment-heading').waitFor();
  assert.equal(await first.locator('button[data-action="refuse_reception"]').count(), 0);
  assert.deepEqual(first.problems, []);
});

test('a claim another clerk made first is refused in Vietnamese words, the server\'s English only under "technical detail"', async () => {
  const { code } = await submitDossier(stack);
  const page = await pageAs(stack, kClerk);
  await open(page, stack, `#/staff/dossiers/${code}`);
  const claim = page.locator('.holder').getByRole('button', { name: 'Nhận xử lý' });
  await claim.waitFor();
  await apiAs(stack, kClerk2, 'POST', `/v1/dossiers/${encodeURIComponent(code)}/claim`);
  const answer = page.waitForResponse((response) => response.url().endsWith(`/claim`) && response.request().method() === 'POST');
  await claim.click();
  const problem = await (await answer).json();
  assert.equal(problem.type, 'https://motcua.example/problems/already_claimed');
  assert.ok(problem.detail, 'the server explains in English');
  const alert = page.locator('.holder [role="alert"]');
  await alert.waitFor();
  const visible = await alert.innerText();
  assert.match(visible, /Hồ sơ đã được cán bộ khác nhận xử lý trước\./);
  assert.ok(!visible.includes(problem.detail), `the English detail is not shown as the message: ${visible}`);
  assert.ok(!(await alert.locator('details p').isVisible()), 'the detail is folded away');
  await alert.locator('details summary').click();
  assert.equal(await alert.locator('details p').innerText(), problem.detail);
  // In English the sentence is English and the detail is shown as it is.
  await page.getByRole('button', { name: 'English' }).click();
  await alert.getByText('Another officer has already claimed this dossier.').waitFor();
  assert.equal(await alert.locator('details').count(), 0);
  assert.equal(await alert.locator('.problem-detail').innerText(), problem.detail);
  assert.deepEqual(page.problems, []);
});

test('a specialist sees exactly the inputs each action requires, Vietnamese titles in the slip, and the working-day countdown', async () => {
  const { code } = await submitDossier(stack);
  await act(stack, kClerk, code, 'receive');
  await apiAs(stack, kClerk, 'POST', `/v1/dossiers/${encodeURIComponent(code)}/payments`, { json: { amount: 15000, receipt: `BL-S-${code}` } });
  const page = await pageAs(stack, kSpecialist);
  await open(page, stack, '#/staff/queue');
  const row = page.locator(`li[data-code="${code}"]`);
  await row.waitFor();
  assert.match(await row.locator('.sla').textContent(), /^Còn \d+ ngày \d+ giờ làm việc$/);
  await open(page, stack, `#/staff/dossiers/${code}`);
  await page.locator('#actions-heading').waitFor();
  await page.locator('button[data-action="extend_deadline"]').click();
  await page.locator('#appointment-date').waitFor();
  assert.equal(await page.locator('#action-result').count(), 0);
  await page.locator('button[data-action="propose_result"]').click();
  await page.locator('#action-result').waitFor();
  assert.equal(await page.locator('#appointment-date').count(), 0);
  assert.equal(await page.locator('#action-signature').count(), 0);
  const slip = await page.locator('#history-heading + .table-wrap').innerText();
  assert.match(slip, /Mới đăng ký, chờ tiếp nhận/);
  assert.match(slip, /Tiếp nhận hồ sơ/);
  assert.doesNotMatch(slip, /\bsubmitted\b|\bawaiting_fee\b/);
  assert.deepEqual(page.problems, []);
});

test('the audit trail names actions and states by the workflow\'s Vietnamese titles, and each actor\'s role and sign-in', async () => {
  const { code } = await submitDossier(stack);
  await act(stack, kClerk, code, 'receive');
  await apiAs(stack, kClerk, 'POST', `/v1/dossiers/${encodeURIComponent(code)}/payments`, { json: { amount: 15000, receipt: `BL-A-${code}` } });
  const page = await pageAs(stack, kAdmin);
  await open(page, stack, `#/staff/dossiers/${code}`);
  const table = page.locator('section[aria-labelledby="audit-heading"] tbody');
  await table.locator('tr').nth(2).waitFor();
  const rows = await table.locator('tr').allInnerTexts();
  const receive = rows.find((row) => /Tiếp nhận hồ sơ/.test(row));
  assert.ok(receive, `an audit row names "receive" by its workflow title: ${rows.join(' | ')}`);
  assert.match(receive, /Mới đăng ký, chờ tiếp nhận → Yêu cầu thực hiện nghĩa vụ tài chính/);
  assert.match(receive, /staff-clerk-1 · Cán bộ một cửa/);
  assert.match(receive, /Mã truy cập \(token\)/);
  const payment = rows.find((row) => /Nộp lệ phí/.test(row));
  assert.ok(payment, `an audit row names "pay_fee" by its workflow title: ${rows.join(' | ')}`);
  assert.match(payment, /→ Đang xử lý: chuyên viên thẩm định/);
  const text = rows.join('\n');
  assert.match(text, /Nộp hồ sơ/);
  assert.match(text, /Công dân/);
  // No raw action or state id of the workflow.
  assert.doesNotMatch(text, /\b(pay_fee|awaiting_fee|in_review|submitted|receive|bearer_token)\b/);
  assert.deepEqual(page.problems, []);
});

test('the queue and the dossier page have no serious or critical axe violations, at phone and desktop width', async () => {
  const { code } = await submitDossier(stack);
  for (const viewport of [kPhone, undefined]) {
    const page = await pageAs(stack, kClerk, viewport ? { viewport } : {});
    await open(page, stack, '#/staff/queue');
    await page.locator(`li[data-code="${code}"]`).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await open(page, stack, `#/staff/dossiers/${code}`);
    await page.locator('#actions-heading').waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(page.problems, []);
  }
});

test('the first page loads none of the staff pages or their stylesheet and stays under 150 KB of JS and CSS', async () => {
  const page = await pageAs(stack, kCitizen);
  const loaded = [];
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (/\.(m?js|css)$/.test(url.pathname)) loaded.push({ path: url.pathname, size: (await response.body()).length });
  });
  await open(page, stack, '#/');
  await page.waitForLoadState('networkidle');
  const staffPages = loaded.filter((r) => /^\/web\/(clerk|leader|admin)\//.test(r.path) && !r.path.endsWith('/routes.js'));
  assert.deepEqual(staffPages.map((r) => r.path), []);
  const total = loaded.reduce((sum, r) => sum + r.size, 0);
  assert.ok(total < 150 * 1024, `first page JS+CSS is ${total} bytes`);
  assert.ok(loaded.some((r) => r.path === '/web/clerk/routes.js'), 'the staff routes are registered');
});
