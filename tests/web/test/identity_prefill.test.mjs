// A citizen signed in at an identity provider finds the fields a procedure
// maps to verified claims (x-identity-claim) filled in and marked; a value
// they change loses the mark. The dossier page marks the fields the server
// recorded as the provider's (identity_data_fields). The session and the
// dossier are the real server's answers with the provider's part added: the
// browser tests sign in by bearer token (harness.mjs), and the server side of
// verified identities is tested against a real OpenID Provider in tests/idp.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kCitizenA, newPage, open, signInWithToken, startStack, submitDossier } from '../harness.mjs';

const kVerified = { name: kCitizenA.name, id_number: kCitizenA.user_id, birthdate: '1990-01-15' };

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

function hintOf(page, id) {
  return page.locator('.field', { has: page.locator(`#${id}`) }).locator('.hint');
}

test('the passport form starts from the verified name, ID number and birth date, and marks them until changed', async () => {
  const page = await newPage(stack);
  await signInWithToken(page, stack, kCitizenA, { identity_provider: 'vneid', verified_identity: kVerified });
  await open(page, stack, '#/procedures/1.001471/submit');
  await page.locator('#form-full_name').waitFor();
  assert.equal(await page.locator('#form-full_name').inputValue(), kVerified.name);
  assert.equal(await page.locator('#form-citizen_id').inputValue(), kVerified.id_number);
  assert.equal(await page.locator('#form-date_of_birth').inputValue(), kVerified.birthdate);
  assert.equal(await page.locator('#form-phone').inputValue(), '', 'no claim, not filled');
  assert.match(await page.locator('[data-prefill-note]').innerText(), /điền sẵn từ tài khoản định danh vneid/);
  for (const id of ['form-full_name', 'form-citizen_id', 'form-date_of_birth']) {
    assert.match(await hintOf(page, id).innerText(), /Lấy từ tài khoản định danh vneid, đã xác thực/, id);
  }
  // A value the citizen changes is theirs: its mark goes, the others stay.
  await page.locator('#form-full_name').fill('Nguyễn Văn Ân');
  assert.equal(await page.locator('.field', { has: page.locator('#form-full_name') }).getByText(/đã xác thực/).count(), 0);
  assert.match(await hintOf(page, 'form-citizen_id').innerText(), /đã xác thực/);
  assert.deepEqual(page.problems, []);
});

test('without a verified identity nothing is filled in or marked', async () => {
  const page = await newPage(stack);
  await signInWithToken(page, stack, kCitizenA);
  await open(page, stack, '#/procedures/1.001471/submit');
  await page.locator('#form-full_name').waitFor();
  assert.equal(await page.locator('#form-full_name').inputValue(), '');
  assert.equal(await page.locator('[data-prefill-note]').count(), 0);
  assert.equal(await page.getByText(/đã xác thực/).count(), 0);
});

test('the dossier page marks the fields the provider vouched for', async () => {
  const { code } = await submitDossier(stack, kCitizenA);
  const page = await newPage(stack);
  await signInWithToken(page, stack, kCitizenA, { identity_provider: 'vneid', verified_identity: kVerified });
  await page.context().route(`${stack.base}/v1/dossiers/${code}`, async (route) => {
    // The bearer token the sign-in's own route would add (this route runs first).
    const authorization = `Bearer ${stack.tokens[kCitizenA.user_id]}`;
    const response = await route.fetch({ headers: { ...route.request().headers(), authorization } });
    const dossier = await response.json();
    assert.deepEqual(dossier.identity_data_fields, [], 'a bearer-token submission vouches for nothing');
    await route.fulfill({ response, json: { ...dossier, identity_verified_by: 'vneid', identity_data_fields: ['full_name'] } });
  });
  await open(page, stack, `#/dossiers/${code}`);
  const marked = page.locator('[data-verified-field]');
  await marked.first().waitFor();
  assert.equal(await marked.count(), 1);
  assert.equal(await marked.getAttribute('data-verified-field'), 'full_name');
  assert.match(await marked.innerText(), /Đã xác thực qua vneid/);
});
