// shots.mjs: screenshots of the staff pages at phone and desktop width, for
// looking at the layout (node shots.mjs OUT_DIR; same environment as the tests).
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  bindLeaderCertificate, dossierAwaitingSignature, kAdmin, kClerk, kDesktop, kLeader, kPhone, open, pageAs, startStack, submitDossier,
} from './harness.mjs';

const out = process.argv[2] ?? 'screenshots';
await mkdir(out, { recursive: true });
const stack = await startStack();
try {
  await bindLeaderCertificate(stack);
  const { code } = await submitDossier(stack);
  const signing = await dossierAwaitingSignature(stack);
  const pages = [
    [kClerk, '#/staff/queue', 'clerk-queue'], [kClerk, `#/staff/dossiers/${code}`, 'clerk-dossier'],
    [kLeader, '#/leader', 'leader-queue'], [kLeader, `#/staff/dossiers/${signing.code}`, 'leader-dossier'],
    [kAdmin, '#/admin/users', 'admin-users'], [kAdmin, '#/admin/reports', 'admin-reports'],
    [kAdmin, '#/admin/feed', 'admin-feed'], [kAdmin, '#/admin/workflows', 'admin-workflows'],
  ];
  for (const [viewport, width] of [[kPhone, 'phone'], [kDesktop, 'desktop']]) {
    for (const [user, hash, name] of pages) {
      const page = await pageAs(stack, user, { viewport });
      await open(page, stack, hash);
      await page.waitForLoadState('networkidle');
      await page.screenshot({ path: path.join(out, `${name}-${width}.png`), fullPage: true });
      await page.context().close();
    }
  }
} finally {
  await stack.stop();
}
