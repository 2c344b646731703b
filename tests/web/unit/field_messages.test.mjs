// Unit tests of api/web/lib/field_messages.js (no browser): which rule of a
// field's JSON Schema a sent value breaks. The module has no imports, so it
// is loaded from its own text (the browser serves it as an ES module; the
// repository has no package.json that would make node read it as one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';

const source = await readFile(new URL('../../../api/web/lib/field_messages.js', import.meta.url), 'utf8');
const { fieldProblem, valueProblem } = await import(`data:text/javascript,${encodeURIComponent(source)}`);

// The form of workflows/1.004194-temporary-residence.json, plus a few rules it does not use.
const kSchema = {
  type: 'object',
  required: ['full_name', 'citizen_id'],
  properties: {
    full_name: { type: 'string', minLength: 1, maxLength: 200 },
    citizen_id: { type: 'string', pattern: '^[0-9]{12}$', 'x-widget': 'citizen-id' },
    tax_code: { type: 'string', pattern: '^\\d{10,13}$' },
    phone: { type: 'string', pattern: '^0[0-9]{9}$' },
    stay_until: { type: 'string', format: 'date' },
    email: { type: 'string', format: 'email' },
    note: { type: 'string', minLength: 5 },
    sex: { type: 'string', enum: ['nam', 'nu'] },
    copies: { type: 'integer', minimum: 1, maximum: 10 },
    share: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
    step: { type: 'number', multipleOf: 5 },
    agreed: { type: 'boolean' },
    maybe: { type: ['integer', 'null'] },
    children: { type: 'array', items: { type: 'object', properties: { name: { type: 'string', maxLength: 3 } } } },
  },
};

const cases = [
  // [pointer, form, expected {key, params} or null]
  ['/full_name', {}, { key: 'field.required', params: {} }],
  ['/full_name', { full_name: 'x'.repeat(201) }, { key: 'field.max_length', params: { limit: 200 } }],
  ['/full_name', { full_name: 'Nguyễn' + 'ễ'.repeat(194) }, null], // 200 code points, more UTF-16 units
  ['/full_name', { full_name: '' }, { key: 'field.required', params: { limit: 1 } }],
  ['/note', { note: 'abc' }, { key: 'field.min_length', params: { limit: 5 } }],
  ['/citizen_id', { citizen_id: '12345' }, { key: 'field.digits', params: { count: 12 } }],
  ['/citizen_id', { citizen_id: '001090000001' }, null],
  ['/tax_code', { tax_code: '12' }, { key: 'field.digits_between', params: { min: 10, max: 13 } }],
  ['/phone', { phone: '1234567890' }, { key: 'field.pattern', params: {} }],
  ['/stay_until', { stay_until: '2027-02-30' }, { key: 'field.format_date', params: {} }],
  ['/stay_until', { stay_until: '2027-02-28' }, null],
  ['/email', { email: 'an at example' }, { key: 'field.format_email', params: {} }],
  ['/sex', { sex: 'khac' }, { key: 'field.enum', params: {} }],
  ['/copies', { copies: 'ba' }, { key: 'field.type_integer', params: {} }],
  ['/copies', { copies: 2.5 }, { key: 'field.type_integer', params: {} }],
  ['/copies', { copies: 11 }, { key: 'field.maximum', params: { limit: 10 } }],
  ['/copies', { copies: 0 }, { key: 'field.minimum', params: { limit: 1 } }],
  ['/share', { share: 0 }, { key: 'field.exclusive_minimum', params: { limit: 0 } }],
  ['/share', { share: 1 }, { key: 'field.exclusive_maximum', params: { limit: 1 } }],
  ['/step', { step: 7 }, { key: 'field.multiple_of', params: { limit: 5 } }],
  ['/agreed', { agreed: 'yes' }, { key: 'field.type_boolean', params: {} }],
  ['/maybe', { maybe: null }, null],
  ['/maybe', { maybe: 'x' }, { key: 'field.type_integer', params: {} }],
  ['/children/1/name', { children: [{ name: 'An' }, { name: 'Bình An' }] }, { key: 'field.max_length', params: { limit: 3 } }],
  // A rule the module does not judge (here: the value breaks nothing it knows): the server's words.
  ['/citizen_id', { citizen_id: '001090000002' }, null],
  ['/unknown_field', { unknown_field: 'x' }, null],
];

for (const [pointer, form, expected] of cases) {
  test(`fieldProblem ${pointer} of ${JSON.stringify(form).slice(0, 60)}`, () => {
    assert.deepEqual(fieldProblem(kSchema, form, pointer), expected);
  });
}

test('a pattern this engine cannot compile is left to the server', () => {
  assert.equal(valueProblem({ type: 'string', pattern: '(?<' }, 'x'), null);
});

test('every key the module can return has words in both languages', async () => {
  const words = {};
  for (const lang of ['vi', 'en']) {
    words[lang] = JSON.parse(await readFile(new URL(`../../../api/web/i18n/${lang}.json`, import.meta.url), 'utf8'));
  }
  const keys = new Set(source.match(/'field\.[a-z_]+'/g).map((quoted) => quoted.slice(1, -1)));
  for (const format of ['date', 'date_time', 'email', 'uri']) keys.add(`field.format_${format}`);
  for (const type of ['integer', 'number', 'boolean']) keys.add(`field.type_${type}`);
  for (const key of keys) {
    if (key === 'field.format_' || key === 'field.type_') continue;
    assert.ok(words.vi[key], `vi.json has ${key}`);
    assert.ok(words.en[key], `en.json has ${key}`);
  }
});
