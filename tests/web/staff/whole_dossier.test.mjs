// whole_dossier.test.mjs: one dossier walked from start to end through the
// UI only, each person in their own browser page: the citizen submits with
// documents, the clerk claims, receives and takes the desk fee, the
// specialist claims and proposes a result, the leader downloads the result,
// signs it with `motcua sign` and uploads the .p7s, the clerk returns, and the citizen downloads the result with its signatures,
// verifies it on the public page and rates the service. The API is only
// read, to check what the pages claim.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  apiAs, bindLeaderCertificate, kAgency, kCitizen, kClerk, kLeader, kPhone, kSpecialist, open, pageAs, signWithMotcua, startStack,
} from './harness.mjs';

let stack;
before(async () => {
  stack = await startStack();
  await bindLeaderCertificate(stack);
});
after(async () => {
  await stack?.stop();
});

// The bytes behind a download link, fetched by the page itself (the test's
// bearer-token stand-in for a session cannot follow a download).
async function linkBytes(page, link) {
  assert.ok(await link.getAttribute('download'), 'a download link');
  const href = await link.getAttribute('href');
  const bytes = await page.evaluate(async (url) => [...new Uint8Array(await (await fetch(url)).arrayBuffer())], href);
  return Buffer.from(bytes);
}

// Claims `code` from the signed-in staff member's queue and opens it.
async function claimFromQueue(page, code) {
  await open(page, stack, '#/staff/queue');
  const row = page.locator(`li[data-code="${code}"]`);
  await row.waitFor();
  await row.getByRole('button', { name: /Nhận xử lý/ }).click();
  await page.waitForURL(new RegExp(`#/staff/dossiers/${code.replace(/\./g, '\\.')}`));
  await page.getByText('Đang xử lý: bạn').waitFor();
}

// Opens the action `name` on the staff dossier page, lets `fill` complete
// its inputs, confirms, and waits for the success notice.
async function takeAction(page, name, fill = async () => {}) {
  await page.locator(`button[data-action="${name}"]`).click();
  await fill();
  await page.getByRole('button', { name: /^Xác nhận/ }).click();
  await page.locator('.alert-success').waitFor();
}

