// identity_prefill.js: the form values a citizen's identity provider vouches
// for.
//
// A citizen signed in at an OpenID Provider has `verified_identity` in
// GET /v1/session: {name, id_number, birthdate, address}, each only as the
// provider gave it. A procedure's form maps a top-level field to one of these
// claims with "x-identity-claim". identityPrefill proposes those values; the
// citizen may change them. The server decides on its own which submitted
// fields held the verified values unchanged and records them on the dossier
// (identity_data_fields); nothing here is trusted by it.

const kClaimKeyword = 'x-identity-claim';

// {values: {field: text}, fields: Set of field names} for `schema` (a form's
// JSON Schema) and `identity` (the session's verified_identity, or null).
export function identityPrefill(schema, identity) {
  const values = {};
  if (identity && typeof identity === 'object') {
    for (const [name, property] of Object.entries(schema?.properties ?? {})) {
      const claim = property?.[kClaimKeyword];
      const value = typeof claim === 'string' ? identity[claim] : undefined;
      if (typeof value === 'string' && value !== '') values[name] = value;
    }
  }
  return { values, fields: new Set(Object.keys(values)) };
}

// The fields of `form` that still hold the value `prefill` proposed.
export function unchangedFields(prefill, form) {
  return new Set([...prefill.fields].filter((name) => form?.[name] === prefill.values[name]));
}
