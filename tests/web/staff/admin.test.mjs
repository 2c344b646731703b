// admin.test.mjs: the admin studio in a real browser: users and tokens,
// reports, the national-portal feed, the workflow editor, and moving the
// dossiers in flight to a new version (dry run, then confirm).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { apiAs, kAdmin, kCitizen, kPhone, open, pageAs, seriousViolations, startStack, submitDossier } from './harness.mjs';
import { submitDossier as submitFor } from '../harness.mjs';

let stack;
before(async () => {
  stack = await startStack();
  await submitDossier(stack);
});
after(async () => {
  await stack?.stop();
});

// The bundled temporary-absence workflow as the agency's own variant, with
// `mutate` applied, as text.
async function variantText(mutate = (d) => d) {
  const source = path.join(process.env.MOTCUA_SOURCE_DIR, 'workflows', '1.003677-temporary-absence.json');
  const definition = JSON.parse(await readFile(source, 'utf8'));
  definition.procedure.code = '1.003677-WEB01';
  return JSON.stringify(mutate(definition), null, 2);
}

// Publishes the editor's text and waits for the published version to be listed.
async function publishAndSeeVersion(page, publish) {
  await publish.click();
  await page.getByText(/Đã xuất bản 1\.003677-WEB01, phiên bản \d+\./).waitFor();
  await page.locator('.version-list li').first().waitFor();
  assert.deepEqual(page.problems, []);
}

test('an admin publishes a workflow after fixing a lint error shown in the editor at its line and column', async () => {
  const page = await pageAs(stack, kAdmin);
  await open(page, stack, '#/admin/workflows');
  const broken = await variantText((d) => ({ ...d, initial_state: 'no_such_state' }));
  await page.fill('#workflow-text', broken);
  // The server's lint (POST /v1/procedures/lint) locates the problem at the
  // value of "initial_state".
  const problem = page.locator('.problem-button').first();
  await problem.waitFor();
  const lines = broken.split('\n');
  const line = lines.findIndex((l) => l.includes('"no_such_state"'));
  const column = lines[line].indexOf('"no_such_state"') + 1;
  assert.match(await problem.textContent(), new RegExp(`Dòng ${line + 1}, cột ${column}`));
  const publish = page.getByRole('button', { name: /Xuất bản/ });
  assert.equal(await publish.isDisabled(), true, 'no publishing while lint finds problems');
  await problem.click();
  const caret = await page.evaluate(() => ({ id: document.activeElement.id, at: document.activeElement.selectionStart }));
  const expected = lines.slice(0, line).reduce((sum, l) => sum + l.length + 1, 0) + column - 1;
  assert.deepEqual(caret, { id: 'workflow-text', at: expected }, 'clicking a problem moves the caret to it');
  await page.fill('#workflow-text', await variantText());
  await page.locator('.lint-ok').waitFor();
  await publishAndSeeVersion(page, publish);
});

test('each published version after the first shows what changed from the one before', async () => {
  const code = '1.003677-WEB03';
  const first = JSON.parse(await variantText((d) => ({ ...d, procedure: { ...d.procedure, code } })));
  await apiAs(stack, kAdmin, 'PUT', `/v1/procedures/${code}/workflow`, { json: first });
  const second = structuredClone(first);
  second.procedure.deadline = { working_days: (first.procedure.deadline?.working_days ?? 2) + 3 };
  await apiAs(stack, kAdmin, 'PUT', `/v1/procedures/${code}/workflow`, { json: second });
  const page = await pageAs(stack, kAdmin);
  await open(page, stack, '#/admin/workflows');
  await page.fill('#workflow-text', JSON.stringify(second, null, 2));
  const changes = page.locator('.version-changes');
  await changes.first().waitFor();
  assert.equal(await changes.count(), 1, 'only v2 has a version before it');
  await changes.locator('summary').click();
  const item = changes.locator('.change-list li');
  await item.first().waitFor();
  assert.equal(await item.count(), 1);
  assert.match(await item.innerText(), /sửa\s+thời hạn giải quyết\s+deadline\s+\(\/working_days\)/);
  assert.deepEqual(page.problems, []);
});

