// Every problem a person can meet through the web front end has a sentence
// in both languages (`problem.<reason>` in api/web/i18n/*.json), which
// lib/ui.js problemText shows instead of the server's English detail. The
// reasons are read from the server's own lists, so a reason added there
// without words fails here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const root = new URL('../../../', import.meta.url);
const read = (path) => readFile(new URL(path, root), 'utf8');

// Reasons only the command line or the server's own start-up meets (keys,
// chains, CRLs, checkpoints, migrations, configuration): no page shows them.
const kNotInTheUi = new Set([
  'bad_chain', 'bad_crl', 'bad_key', 'checkpoint_untrusted', 'clock_not_running', 'invalid_checkpoint',
  'key_certificate_mismatch', 'key_file_permissions', 'migration_failed', 'oidc_config_invalid', 'schema_too_new',
  'transfer_encoding_not_implemented',
]);

async function reasons() {
  const header = await read('engine/domain/error_reason.h');
  const fromEngine = [...header.matchAll(/X\(k\w+, "([a-z_]+)"\)/g)].map((match) => match[1]);
  const transport = await read('api/problem.cc');
  const fromTransport = [...transport.matchAll(/return \{\d+, "([a-z_]+)"/g)].map((match) => match[1]);
  assert.ok(fromEngine.length > 90, `read ${fromEngine.length} reasons from error_reason.h`);
  assert.ok(fromTransport.length >= 8, `read ${fromTransport.length} transport problems from problem.cc`);
  return [...new Set([...fromEngine, ...fromTransport])];
}

test('each reason a page can meet has a sentence in Vietnamese and English', async () => {
  const words = { vi: JSON.parse(await read('api/web/i18n/vi.json')), en: JSON.parse(await read('api/web/i18n/en.json')) };
  const missing = [];
  for (const reason of await reasons()) {
    if (kNotInTheUi.has(reason)) continue;
    for (const lang of ['vi', 'en']) if (!words[lang][`problem.${reason}`]) missing.push(`${lang}: problem.${reason}`);
  }
  assert.deepEqual(missing, []);
});

test('no sentence is kept for a reason the server does not have', async () => {
  const known = new Set(await reasons());
  const words = JSON.parse(await read('api/web/i18n/vi.json'));
  const stray = Object.keys(words).filter((key) => key.startsWith('problem.') && !known.has(key.slice('problem.'.length)));
  assert.deepEqual(stray, []);
});
