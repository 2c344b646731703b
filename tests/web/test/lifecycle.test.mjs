// After submitting: the citizen sees each step of a real dossier in the
// browser. Staff steps go through the API (the clerk console is another
// section): the clerk receives, the fee is paid (online through the demo
// gateway button when serve runs with --demo, else at the desk), the
// specialist proposes a result, the leader signs it with `motcua sign` and
// the clerk returns it. The citizen then downloads the
// result and its .p7s, rates the service, and the public page verifies it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiAs, bindLeaderCertificate, kAdmin, kCitizenA, kClerk, kLeader, kPhone, kSpecialist, newPage, open, seriousViolations, signAsLeader, signInWithToken, startStack, submitDossier } from '../harness.mjs';

let stack;
before(async () => {
  stack = await startStack({ users: [kCitizenA, kClerk, kSpecialist, kLeader, kAdmin] });
  await bindLeaderCertificate(stack, kAdmin, kLeader);
});
after(async () => {
  await stack?.stop();
});

async function act(user, code, action, payload = {}) {
  return apiAs(stack, user, 'POST', `/v1/dossiers/${encodeURIComponent(code)}/actions/${action}`, { json: payload });
}

test('a citizen follows their dossier to the signed result, downloads it with its .p7s, rates it and verifies it', async () => {
  const { code } = await submitDossier(stack, kCitizenA);
  const dossierPath = `#/dossiers/${encodeURIComponent(code)}`;
  await act(kClerk, code, 'receive');

  const page = await newPage(stack, { viewport: kPhone });
  await signInWithToken(page, stack, kCitizenA);
  await open(page, stack, dossierPath);
  let main = await page.locator('main').innerText();
  assert.match(main, /Mã 6/);
  assert.match(main, /Yêu cầu thực hiện nghĩa vụ tài chính/);
  assert.doesNotMatch(main, /Chưa có \(sau khi tiếp nhận\)/, 'an appointment date once received');
  assert.equal(await page.getByRole('button', { name: 'Nộp phí' }).count(), 0, 'fees are paid, not clicked');
  assert.match(main, /Số tiền phải nộp: 7\.000 ₫ khi thanh toán trực tuyến \(15\.000 ₫/, 'the amounts the dossier owes');
  if (stack.demoMode) {
    await page.getByRole('button', { name: 'Thanh toán (cổng trình diễn)' }).click();
    await page.getByText('Đã thanh toán trực tuyến.').waitFor();
  } else {
    assert.match(main, /cổng thanh toán của cơ quan/);
    await apiAs(stack, kClerk, 'POST', `/v1/dossiers/${encodeURIComponent(code)}/payments`, { json: { amount: 15000, receipt: `R-${code}` } });
  }

  // A supplement request, answered online with a corrected document.
  await act(kSpecialist, code, 'request_supplement', { comment: 'Bản chụp hợp đồng thuê nhà bị mờ' });
  await page.reload();
  await page.getByText('Yêu cầu bổ sung hồ sơ').first().waitFor();
  await page.getByRole('button', { name: 'Nộp hồ sơ bổ sung' }).click();
  await page.getByLabel('Ghi chú').fill('Gửi lại bản chụp rõ');
  const clearer = path.join(stack.dir, 'hop-dong-thue.pdf');
  await writeFile(clearer, '%PDF-1.4\n% a clearer lease\n%%EOF\n');
  await page.locator('#supplement-legal_residence_proof').setInputFiles(clearer);
  await page.getByText('Đã tải lên: hop-dong-thue.pdf').waitFor();
  await page.getByRole('button', { name: 'Xác nhận: Nộp hồ sơ bổ sung' }).click();
  await page.getByText('Đã thực hiện: Nộp hồ sơ bổ sung').waitFor();
  await page.getByText('Mã 4').first().waitFor();
  const answered = await apiAs(stack, kSpecialist, 'GET', `/v1/dossiers/${encodeURIComponent(code)}`);
  assert.equal(answered.documents.legal_residence_proof.length, 64);
  assert.notEqual(answered.documents.legal_residence_proof, answered.documents.declaration);

  const resultFile = path.join(stack.dir, 'result.pdf');
  await writeFile(resultFile, `%PDF-1.4\n% notice of temporary residence for ${code}\n%%EOF\n`);
  const result = await apiAs(stack, kSpecialist, 'POST', '/v1/documents', { body: await readFile(resultFile), contentType: 'application/pdf' });
  await act(kSpecialist, code, 'propose_result', { comment: 'Đủ điều kiện', result_document: result.id });
  const signature = await signAsLeader(stack, resultFile);
  await act(kLeader, code, 'sign_result', { signature: signature.toString('base64') });
  // Should the workflow seal automatically after signing, wait for it.
  for (let i = 0; i < 50; i += 1) {
    const dossier = await apiAs(stack, kClerk, 'GET', `/v1/dossiers/${encodeURIComponent(code)}`);
    if (dossier.available_actions.includes('return_result')) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  // With the demo gateway every step is online, so the result goes out
  // electronically too and the dossier is fully online.
  await act(kClerk, code, 'return_result', stack.demoMode ? { channel: 'online' } : {});

  await page.reload();
  await page.getByText('Đã trả kết quả').first().waitFor();
  main = await page.locator('main').innerText();
  assert.match(main, /Mã 10/);
  assert.match(main, /Đã trả kết quả/);
  assert.match(main, /Quá trình giải quyết/);
  assert.match(main, /Đúng hạn|Trước hạn/);
  assert.match(main, /Demo Leader/);
  assert.match(main, /chữ ký của lãnh đạo/);
  assert.match(main, stack.demoMode ? /được giải quyết trực tuyến toàn trình/ : /Lệ phí nộp trực tiếp/);

  // The links' targets, fetched by the page itself (a download through the
  // test's bearer-token stand-in is cancelled by the browser; with a cookie
  // session the links download directly).
  const fetchLink = async (link) => {
    assert.ok(await link.getAttribute('download'), 'a download link');
    const bytes = await page.evaluate(async (href) => [...new Uint8Array(await (await fetch(href)).arrayBuffer())], await link.getAttribute('href'));
    return Buffer.from(bytes);
  };
  assert.deepEqual(await fetchLink(page.getByRole('link', { name: 'Tải kết quả' })), await readFile(resultFile));
  const p7sLinks = page.getByRole('link', { name: 'Tải chữ ký (.p7s)' });
  assert.ok((await p7sLinks.count()) >= 1, "the leader's signature");
  assert.match(await p7sLinks.first().getAttribute('download'), /\.p7s$/);
  assert.deepEqual(await fetchLink(p7sLinks.first()), signature);

  assert.deepEqual(await seriousViolations(page), []);
  await page.getByLabel(/^5 ·/).check();
  await page.getByLabel('Góp ý (không bắt buộc)').fill('Nhanh, không phải đi lại');
  await page.getByRole('button', { name: 'Gửi đánh giá' }).click();
  await page.getByText('Bạn đã đánh giá 5/5.').waitFor();

  const verify = await newPage(stack);
  await open(verify, stack, '#/verify');
  await verify.getByLabel('Hoặc chọn tệp PDF').setInputFiles(resultFile);
  await verify.getByText('mọi chữ ký số đều hợp lệ').waitFor();
  const verdict = await verify.locator('main').innerText();
  assert.match(verdict, new RegExp(code.replace(/\./g, '\\.')));
  assert.match(verdict, /Demo Leader/);
  assert.doesNotMatch(verdict, /Nguyễn Văn An|001090000001/);
  assert.deepEqual(await seriousViolations(verify), []);
  assert.deepEqual([...page.problems, ...verify.problems], []);
});