test('publishing over a version someone else published meanwhile is refused (412), explained, and never overwrites', async () => {
  const code = '1.003677-WEB02';
  const own = (mutate = (d) => d) => variantText((d) => mutate({ ...d, procedure: { ...d.procedure, code } }));
  const first = await own();
  await apiAs(stack, kAdmin, 'PUT', `/v1/procedures/${code}/workflow`, { body: first, contentType: 'application/json' });
  const page = await pageAs(stack, kAdmin);
  await open(page, stack, '#/admin/workflows');
  const based = page.waitForResponse((r) => r.url().endsWith(`/v1/procedures/${code}`) && r.request().method() === 'GET');
  await page.fill('#workflow-text', await own((d) => ({ ...d, states: d.states.map((st, i) => (i === 0 ? { ...st, name: 'Edited in the studio' } : st)) })));
  await based;
  await page.locator('.lint-ok').waitFor();
  // Another admin publishes version 2 while this editor still started from 1.
  const theirs = await own((d) => ({ ...d, states: d.states.map((st, i) => (i === 0 ? { ...st, name: 'Published by someone else' } : st)) }));
  const published = await apiAs(stack, kAdmin, 'PUT', `/v1/procedures/${code}/workflow`, { body: theirs, contentType: 'application/json', headers: { 'If-Match': '"1"' } });
  assert.equal(published.version, 2);
  const publish = page.getByRole('button', { name: /Xuất bản/ });
  await publish.click();
  const warning = page.locator('.alert-warning');
  await warning.waitFor();
  assert.match(await warning.textContent(), /Người khác đã xuất bản quy trình này \(nay là phiên bản 2\)/);
  const versions = await apiAs(stack, kAdmin, 'GET', `/v1/procedures/${code}/versions`);
  assert.equal(versions.items.length, 2, 'nothing was published over version 2');
  // Told, the admin publishes deliberately over the new latest version.
  await publish.click();
  await page.getByText(new RegExp(`Đã xuất bản ${code.replace('.', '\\.')}, phiên bản 3\\.`)).waitFor();
  assert.deepEqual(page.problems, []);
});

test('an admin dry-runs moving the dossiers in flight to a new version, then confirms it', async () => {
  const code = '1.004194-WEB05';
  const source = path.join(process.env.MOTCUA_SOURCE_DIR, 'workflows', '1.004194-temporary-residence.json');
  const first = JSON.parse(await readFile(source, 'utf8'));
  first.procedure.code = code;
  await apiAs(stack, kAdmin, 'PUT', `/v1/procedures/${code}/workflow`, { json: first });
  const dossier = await submitFor(stack, kCitizen, { procedure: code });
  const second = structuredClone(first);
  second.procedure.deadline = { working_days: (first.procedure.deadline?.working_days ?? 3) + 1 };
  await apiAs(stack, kAdmin, 'PUT', `/v1/procedures/${code}/workflow`, { json: second });

  const page = await pageAs(stack, kAdmin);
  await open(page, stack, '#/admin/workflows');
  await page.fill('#workflow-text', JSON.stringify(second, null, 2));
  const migration = page.locator('.version-migration');
  await migration.first().waitFor();
  assert.equal(await migration.count(), 1, 'only v2 has a version before it');
  await migration.locator('summary').click();
  await migration.getByRole('button', { name: /Chạy thử/ }).click();
  const report = migration.locator('.migration-report');
  await report.waitFor();
  assert.match(await report.innerText(), /1 hồ sơ được chọn: 1 có thể chuyển, 0 không thể chuyển\./);
  let current = await apiAs(stack, kAdmin, 'GET', `/v1/dossiers/${encodeURIComponent(dossier.code)}`);
  assert.equal(current.definition_version, 1, 'the dry run moves nothing');

  await migration.getByRole('button', { name: /Xác nhận chuyển 1 hồ sơ sang v2/ }).click();
  await migration.locator('.alert-success').waitFor();
  assert.match(await migration.locator('.alert-success').innerText(), /Đã chuyển 1 hồ sơ; bỏ qua 0 hồ sơ\./);
  current = await apiAs(stack, kAdmin, 'GET', `/v1/dossiers/${encodeURIComponent(dossier.code)}`);
  assert.equal(current.definition_version, 2);
  assert.deepEqual(page.problems, []);
  assert.deepEqual(await seriousViolations(page), []);
  // Its connections end with it: the server limits those of one address.
  await page.context().close();
});

