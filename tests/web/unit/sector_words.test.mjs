// Every sector a bundled workflow names has a word in both languages
// (`sector.<key>` in api/web/i18n/*.json), which the catalogue shows in its
// sector filter and on each card instead of the machine key. The sectors are
// read from workflows/*.json, so a procedure of a new sector without words
// fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';

const root = new URL('../../../', import.meta.url);
const read = async (path) => JSON.parse(await readFile(new URL(path, root), 'utf8'));

async function bundledSectors() {
  const files = (await readdir(new URL('workflows/', root))).filter((name) => name.endsWith('.json'));
  assert.ok(files.length >= 18, `read ${files.length} bundled workflows`);
  const sectors = new Set();
  for (const file of files) sectors.add((await read(`workflows/${file}`)).procedure.sector);
  return [...sectors];
}

test('each bundled sector has a word in Vietnamese and English', async () => {
  const words = { vi: await read('api/web/i18n/vi.json'), en: await read('api/web/i18n/en.json') };
  const missing = [];
  for (const sector of await bundledSectors()) {
    for (const lang of ['vi', 'en']) if (!words[lang][`sector.${sector}`]) missing.push(`${lang}: sector.${sector}`);
  }
  assert.deepEqual(missing, []);
});

test('no word is kept for a sector no bundled workflow has', async () => {
  const known = new Set(await bundledSectors());
  const words = await read('api/web/i18n/vi.json');
  const stray = Object.keys(words).filter((key) => key.startsWith('sector.') && !known.has(key.slice('sector.'.length)));
  assert.deepEqual(stray, []);
});
