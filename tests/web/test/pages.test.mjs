// Every page of the citizen portal, at phone and desktop width: no serious or
// critical axe-core violation, no script error or refused load under the
// real Content-Security-Policy, the first page's JS+CSS within budget, and
// the language switch remembered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { kCitizenA, kDesktop, kPhone, newPage, open, seriousViolations, signInWithToken, startStack, submitDossier } from '../harness.mjs';

const kFirstPageBudgetBytes = 150 * 1024;

let stack;
let dossier;
before(async () => {
  stack = await startStack();
  dossier = await submitDossier(stack, kCitizenA);
});
after(async () => {
  await stack?.stop();
});

const kPublicPages = ['#/', '#/procedures/1.004222', '#/verify', '#/sign-in', '#/no-such-page'];
const signedInPages = () => ['#/dossiers', `#/dossiers/${encodeURIComponent(dossier.code)}`, '#/procedures/1.004194/submit'];

for (const [name, viewport] of [['phone', kPhone], ['desktop', kDesktop]]) {
  test(`axe finds no serious or critical violation on any page (${name})`, async () => {
    const page = await newPage(stack, { viewport });
    await signInWithToken(page, stack, kCitizenA);
    const found = {};
    for (const hash of [...kPublicPages, ...signedInPages()]) {
      await open(page, stack, hash);
      await page.locator('main .loading').waitFor({ state: 'detached' });
      const violations = await seriousViolations(page);
      if (violations.length > 0) found[hash] = violations;
    }
    // The submit page with the server's field errors shown.
    await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
    await page.locator('.field-error').first().waitFor();
    const withErrors = await seriousViolations(page);
    if (withErrors.length > 0) found['submit with errors'] = withErrors;
    assert.deepEqual(found, {});
    assert.deepEqual(page.problems, []);
  });
}

test('at phone width nothing is wider than the screen', async () => {
  const page = await newPage(stack, { viewport: kPhone });
  await signInWithToken(page, stack, kCitizenA);
  for (const hash of [...kPublicPages, ...signedInPages()]) {
    await open(page, stack, hash);
    await page.locator('main .loading').waitFor({ state: 'detached' });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= kPhone.width, `${hash} is ${width} px wide`);
  }
});

test('the first page loads at most 150 KB of JS and CSS, all from this origin, under the policy', async () => {
  const page = await newPage(stack);
  const loaded = [];
  page.on('response', async (response) => {
    const type = response.request().resourceType();
    if (type === 'script' || type === 'stylesheet') loaded.push({ url: response.url(), bytes: (await response.body()).length });
  });
  const response = await page.goto(`${stack.base}/`);
  await page.locator('main .card').first().waitFor();
  const headers = response.headers();
  assert.match(headers['content-security-policy'], /default-src 'self'/);
  assert.match(headers['content-security-policy'], /frame-ancestors 'none'/);
  assert.equal(headers['x-content-type-options'], 'nosniff');
  assert.equal(headers['cache-control'], 'no-cache');
  assert.ok(loaded.length >= 5, `only ${loaded.length} scripts and stylesheets`);
  for (const item of loaded) assert.ok(item.url.startsWith(`${stack.base}/web/`), item.url);
  const total = loaded.reduce((sum, item) => sum + item.bytes, 0);
  assert.ok(total < kFirstPageBudgetBytes, `${total} bytes of JS+CSS`);
  assert.deepEqual(page.problems, []);
});

test('a second visit revalidates the assets: 304 by ETag', async () => {
  const first = await fetch(`${stack.base}/web/app.js`);
  const etag = first.headers.get('etag');
  assert.match(etag, /^"[0-9a-f]{64}"$/);
  const again = await fetch(`${stack.base}/web/app.js`, { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  assert.equal((await fetch(`${stack.base}/web/nope.js`)).status, 404);
  // (fetch folds dot segments itself; tests/api/web_routes_test.cc sends them raw.)
  const escaped = await fetch(`${stack.base}/web/vendor/..%2F..%2Fetc%2Fpasswd`);
  assert.equal(escaped.status, 400);
});

test('English is one click away and is remembered', async () => {
  const page = await newPage(stack);
  await open(page, stack, '#/');
  assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('heading', { level: 1, name: 'Administrative procedures' }).waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  await page.reload();
  await page.getByRole('heading', { level: 1, name: 'Administrative procedures' }).waitFor();
  // The catalogue arrives after the heading.
  await page.locator('main').getByText(/working days/).first().waitFor();
  assert.match(await page.locator('main').innerText(), /working days/);
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('heading', { level: 1, name: 'Thủ tục hành chính' }).waitFor();
});

test('the verification page says when a PDF was not issued here', async () => {
  const page = await newPage(stack);
  await open(page, stack, '#/verify');
  await page.getByLabel('Hoặc chọn tệp PDF').setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 forged') });
  await page.getByText('không phải kết quả do hệ thống cấp').waitFor();
  assert.deepEqual(page.problems, []);
});
