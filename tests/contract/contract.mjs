// contract.mjs: api/openapi.yaml as a checker of real responses.
//
// loadContract() reads the document and returns {spec, check, operations}:
//   - check({method, path, status, headers, body}) returns the list of ways a
//     response breaks the contract (empty when it keeps it): `path` is the
//     concrete request path (query allowed), `headers` a Headers object or a
//     plain object of lower-case names, `body` the raw text. A response breaks
//     it when its path+method is not in the document, its status is neither
//     declared nor covered by `default`, its Content-Type is not declared for
//     that status, a JSON body does not validate against the declared schema
//     (Ajv, JSON Schema 2020-12, formats from ajv-formats), a header the
//     response declares does not validate or a required one is missing, or it
//     sends a header the response does not declare (except kTransportHeaders).
//   - operations: every "METHOD /path/template" of the document.
//   - templateOf(method, path): the template a concrete path matches, or null.
//
// Schemas are compiled as written: closing them (required lists,
// additionalProperties: false) is the document's job, and
// openSchemaPointers() lists the response object schemas that are not closed.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const kSpecPath = new URL('../../api/openapi.yaml', import.meta.url);

// Headers every response may carry without declaring them: HTTP framing and
// generic caching and content-sniffing advice, Idempotent-Replayed, which
// the document's introduction describes once for every POST, and
// X-Request-Id, which it describes once for every response (its value is
// still checked: kRequestId).
export const kTransportHeaders = new Set([
  'content-type', 'content-length', 'server', 'date', 'connection', 'keep-alive',
  'transfer-encoding', 'cache-control', 'x-content-type-options', 'vary',
  'idempotent-replayed', 'x-request-id',
]);
const kRequestId = /^[A-Za-z0-9._:-]{1,64}$/;

const kMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

// The value at JSON pointer `ref` ("#/a/b") in `root`.
function resolvePointer(root, ref) {
  return ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((node, key) => node?.[key], root);
}

// Follows a component $ref (responses, headers, parameters) to its object.
function deref(spec, node) {
  while (node && typeof node.$ref === 'string') node = resolvePointer(spec, node.$ref);
  return node;
}

// Rewrites "#/components/schemas/X" to "spec#/$defs/X", so that schemas
// compiled on their own reach the shared ones registered under id "spec".
function rewriteRefs(node) {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (node === null || typeof node !== 'object') return node;
  const copy = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] = key === '$ref' && typeof value === 'string'
      ? value.replace('#/components/schemas/', 'spec#/$defs/')
      : rewriteRefs(value);
  }
  return copy;
}

