// schema_form.js: a form generated from a procedure's JSON Schema (the
// `form` of GET /v1/procedures/{code}), in the order the properties are
// written. Labels come from each property's localized `title` (falling back
// to its name), hints from `description`; the control from `widget` when the
// schema gives one ("date", "citizen-id", "textarea", "select"), else from
// type, format and enum. Values are kept as the JSON the API wants: empty
// inputs are left out, so "required" is judged by the server, whose
// problem+json pointers come back in `errors` ({propertyName: message}),
// worded from the schema in the reader's language (formErrorsUnder).

import { html } from '/web/lib/html.js';
import { loc, t } from '/web/lib/i18n.js';
import { Field, describedBy } from '/web/lib/ui.js';
import { fieldProblem } from '/web/lib/field_messages.js';

function controlKind(property) {
  const widget = property.widget ?? property['x-widget'];
  if (widget) return widget;
  if (Array.isArray(property.enum)) return 'select';
  if (property.type === 'boolean') return 'checkbox';
  if (property.type === 'integer' || property.type === 'number') return 'number';
  if (property.format === 'date') return 'date';
  if (property.format === 'email') return 'email';
  if (property.type === 'string' && (property.maxLength ?? 0) > 500) return 'textarea';
  if (property.type === 'string' || property.type === undefined) return 'text';
  return 'json';
}

function fromInput(kind, property, text, checked) {
  if (kind === 'checkbox') return checked;
  if (text === '') return undefined;
  if (kind === 'number') {
    const number = Number(text);
    return Number.isNaN(number) ? text : number;
  }
  if (kind === 'json') {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (kind === 'select' && property.type === 'integer') return Number(text);
  return text;
}

function toInput(kind, value) {
  if (value === undefined || value === null) return '';
  if (kind === 'json') return typeof value === 'string' ? value : JSON.stringify(value);
  return String(value);
}

function optionLabel(property, value, index) {
  const labels = property.enumTitles ?? property['x-enum-titles'];
  return loc(labels?.[index] ?? labels?.[value], String(value));
}

// `notes` ({propertyName: text}) adds a line to a field's hint, e.g. that its
// value came from the citizen's identity provider.
export function SchemaForm({ schema, value, onChange, errors = {}, idPrefix = 'form', notes = {} }) {
  const properties = schema?.properties ?? {};
  const required = new Set(schema?.required ?? []);
  const set = (name, next) => {
    const copy = { ...value };
    if (next === undefined) delete copy[name];
    else copy[name] = next;
    onChange(copy);
  };
  return html`${Object.entries(properties).map(([name, property]) => {
    const id = `${idPrefix}-${name}`;
    const kind = controlKind(property);
    const baseHint = loc(property.description) || (kind === 'citizen-id' ? t('form.citizen_id_hint') : '');
    const hint = [baseHint, notes[name]].filter(Boolean).join(' · ');
    const error = errors[name];
    const common = {
      id,
      name,
      required: required.has(name),
      'aria-invalid': error ? 'true' : undefined,
      'aria-describedby': describedBy(id, hint, error),
    };
    const onInput = (event) => set(name, fromInput(kind, property, event.target.value, event.target.checked));
    let control;
    if (kind === 'select') {
      control = html`<select ...${common} value=${toInput(kind, value[name])} onChange=${onInput}>
        <option value="">${t('form.choose')}</option>
        ${(property.enum ?? []).map((option, index) => html`<option value=${String(option)}>${optionLabel(property, option, index)}</option>`)}
      </select>`;
    } else if (kind === 'textarea' || kind === 'json') {
      control = html`<textarea ...${common} rows="4" value=${toInput(kind, value[name])} onInput=${onInput}></textarea>`;
    } else if (kind === 'checkbox') {
      control = html`<input ...${common} type="checkbox" checked=${Boolean(value[name])} onChange=${onInput} />`;
    } else {
      const type = { date: 'date', number: 'number', email: 'email', 'citizen-id': 'text' }[kind] ?? 'text';
      const extra = kind === 'citizen-id' ? { inputmode: 'numeric', autocomplete: 'off', maxlength: 12 } : {};
      control = html`<input ...${common} ...${extra} type=${type} value=${toInput(kind, value[name])} onInput=${onInput} />`;
    }
    return html`<${Field} id=${id} label=${loc(property.title, name)} required=${required.has(name)} hint=${hint} error=${error}>
      ${control}
    <//>`;
  })}`;
}

// The errors of a problem under `prefix` ("/form/"), keyed by the first
// segment after it; errors elsewhere are returned under "".
export function errorsUnder(fieldErrors, prefix) {
  const out = {};
  for (const [pointer, message] of Object.entries(fieldErrors)) {
    if (pointer.startsWith(prefix)) {
      const name = pointer.slice(prefix.length).split('/')[0].replace(/~1/g, '/').replace(/~0/g, '~');
      out[name] = out[name] ?? message;
    }
  }
  return out;
}

// errorsUnder for the server's errors about a form: each in the reader's
// language, from the rule of `schema` that the value `sent` breaks at the
// error's pointer (lib/field_messages.js), else the server's own message.
export function formErrorsUnder(fieldErrors, prefix, schema, sent) {
  const worded = {};
  for (const [pointer, message] of Object.entries(fieldErrors)) {
    if (!pointer.startsWith(prefix)) continue;
    const found = fieldProblem(schema, sent, pointer.slice(prefix.length - 1));
    worded[pointer] = found ? t(found.key, found.params) : message;
  }
  return errorsUnder(worded, prefix);
}

// A server error about an input that must not be empty: `missingKey`'s
// words when nothing was given (`value` undefined, null or blank), else the
// server's message; nothing when there is no error.
export function requiredOr(message, value, missingKey = 'field.required') {
  if (!message) return message;
  return value == null || String(value).trim() === '' ? t(missingKey) : message;
}