test('the editor draws the definition as a diagram, one box per state', async () => {
  const page = await pageAs(stack, kAdmin);
  await open(page, stack, '#/admin/workflows');
  const text = await variantText();
  await page.fill('#workflow-text', text);
  await page.locator('svg.diagram').waitFor();
  assert.equal(await page.locator('.diagram-node').count(), JSON.parse(text).states.length);
});

test('users and tokens: an admin issues a token, sees its secret once, and revokes it', async () => {
  const page = await pageAs(stack, kAdmin);
  await open(page, stack, '#/admin/users');
  const card = page.locator('.user-card', { hasText: 'staff-clerk-1' });
  await card.getByRole('button', { name: /Vai trò và mã truy cập/ }).click();
  await card.getByLabel('Nhãn').fill('máy quét');
  await card.getByRole('button', { name: 'Cấp mã truy cập' }).click();
  await card.locator('code.secret').waitFor();
  await card.getByRole('button', { name: /Thu hồi máy quét/ }).click();
  await card.getByText('Đã thu hồi').waitFor();
  assert.deepEqual(page.problems, []);
});

test('an admin binds a signing certificate to a leader by its fingerprint', async () => {
  const page = await pageAs(stack, kAdmin);
  await open(page, stack, '#/admin/users');
  const card = page.locator('.user-card', { hasText: 'leader1' });
  await card.getByRole('button', { name: /Vai trò và mã truy cập/ }).click();
  const fingerprint = 'ab'.repeat(32);
  await card.getByLabel(/Dấu vân tay chứng thư/).fill(fingerprint.toUpperCase());
  await card.getByRole('button', { name: 'Gắn chứng thư' }).click();
  await page.getByText('Đã cập nhật chứng thư của leader1.').waitFor();
  const leader = await apiAs(stack, kAdmin, 'GET', '/v1/users/leader1');
  assert.equal(leader.certificate_fingerprint, fingerprint);
  assert.deepEqual(page.problems, []);
});

test('reports draw the scorecard and monthly charts; feed shows the cursor', async () => {
  const page = await pageAs(stack, kAdmin);
  await open(page, stack, '#/admin/reports');
  await page.locator('#scorecard-heading').waitFor();
  assert.match(await page.locator('.score-total').textContent(), /Tổng điểm/);
  await page.locator('figure.chart svg').first().waitFor();
  await open(page, stack, '#/admin/feed');
  await page.getByText('Vị trí cuối của luồng (cursor)').waitFor();
  assert.deepEqual(page.problems, []);
});

test('an admin opens a dossier from the feed and sees its hash-chained audit trail', async () => {
  const page = await pageAs(stack, kAdmin);
  await open(page, stack, '#/admin/feed');
  await page.locator('#recent-heading').waitFor();
  await page.locator('table a[href^="#/staff/dossiers/"]').first().click();
  await page.locator('#audit-heading').waitFor();
  const firstRecord = page.locator('section[aria-labelledby="audit-heading"] tbody tr').first();
  await firstRecord.waitFor();
  assert.match(await firstRecord.locator('code').textContent(), /^[0-9a-f]{12}$/);
  assert.deepEqual(page.problems, []);
});

test('the admin pages have no serious or critical axe violations, at phone and desktop width', async () => {
  for (const viewport of [kPhone, undefined]) {
    const page = await pageAs(stack, kAdmin, viewport ? { viewport } : {});
    for (const [hash, ready] of [['#/admin/users', '.user-card'], ['#/admin/reports', '#scorecard-heading'], ['#/admin/feed', '#recent-heading'], ['#/admin/workflows', '#diagram-heading']]) {
      await open(page, stack, hash);
      await page.locator(ready).first().waitFor();
      if (hash === '#/admin/workflows') {
        await page.fill('#workflow-text', await variantText());
        await page.locator('svg.diagram').waitFor();
      }
      assert.deepEqual(await seriousViolations(page), [], hash);
    }
    assert.deepEqual(page.problems, []);
  }
});
