// screenshots.mjs: a PNG of each citizen-portal page at phone (360 px) and
// desktop (1280 px) width, for the README. Usage (tools/screenshots.sh runs
// it): node screenshots.mjs OUT_DIR, with MOTCUA_BINARY and MOTCUA_SOURCE_DIR
// set. Pages are shot on a fresh server with one submitted dossier.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { kAgency, kCitizenA, kDesktop, kPhone, newPage, open, signInWithToken, startStack, submitDossier } from './harness.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node screenshots.mjs OUT_DIR');
  process.exit(2);
}
await mkdir(out, { recursive: true });
const stack = await startStack();
try {
  const dossier = await submitDossier(stack, kCitizenA);
  const pages = [
    ['catalogue', '#/'],
    ['procedure', '#/procedures/1.004194'],
    ['sign-in', '#/sign-in'],
    ['submit', '#/procedures/1.004194/submit'],
    ['my-dossiers', '#/dossiers'],
    ['dossier', `#/dossiers/${encodeURIComponent(dossier.code)}`],
    ['verify', '#/verify'],
  ];
  for (const [width, viewport] of [['phone', kPhone], ['desktop', kDesktop]]) {
    const page = await newPage(stack, { viewport });
    await signInWithToken(page, stack, kCitizenA);
    for (const [name, hash] of pages) {
      await open(page, stack, hash);
      await page.locator('main .loading').waitFor({ state: 'detached' });
      if (name === 'submit') {
        await page.getByLabel('Mã cơ quan tiếp nhận').fill(kAgency);
        await page.locator('#form-citizen_id').fill('12345');
        await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
        await page.locator('.field-error').first().waitFor();
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      const file = path.join(out, `${name}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
  }
} finally {
  await stack.stop();
}
