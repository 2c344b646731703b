// field_messages.js: which rule of a form field's JSON Schema a value breaks,
// so a field error shows in the reader's language rather than in the
// server's English ("must match the pattern ^[0-9]{12}$").
//
// Contract: fieldProblem(schema, form, pointer) takes the form's JSON Schema
// (`form` of GET /v1/procedures/{code}), the form value that was sent, and
// the JSON pointer of a server error relative to the form (the server
// reports "/form/citizen_id"; pass "/citizen_id"). It returns {key, params}
// for the first keyword the value at `pointer` fails, checked in the
// server's order (a missing value: required; then type, enum, const,
// maxLength, minLength, pattern, format, multipleOf, maximum,
// exclusiveMaximum, minimum, exclusiveMinimum), or null when it fails none
// of them (a rule this module does not judge, such as x-identity-claim or a
// dependency between fields): the caller then shows the server's message.
// `key` is an i18n key (`field.<rule>` in i18n/*.json), `params` fills its
// placeholders. A pattern of N digits ("^[0-9]{12}$", "^\d{12}$") is worded
// as such; any other pattern only as "not in the expected format".
//
// No imports, no DOM: the unit test (tests/web/unit/) loads it as is.

function jsonType(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value; // string, number, boolean, object
}

function hasType(value, type) {
  const actual = jsonType(value);
  if (type === 'integer') return actual === 'number' && Number.isInteger(value);
  return actual === type;
}

function problem(key, params = {}) {
  return { key, params };
}

function isDate(text) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}

const kFormats = {
  date: isDate,
  'date-time': (text) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(text) && isDate(text.slice(0, 10)),
  email: (text) => /^[^\s@]+@[^\s@]+$/.test(text),
  uri: (text) => /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(text),
};

// "^[0-9]{12}$" / "^\d{12}$" / "^[0-9]{9,12}$": the digit counts, else null.
function digitCounts(pattern) {
  const match = /^\^(?:\[0-9\]|\\d)\{(\d+)(?:,(\d+))?\}\$$/.exec(pattern);
  return match ? { min: Number(match[1]), max: Number(match[2] ?? match[1]) } : null;
}

function stringProblem(schema, text) {
  const length = [...text].length; // code points, as JSON Schema counts
  if (schema.maxLength != null && length > schema.maxLength) return problem('field.max_length', { limit: schema.maxLength });
  if (schema.minLength != null && length < schema.minLength) {
    return problem(schema.minLength === 1 ? 'field.required' : 'field.min_length', { limit: schema.minLength });
  }
  if (typeof schema.pattern === 'string') {
    let matches = true;
    try {
      matches = new RegExp(schema.pattern, 'u').test(text);
    } catch {
      matches = true; // a pattern this browser cannot read is the server's to judge
    }
    if (!matches) {
      const digits = digitCounts(schema.pattern);
      if (!digits) return problem('field.pattern');
      return digits.min === digits.max
        ? problem('field.digits', { count: digits.min })
        : problem('field.digits_between', { min: digits.min, max: digits.max });
    }
  }
  const format = kFormats[schema.format];
  if (format && !format(text)) return problem(`field.format_${schema.format.replace('-', '_')}`);
  return null;
}

function numberProblem(schema, number) {
  if (schema.multipleOf != null && !Number.isInteger(number / schema.multipleOf)) {
    return problem('field.multiple_of', { limit: schema.multipleOf });
  }
  if (schema.maximum != null && number > schema.maximum) return problem('field.maximum', { limit: schema.maximum });
  if (schema.exclusiveMaximum != null && number >= schema.exclusiveMaximum) {
    return problem('field.exclusive_maximum', { limit: schema.exclusiveMaximum });
  }
  if (schema.minimum != null && number < schema.minimum) return problem('field.minimum', { limit: schema.minimum });
  if (schema.exclusiveMinimum != null && number <= schema.exclusiveMinimum) {
    return problem('field.exclusive_minimum', { limit: schema.exclusiveMinimum });
  }
  return null;
}

// The first keyword of `schema` that `value` fails (see the file comment).
export function valueProblem(schema, value) {
  if (value === undefined) return problem('field.required');
  if (!schema || typeof schema !== 'object') return null;
  const types = schema.type === undefined ? [] : [].concat(schema.type);
  if (types.length > 0 && !types.some((type) => hasType(value, type))) {
    const wanted = types.find((type) => type !== 'null');
    return problem(['integer', 'number', 'boolean'].includes(wanted) ? `field.type_${wanted}` : 'field.type');
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => JSON.stringify(option) === JSON.stringify(value))) {
    return problem('field.enum');
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value)) return problem('field.enum');
  if (typeof value === 'string') return stringProblem(schema, value);
  if (typeof value === 'number') return numberProblem(schema, value);
  return null;
}

// The schema and value at `pointer` under `schema` / `form`; see the file
// comment for what is returned.
export function fieldProblem(schema, form, pointer) {
  let node = schema;
  let value = form;
  for (const raw of String(pointer).split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value)) {
      node = Array.isArray(node?.prefixItems) && node.prefixItems[segment] ? node.prefixItems[segment] : node?.items;
    } else {
      node = node?.properties?.[segment] ?? (typeof node?.additionalProperties === 'object' ? node.additionalProperties : undefined);
    }
    value = value != null && typeof value === 'object' ? value[segment] : undefined;
  }
  return valueProblem(node, value);
}
