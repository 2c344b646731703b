// The demo sign-in (serve --demo, demo-contract): the sign-in page lists the
// demo accounts, a click starts the same cookie session an OIDC sign-in
// starts, and the citizen submits and sees their dossier with that session
// (CSRF token included). The harness starts serve with --demo.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { newPage, open, startStack } from '../harness.mjs';

let stack;
before(async () => {
  stack = await startStack({ users: [] });
});
after(async () => {
  await stack?.stop();
});

test('a citizen signs in with the demo account, submits, sees the dossier, and signs out', async () => {
  assert.ok(stack.demoMode, 'serve --demo answers GET /v1/demo/accounts');
  const page = await newPage(stack);
  await open(page, stack, '#/sign-in?next=/procedures/1.003677/submit');
  await page.getByRole('heading', { name: 'Tài khoản trình diễn' }).waitFor();
  await page.locator('button[data-user="001090000001"]').click();
  await page.getByRole('heading', { level: 1, name: 'Nộp hồ sơ' }).waitFor();
  assert.match(await page.locator('header').innerText(), /Nguyễn Văn An/);
  const cookies = await page.context().cookies();
  assert.ok(cookies.some((cookie) => cookie.httpOnly), 'an HttpOnly session cookie');
  // The demo staff's agency is offered as the receiving agency.
  assert.notEqual(await page.getByLabel('Mã cơ quan tiếp nhận').inputValue(), '');
  // Every required field: inputs, and the textarea widgets (destination, reason).
  for (const input of await page.locator('form input[required]:not([type=file]), form textarea[required]').all()) {
    const id = await input.getAttribute('id');
    if (id === 'submit-agency') continue;
    const type = await input.getAttribute('type');
    await input.fill(type === 'date' ? '2027-01-15' : id.endsWith('citizen_id') ? '001090000001' : 'Hà Nội');
  }
  const files = page.locator('form input[type=file]');
  for (let i = 0; i < (await files.count()); i += 1) {
    await files.nth(i).setInputFiles({ name: `giay-to-${i}.pdf`, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4 ${i}`) });
  }
  await page.waitForFunction((count) => document.querySelectorAll('.upload-done').length === count, await files.count());
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: /^Hồ sơ / }).waitFor({ timeout: 10000 }).catch(async () => {
    throw new Error(`not submitted: ${await page.locator('main').innerText()}`);
  });
  await page.getByRole('button', { name: 'Đăng xuất' }).click();
  await page.getByRole('link', { name: 'Đăng nhập' }).first().waitFor();
  await open(page, stack, '#/dossiers');
  await page.getByRole('heading', { level: 1, name: 'Cần đăng nhập' }).waitFor();
  assert.deepEqual(page.problems, []);
});