test('a dossier goes from submission to the rated, verified result through the pages alone', async () => {
  // 1. The citizen submits with two documents, on a phone.
  const citizen = await pageAs(stack, kCitizen, { viewport: kPhone });
  await open(citizen, stack, '#/procedures/1.004194/submit');
  const agency = citizen.getByLabel('Mã cơ quan tiếp nhận');
  if ((await agency.inputValue()) === '') await agency.fill(kAgency);
  await citizen.locator('#form-full_name').fill(kCitizen.name);
  await citizen.locator('#form-citizen_id').fill(kCitizen.user_id);
  await citizen.locator('#form-address').fill('12 Hàng Bài, Hoàn Kiếm, Hà Nội');
  await citizen.locator('#form-stay_until').fill('2027-06-30');
  const declaration = path.join(stack.dir, 'to-khai.pdf');
  await writeFile(declaration, '%PDF-1.4\n% CT01 declaration\n%%EOF\n');
  const lease = path.join(stack.dir, 'hop-dong.pdf');
  await writeFile(lease, '%PDF-1.4\n% lease\n%%EOF\n');
  await citizen.locator('#document-declaration').setInputFiles(declaration);
  await citizen.getByText('Đã tải lên: to-khai.pdf').waitFor();
  await citizen.locator('#document-legal_residence_proof').setInputFiles(lease);
  await citizen.getByText('Đã tải lên: hop-dong.pdf').waitFor();
  await citizen.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  const heading = citizen.getByRole('heading', { level: 1, name: /^Hồ sơ 000\.00\.00\.H26-/ });
  await heading.waitFor();
  const code = (await heading.innerText()).replace('Hồ sơ ', '');
  let dossier = await apiAs(stack, kClerk, 'GET', `/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(dossier.state, 'submitted');
  assert.notEqual(dossier.documents.declaration, dossier.documents.legal_residence_proof);

  // 2. The reception clerk claims it, receives it and takes the fee at the desk.
  const clerk = await pageAs(stack, kClerk);
  await claimFromQueue(clerk, code);
  await takeAction(clerk, 'receive');
  await clerk.fill('#payment-receipt', `BL-${code}`);
  await clerk.getByRole('button', { name: 'Ghi nhận đã thu phí' }).click();
  await clerk.getByText(`Đã ghi nhận thu phí, biên lai BL-${code}.`).waitFor();

  // 3. The specialist claims it and proposes a result document.
  const specialist = await pageAs(stack, kSpecialist);
  await claimFromQueue(specialist, code);
  const result = path.join(stack.dir, 'giay-xac-nhan.pdf');
  await writeFile(result, `%PDF-1.4\n% confirmation of temporary residence for ${code}\n%%EOF\n`);
  await takeAction(specialist, 'propose_result', async () => {
    await specialist.fill('#action-comment', 'Đủ điều kiện');
    await specialist.locator('#action-result').setInputFiles(result);
    await specialist.getByText('Đã tải lên: giay-xac-nhan.pdf').waitFor();
  });
  dossier = await apiAs(stack, kClerk, 'GET', `/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(dossier.state, 'awaiting_signature');

  // 4. The leader downloads the result from the signing desk, signs those
  // bytes with `motcua sign`, and uploads the .p7s.
  const leader = await pageAs(stack, kLeader);
  await open(leader, stack, '#/leader');
  await leader.locator(`li[data-code="${code}"] a.queue-code`).click();
  await leader.locator('button[data-action="sign_result"]').click();
  const toSign = path.join(stack.dir, `downloaded-${code}.pdf`);
  await writeFile(toSign, await linkBytes(leader, leader.getByRole('link', { name: 'Tải văn bản kết quả cần ký' })));
  assert.deepEqual(await readFile(toSign), await readFile(result), 'the leader signs the bytes the specialist uploaded');
  const p7s = await signWithMotcua(stack, toSign);
  await leader.locator('#action-signature').setInputFiles(p7s);
  await leader.getByText(`Đã chọn ${path.basename(p7s)}.`).waitFor();
  await leader.getByRole('button', { name: /^Xác nhận/ }).click();
  await leader.locator('.alert-success').waitFor();

  // 5. The clerk returns the result.
  await clerk.reload();
  await clerk.locator('button[data-action="return_result"]').waitFor();
  assert.match(await clerk.locator('.signature-list').innerText(), /Demo Leader/);
  await takeAction(clerk, 'return_result');
  dossier = await apiAs(stack, kClerk, 'GET', `/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(dossier.state, 'returned');

  // 6. The citizen sees it returned, downloads the result and its
  // signatures, verifies it on the public page, and rates the service.
  await citizen.reload();
  await citizen.getByText('Đã trả kết quả').first().waitFor();
  assert.match(await citizen.locator('main').innerText(), /Mã 10/);
  const downloaded = await linkBytes(citizen, citizen.getByRole('link', { name: 'Tải kết quả' }));
  assert.deepEqual(downloaded, await readFile(result));
  const signatures = citizen.getByRole('link', { name: 'Tải chữ ký (.p7s)' });
  const listed = await apiAs(stack, kClerk, 'GET', `/v1/dossiers/${encodeURIComponent(code)}/result/signatures`);
  assert.ok(listed.items.some((signature) => signature.signer_subject.includes('UID=leader1')));
  assert.equal(await signatures.count(), listed.items.length, 'every signature of the result');
  assert.deepEqual(await linkBytes(citizen, signatures.first()), await readFile(p7s));

  const verifier = await pageAs(stack, kCitizen, { viewport: kPhone });
  await open(verifier, stack, '#/verify');
  const received = path.join(stack.dir, 'ket-qua.pdf');
  await writeFile(received, downloaded);
  await verifier.getByLabel('Hoặc chọn tệp PDF').setInputFiles(received);
  await verifier.getByText('mọi chữ ký số đều hợp lệ').waitFor();
  assert.match(await verifier.locator('main').innerText(), new RegExp(code.replace(/\./g, '\\.')));

  await citizen.getByLabel(/^4 ·/).check();
  await citizen.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await citizen.getByText('Bạn đã đánh giá 4/5.').waitFor();
  dossier = await apiAs(stack, kClerk, 'GET', `/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(dossier.rating.score, 4);

  for (const page of [citizen, clerk, specialist, leader, verifier]) assert.deepEqual(page.problems, []);
});
