// screenshots.mjs: a picture of each main page (the citizen portal, the
// clerk console, the leader's signing desk, the admin studio) at phone
// (360 px) and desktop (1280 px) width, for the README. Usage
// (tools/screenshots.sh runs it): node screenshots.mjs OUT_DIR, with
// MOTCUA_BINARY and MOTCUA_SOURCE_DIR set. Pages are shot on a fresh server
// with one submitted dossier, as JPEG (quality 70) to keep the repository
// small.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  kAdmin, kAgency, kCitizenA, kClerk, kDesktop, kLeader, kPhone, newPage, open, signInWithToken, startStack, submitDossier,
} from './harness.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node screenshots.mjs OUT_DIR');
  process.exit(2);
}
await mkdir(out, { recursive: true });
const stack = await startStack({ users: [kCitizenA, kClerk, kLeader, kAdmin] });
try {
  const dossier = await submitDossier(stack, kCitizenA);
  const dossierHash = encodeURIComponent(dossier.code);
  // [file name, route, who is signed in]
  const pages = [
    ['catalogue', '#/', kCitizenA],
    ['procedure', '#/procedures/1.004194', kCitizenA],
    ['sign-in', '#/sign-in', kCitizenA],
    ['submit', '#/procedures/1.004194/submit', kCitizenA],
    ['my-dossiers', '#/dossiers', kCitizenA],
    ['dossier', `#/dossiers/${dossierHash}`, kCitizenA],
    ['verify', '#/verify', kCitizenA],
    ['clerk-queue', '#/staff/queue', kClerk],
    ['clerk-dossier', `#/staff/dossiers/${dossierHash}`, kClerk],
    ['leader-desk', '#/leader', kLeader],
    ['admin-workflows', '#/admin/workflows', kAdmin],
    ['admin-reports', '#/admin/reports', kAdmin],
  ];
  for (const [width, viewport] of [['phone', kPhone], ['desktop', kDesktop]]) {
    const pagesOf = new Map();
    for (const [name, hash, user] of pages) {
      if (!pagesOf.has(user)) {
        const page = await newPage(stack, { viewport });
        await signInWithToken(page, stack, user);
        pagesOf.set(user, page);
      }
      const page = pagesOf.get(user);
      await open(page, stack, hash);
      await page.locator('main .loading').waitFor({ state: 'detached' });
      if (name === 'submit') {
        await page.getByLabel('Mã cơ quan tiếp nhận').fill(kAgency);
        await page.locator('#form-citizen_id').fill('12345');
        await page.getByRole('button', { name: 'Nộp hồ sơ' }).click();
        await page.locator('.field-error').first().waitFor();
        await page.evaluate(() => window.scrollTo(0, 0));
      }
      if (name === 'admin-workflows') {
        const source = path.join(process.env.MOTCUA_SOURCE_DIR, 'workflows', '1.004194-temporary-residence.json');
        await page.fill('#workflow-text', await readFile(source, 'utf8'));
        await page.locator('svg.diagram').waitFor();
        await page.locator('.lint-ok').waitFor();
      }
      const file = path.join(out, `${name}-${width}.jpg`);
      await page.screenshot({ path: file, fullPage: true, type: 'jpeg', quality: 70 });
      console.log(file);
    }
  }
} finally {
  await stack.stop();
}