export function newAjv() {
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  // OpenAPI's formats for bodies that are bytes.
  ajv.addFormat('binary', true);
  ajv.addFormat('byte', /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
  return ajv;
}

function pathPattern(template) {
  const source = template
    .split('/')
    .map((segment) => (/^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

// The media type without parameters, lower case.
const mediaType = (value) => (value ?? '').split(';')[0].trim().toLowerCase();

function headerGetter(headers) {
  if (typeof headers?.get === 'function') {
    return { get: (name) => headers.get(name), names: () => [...headers.keys()].map((n) => n.toLowerCase()) };
  }
  const lower = Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower[name.toLowerCase()] ?? null, names: () => Object.keys(lower) };
}

export function loadContract(specText = readFileSync(kSpecPath, 'utf8')) {
  const spec = YAML.parse(specText);
  const ajv = newAjv();
  ajv.addSchema({ $id: 'spec', $defs: rewriteRefs(spec.components?.schemas ?? {}) });

  const templates = Object.keys(spec.paths).map((template) => ({ template, pattern: pathPattern(template) }));
  // Literal segments win over parameters ("/v1/session/logout" before "/v1/session/{x}").
  templates.sort((a, b) => (b.template.match(/\{/g)?.length ?? 0) < (a.template.match(/\{/g)?.length ?? 0) ? 1 : -1);

  const operations = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of kMethods) if (item[method]) operations.push(`${method.toUpperCase()} ${template}`);
  }

  const compiled = new Map();
  const validatorFor = (key, schema) => {
    if (!compiled.has(key)) compiled.set(key, ajv.compile(rewriteRefs(schema)));
    return compiled.get(key);
  };

  const templateOf = (method, path) => {
    const bare = path.split('?')[0];
    const found = templates.find(({ template, pattern }) => pattern.test(bare) && spec.paths[template][method.toLowerCase()]);
    return found?.template ?? null;
  };

  function check({ method, path, status, headers, body }) {
    const problems = [];
    const template = templateOf(method, path);
    if (!template) return checkUndocumented({ method, path, status, headers, body });
    const where = `${method} ${template} -> ${status}`;
    const operation = spec.paths[template][method.toLowerCase()];
    const declared = operation.responses?.[String(status)] ?? operation.responses?.[`${String(status)[0]}XX`];
    const response = deref(spec, declared ?? operation.responses?.default);
    if (!response) return [`${where}: status not declared (and no default response)`];

    const got = headerGetter(headers);
    const type = mediaType(got.get('content-type'));
    const content = response.content ?? {};
    const mediaKey = Object.keys(content).find((key) => key === type)
      ?? Object.keys(content).find((key) => key === '*/*' || (key.endsWith('/*') && type.startsWith(key.slice(0, -1))));
    if (Object.keys(content).length === 0) {
      if (body && body.length > 0) problems.push(`${where}: body sent (${type}) where none is declared`);
    } else if (!mediaKey) {
      problems.push(`${where}: Content-Type "${type}" not declared (declared: ${Object.keys(content).join(', ')})`);
    } else if (content[mediaKey].schema && (type === 'application/json' || type.endsWith('+json'))) {
      let parsed;
      try {
        parsed = JSON.parse(body);
      } catch (error) {
        problems.push(`${where}: body is not JSON: ${error.message}`);
      }
      if (parsed !== undefined) {
        const validate = validatorFor(`${where} ${mediaKey}`, content[mediaKey].schema);
        if (!validate(parsed)) {
          for (const e of validate.errors) {
            problems.push(`${where}: body${e.instancePath} ${e.message} ${JSON.stringify(e.params)} (schema ${e.schemaPath})`);
          }
        }
      }
    }

    const declaredHeaders = Object.fromEntries(
      Object.entries(response.headers ?? {}).map(([name, header]) => [name.toLowerCase(), deref(spec, header)]),
    );
    for (const [name, header] of Object.entries(declaredHeaders)) {
      const value = got.get(name);
      if (value === null || value === undefined) {
        if (header.required) problems.push(`${where}: required header ${name} missing`);
        continue;
      }
      if (header.schema) {
        const validate = validatorFor(`${where} header ${name}`, header.schema);
        if (!validate(value)) problems.push(`${where}: header ${name} "${value}" ${ajv.errorsText(validate.errors)}`);
      }
    }
    const requestId = got.get('x-request-id');
    if (requestId !== null && requestId !== undefined && !kRequestId.test(requestId)) {
      problems.push(`${where}: header x-request-id "${requestId}" is not 1-64 of [A-Za-z0-9._:-]`);
    }
    for (const name of got.names()) {
      if (!kTransportHeaders.has(name) && !(name in declaredHeaders)) {
        problems.push(`${where}: header ${name} sent but not declared`);
      }
    }
    return problems;
  }

  // A request no operation documents: on a documented path, 405 with Allow
  // naming exactly the path's methods; on any other path, 404. Both are
  // problems (the Problem schema), as every operation's `default` promises.
  function checkUndocumented({ method, path, status, headers, body }) {
    const bare = path.split('?')[0];
    const known = templates.find(({ pattern }) => pattern.test(bare));
    const where = `${method} ${path} -> ${status}`;
    const problems = [];
    const got = headerGetter(headers);
    if (known) {
      // HEAD is answered wherever GET is (RFC 9110), without its own operation.
      const methods = kMethods.filter((m) => spec.paths[known.template][m] || (m === 'head' && spec.paths[known.template].get))
        .map((m) => m.toUpperCase());
      if (status !== 405) problems.push(`${where}: ${method} is not documented for ${known.template}, expected 405`);
      const allow = (got.get('allow') ?? '').split(',').map((m) => m.trim()).filter(Boolean).sort();
      if (allow.join() !== methods.sort().join()) problems.push(`${where}: Allow "${got.get('allow')}" is not ${methods.join(', ')}`);
    } else if (status !== 404) {
      problems.push(`${where}: no operation of the document matches, expected 404`);
    }
    if (mediaType(got.get('content-type')) !== 'application/problem+json') problems.push(`${where}: not application/problem+json`);
    const validate = validatorFor('Problem', { $ref: '#/components/schemas/Problem' });
    try {
      if (!validate(JSON.parse(body))) problems.push(`${where}: ${ajv.errorsText(validate.errors)}`);
    } catch (error) {
      problems.push(`${where}: body is not JSON: ${error.message}`);
    }
    return problems;
  }

  return { spec, check, operations, templateOf };
}

// JSON pointers of object schemas reachable from responses that do not
// close their properties (no additionalProperties or unevaluatedProperties
// keyword, and not an allOf member of a schema with unevaluatedProperties),
// or that have properties but no `required` list. An object open on purpose
// says so with `additionalProperties: true` or a schema, and a description.
export function openSchemaPointers(spec) {
  const open = [];
  const seen = new Set();
  const visit = (schema, pointer, closedByParent) => {
    if (!schema || typeof schema !== 'object') return;
    if (schema.$ref) {
      const key = `${schema.$ref} ${closedByParent}`;
      if (seen.has(key)) return;
      seen.add(key);
      visit(resolvePointer(spec, schema.$ref), schema.$ref, closedByParent);
      return;
    }
    const types = [schema.type].flat();
    const isObject = types.includes('object') || schema.properties;
    const closes = 'additionalProperties' in schema || 'unevaluatedProperties' in schema;
    if (isObject && !closes && !closedByParent) open.push(`${pointer}: neither additionalProperties nor unevaluatedProperties`);
    if ((schema.additionalProperties === true || schema.unevaluatedProperties === true) && !schema.description) {
      open.push(`${pointer}: open without a description saying why`);
    }
    if (schema.properties && !schema.required) open.push(`${pointer}: properties without a required list`);
    for (const [name, property] of Object.entries(schema.properties ?? {})) visit(property, `${pointer}/properties/${name}`, false);
    if (schema.items) visit(schema.items, `${pointer}/items`, false);
    if (typeof schema.additionalProperties === 'object') visit(schema.additionalProperties, `${pointer}/additionalProperties`, false);
    const closesMembers = 'unevaluatedProperties' in schema;
    for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
      (schema[keyword] ?? []).forEach((member, i) => visit(member, `${pointer}/${keyword}/${i}`, closesMembers));
    }
  };
  for (const [template, item] of Object.entries(spec.paths)) {
    for (const method of kMethods) {
      for (const [status, declared] of Object.entries(item[method]?.responses ?? {})) {
        const response = deref(spec, declared);
        for (const [type, media] of Object.entries(response?.content ?? {})) {
          visit(media.schema, `${method.toUpperCase()} ${template} ${status} ${type}`, false);
        }
      }
    }
  }
  return [...new Set(open)];
}
