// The citizen portal in a real browser: browsing the catalogue, submitting
// with a document (field errors first), seeing the dossier, and the wall
// between applicants.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apiAs, kAgency, kCitizenA, kCitizenB, kPhone, newPage, open, signInWithToken, startStack, submitDossier } from '../harness.mjs';

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

test('a visitor finds a procedure by search, sector and agency, and reads its facts', async () => {
  // What the page must show, from the public API it reads.
  const { items } = await (await fetch(`${stack.base}/v1/procedures`)).json();
  assert.ok(items.length >= 18, `${items.length} procedures in the catalogue`);
  const communePolice = items.filter((procedure) => procedure.agency?.name === 'Commune-level police');
  assert.ok(communePolice.length > 1 && communePolice.length < items.length);
  const page = await newPage(stack);
  await open(page, stack, '#/');
  const cards = page.locator('main .card');
  await cards.nth(items.length - 1).waitFor();  // the catalogue arrives after the heading
  assert.equal(await cards.count(), items.length);
  // Without diacritics, as people type on phones.
  await page.getByLabel('Tìm thủ tục').fill('dang ky tam tru');
  await assert.doesNotReject(cards.first().getByText('Đăng ký tạm trú').waitFor());
  assert.equal(await cards.count(), 1);
  await page.getByLabel('Tìm thủ tục').fill('');
  await page.getByLabel('Lĩnh vực').selectOption('exit_entry');
  assert.equal(await cards.count(), 1);
  await assert.doesNotReject(cards.first().getByText('1.001471').waitFor());
  await page.getByLabel('Lĩnh vực').selectOption('');
  await page.getByLabel('Cơ quan thực hiện').selectOption('Commune-level police');
  assert.equal(await cards.count(), communePolice.length);
  await page.getByRole('link', { name: /Temporary residence registration/ }).click();
  const main = page.locator('main');
  await main.getByRole('heading', { level: 1, name: /Temporary residence registration/ }).waitFor();
  const text = await main.innerText();
  assert.match(text, /3 ngày làm việc/);
  assert.match(text, /15\.000 ₫/);
  assert.match(text, /7\.000 ₫/);
  assert.match(text, /Toàn trình/);
  assert.match(text, /Residence information change declaration/);
  assert.deepEqual(page.problems, []);
});

test('bad input shows the server\'s errors beside the fields; a corrected submission with a document lands on the dossier', async () => {
  const page = await newPage(stack);
  await signInWithToken(page, stack, kCitizenA);
  await open(page, stack, '#/procedures/1.004194/submit');
  const agency = page.getByLabel('Mã cơ quan tiếp nhận');
  // In demo mode the demo staff's agency is offered; otherwise the citizen types it.
  if ((await agency.inputValue()) === '') await agency.fill(kAgency);
  await page.locator('#form-full_name').fill('Nguyễn Văn An');
  await page.locator('#form-citizen_id').fill('12345');
  const refused = page.waitForResponse((response) => response.url().endsWith('/v1/dossiers') && response.request().method() === 'POST');
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  const problem = await (await refused).json();
  const serverSaid = Object.fromEntries(problem.errors.map((error) => [error.pointer, error.message]));
  const citizenIdField = page.locator('.field', { has: page.locator('#form-citizen_id') });
  await citizenIdField.locator('.field-error').waitFor();
  // In the citizen's language, worded from the form's schema, not the server's English.
  assert.match(serverSaid['/form/citizen_id'], /pattern/);
  assert.equal(await citizenIdField.locator('.field-error').innerText(), 'Phải gồm 12 chữ số');
  assert.equal(await page.locator('.field', { has: page.locator('#form-address') }).locator('.field-error').innerText(), 'Bắt buộc nhập');
  assert.doesNotMatch(await page.locator('form').innerText(), /pattern|required|must/);
  assert.ok(!(await page.getByRole('alert').innerText()).includes(problem.detail), 'the English detail is folded away');
  assert.equal(await page.locator('#form-citizen_id').getAttribute('aria-invalid'), 'true');
  assert.match(await page.locator('#form-citizen_id').getAttribute('aria-describedby'), /form-citizen_id-error/);
  await page.locator('.field', { has: page.locator('#form-address') }).locator('.field-error').waitFor();
  await page.locator('.field', { has: page.locator('#form-stay_until') }).locator('.field-error').waitFor();
  assert.equal(await page.locator('.field', { has: page.locator('#form-full_name') }).locator('.field-error').count(), 0);
  assert.match(await page.getByRole('alert').innerText(), /3 mục/);

  await page.locator('#form-citizen_id').fill(kCitizenA.user_id);
  await page.locator('#form-address').fill('12 Hàng Bài, Hoàn Kiếm, Hà Nội');
  await page.locator('#form-stay_until').fill('2027-06-30');
  const pdf = path.join(stack.dir, 'to-khai-CT01.pdf');
  await writeFile(pdf, `%PDF-1.4\n${'x'.repeat(200000)}\n%%EOF\n`);
  await page.locator('#document-declaration').setInputFiles(pdf);
  await page.locator('.field', { has: page.locator('#document-declaration') }).locator('progress').waitFor();
  await page.getByText('Đã tải lên: to-khai-CT01.pdf').waitFor();
  // The second required document is missing: the server names it.
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  const proofField = page.locator('.field', { has: page.locator('#document-legal_residence_proof') });
  await proofField.locator('.field-error').waitFor();
  await page.locator('#document-legal_residence_proof').setInputFiles(pdf);
  await proofField.getByText('Đã tải lên').waitFor();

  const submits = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/v1/dossiers')) submits.push(request.headers()['idempotency-key']);
  });
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  await page.getByRole('heading', { level: 1, name: /^Hồ sơ 000\.00\.00\.H26-/ }).waitFor();
  assert.equal(submits.length, 1);
  assert.match(submits[0], /^[0-9a-f-]{36}$/);
  const main = await page.locator('main').innerText();
  assert.match(main, /Mã 1/);
  assert.match(main, /Mới đăng ký \(chờ tiếp nhận\)/);
  assert.match(main, /Đã nộp hồ sơ/);
  assert.match(main, /Quá trình giải quyết/);
  assert.match(main, /12 Hàng Bài/);
  const code = (await page.locator('main h1').innerText()).replace('Hồ sơ ', '');

  await page.getByRole('navigation').getByRole('link', { name: 'Hồ sơ của tôi' }).click();
  await page.getByRole('link', { name: code }).waitFor();
  assert.deepEqual(page.problems, []);
});

