// leader.test.mjs: the leader's signing desk in a real browser: a .p7s made
// with `motcua sign` is accepted, a bad one shows the failed check in words.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  bindLeaderCertificate, dossierAwaitingSignature, kLeader, kPhone, open, pageAs, seriousViolations, signWithMotcua, startStack,
} from './harness.mjs';

let stack;
before(async () => {
  stack = await startStack();
  await bindLeaderCertificate(stack);
});
after(async () => {
  await stack?.stop();
});

test('the leader uploads a .p7s made with motcua sign; a signature of other bytes shows the failed check', async () => {
  const { code, resultPath } = await dossierAwaitingSignature(stack);
  const good = await signWithMotcua(stack, resultPath);
  const otherPath = path.join(stack.dir, 'other.pdf');
  await writeFile(otherPath, '%PDF-1.4 not the result');
  const bad = await signWithMotcua(stack, otherPath);

  const page = await pageAs(stack, kLeader);
  await open(page, stack, '#/leader');
  await page.locator(`li[data-code="${code}"]`).waitFor();
  assert.match(await page.locator('.signing-steps').textContent(), /motcua sign/);
  await page.locator(`li[data-code="${code}"] a.queue-code`).click();
  await page.locator('button[data-action="sign_result"]').click();
  await page.locator('#action-signature').setInputFiles(bad);
  await page.getByText('Đã chọn other.pdf.p7s.').waitFor();
  await page.getByRole('button', { name: /^Xác nhận/ }).click();
  const refusal = page.locator('.signature-refusal');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /không khớp với văn bản kết quả/);
  assert.match(await refusal.textContent(), /content_mismatch/);

  await page.locator('#action-signature').setInputFiles(good);
  await page.getByText(`Đã chọn ${code}.pdf.p7s.`).waitFor();
  await page.getByRole('button', { name: /^Xác nhận/ }).click();
  await page.locator('.alert-success').waitFor();
  await page.locator('.signature-list').waitFor();
  assert.match(await page.locator('.staff-status').textContent(), /Đã xử lý xong/);
  assert.deepEqual(page.problems, []);
});

test('the signing desk has no serious or critical axe violations, at phone and desktop width', async () => {
  const { code } = await dossierAwaitingSignature(stack);
  for (const viewport of [kPhone, undefined]) {
    const page = await pageAs(stack, kLeader, viewport ? { viewport } : {});
    await open(page, stack, '#/leader');
    await page.locator(`li[data-code="${code}"]`).waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    await open(page, stack, `#/staff/dossiers/${code}`);
    await page.locator('button[data-action="sign_result"]').click();
    await page.locator('#action-signature').waitFor();
    assert.deepEqual(await seriousViolations(page), []);
    assert.deepEqual(page.problems, []);
  }
});