test('documents given with an earlier dossier are reused instead of uploaded again, and nobody is offered another applicant\'s', async () => {
  const upload = (user, text) => apiAs(stack, user, 'POST', '/v1/documents', { body: `%PDF-1.4\n% ${text}\n%%EOF\n`, contentType: 'application/pdf' });
  const form = (user) => ({ full_name: user.name, citizen_id: user.user_id, address: '12 Hàng Bài, Hoàn Kiếm, Hà Nội', stay_until: '2027-06-30' });
  const declaration = await upload(kCitizenA, 'An: CT01 declaration');
  const lease = await upload(kCitizenA, 'An: lease');
  const first = await apiAs(stack, kCitizenA, 'POST', '/v1/dossiers', {
    json: { procedure: '1.004194', agency: kAgency, form: form(kCitizenA), documents: { declaration: declaration.id, legal_residence_proof: lease.id } },
  });
  const theirs = await upload(kCitizenB, 'Bình: lease');
  await apiAs(stack, kCitizenB, 'POST', '/v1/dossiers', {
    json: { procedure: '1.004194', agency: kAgency, form: form(kCitizenB), documents: { declaration: theirs.id, legal_residence_proof: theirs.id } },
  });

  const page = await newPage(stack, { viewport: kPhone });
  await signInWithToken(page, stack, kCitizenA);
  await open(page, stack, '#/procedures/1.004194/submit');
  const agency = page.getByLabel('Mã cơ quan tiếp nhận');
  if ((await agency.inputValue()) === '') await agency.fill(kAgency);
  for (const [field, value] of Object.entries(form(kCitizenA))) await page.locator(`#form-${field}`).fill(value);
  for (const [key, document] of [['declaration', declaration], ['legal_residence_proof', lease]]) {
    const reuse = page.locator(`#document-${key}-reuse`);
    const offered = await reuse.locator('option').evaluateAll((options) => options.map((o) => o.value));
    assert.ok(offered.includes(document.id), `${key}: the earlier document is offered`);
    assert.ok(!offered.includes(theirs.id), `${key}: another applicant's document is never offered`);
    // The document given under the same key comes first.
    assert.equal(offered[1], document.id);
    await reuse.selectOption(document.id);
    await page.locator('.field', { has: reuse }).getByText(new RegExp(`^Dùng lại: .*${first.code}`)).waitFor();
  }
  await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
  const heading = page.getByRole('heading', { level: 1, name: /^Hồ sơ 000\.00\.00\.H26-/ });
  await heading.waitFor();
  const code = (await heading.innerText()).replace('Hồ sơ ', '');
  assert.notEqual(code, first.code);
  const second = await apiAs(stack, kCitizenA, 'GET', `/v1/dossiers/${encodeURIComponent(code)}`);
  assert.deepEqual(second.documents, { declaration: declaration.id, legal_residence_proof: lease.id });
  assert.deepEqual(page.problems, []);
});

test('an applicant who edits the URL to another applicant\'s dossier sees not-found, never its data', async () => {
  const theirs = await submitDossier(stack, kCitizenB, {
    form: { full_name: 'Trần Thị Bình', citizen_id: kCitizenB.user_id, address: '99 Bí Mật, Quận 1', stay_until: '2027-01-01' },
  });
  const page = await newPage(stack, { viewport: kPhone });
  await signInWithToken(page, stack, kCitizenA);
  await open(page, stack, `#/dossiers/${encodeURIComponent(theirs.code)}`);
  await page.getByRole('heading', { level: 1, name: 'Không tìm thấy' }).waitFor();
  const text = await page.locator('body').innerText();
  assert.doesNotMatch(text, /Bí Mật|Trần Thị Bình|001085000456/);
  // Its owner does see it.
  const owner = await newPage(stack);
  await signInWithToken(owner, stack, kCitizenB);
  await open(owner, stack, `#/dossiers/${encodeURIComponent(theirs.code)}`);
  assert.match(await owner.locator('main').innerText(), /99 Bí Mật/);
});

test('pages that need a session ask the visitor to sign in', async () => {
  const page = await newPage(stack);
  await open(page, stack, '#/dossiers');
  await page.getByRole('heading', { level: 1, name: 'Cần đăng nhập' }).waitFor();
  const link = page.getByRole('link', { name: 'Đăng nhập' }).last();
  assert.match(await link.getAttribute('href'), /next=%2Fdossiers/);
});
