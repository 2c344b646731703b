// api.js: the app's only door to the /v1 API on this origin.
//
// Requests carry the browser session cookie; writes add the session's CSRF
// token (X-CSRF-Token), which GET /v1/session hands out. A non-2xx answer
// becomes an ApiError holding the status and the RFC 9457 problem, whose
// `errors[].pointer` the forms show beside their fields.

import { t } from '/web/lib/i18n.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }

  // {pointer: message} of the problem's errors[] (RFC 9457 extension).
  fieldErrors() {
    const out = {};
    for (const error of this.problem.errors ?? []) {
      if (error.pointer != null && !(error.pointer in out)) out[error.pointer] = error.message;
    }
    return out;
  }
}

let csrfToken = null;

export function setCsrfToken(token) {
  csrfToken = token ?? null;
}

// A fresh Idempotency-Key: one per user intent, reused when the same intent
// is retried, so a double click or a lost answer never submits twice.
export function newIdempotencyKey() {
  return crypto.randomUUID();
}

async function readBody(response) {
  const type = response.headers.get('Content-Type') ?? '';
  if (response.status === 204 || response.status === 304) return null;
  if (type.includes('json')) return response.json();
  return response.blob();
}

// Calls METHOD PATH. `json` is sent as the JSON body; `body` as is (with
// `contentType`). Resolves with the parsed body (and `response` for headers);
// rejects with ApiError on a non-2xx answer, or with a network TypeError.
export async function api(method, path, { json, body, contentType, headers = {}, idempotencyKey } = {}) {
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (json !== undefined) {
    init.body = JSON.stringify(json);
    init.headers['Content-Type'] = 'application/json';
  } else if (body !== undefined) {
    init.body = body;
    init.headers['Content-Type'] = contentType || 'application/octet-stream';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) init.headers['X-CSRF-Token'] = csrfToken;
  if (idempotencyKey) init.headers['Idempotency-Key'] = idempotencyKey;
  const response = await fetch(path, init);
  const data = await readBody(response);
  if (!response.ok) throw new ApiError(response.status, data instanceof Blob ? null : data);
  return { data, response };
}

export async function getJson(path) {
  return (await api('GET', path)).data;
}

// Uploads `file` to POST /v1/documents, reporting progress as a fraction
// 0..1 through `onProgress` (fetch cannot report upload progress, so this is
// XMLHttpRequest). Resolves with the DocumentInfo ({id, size, media_type}).
export function uploadDocument(file, onProgress, idempotencyKey = newIdempotencyKey()) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/v1/documents');
    request.withCredentials = true;
    request.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('Idempotency-Key', idempotencyKey);
    if (csrfToken) request.setRequestHeader('X-CSRF-Token', csrfToken);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress?.(event.loaded / event.total);
    };
    request.onload = () => {
      let data = null;
      try {
        data = JSON.parse(request.responseText);
      } catch {
        data = null;
      }
      if (request.status >= 200 && request.status < 300) {
        onProgress?.(1);
        resolve(data);
      } else {
        reject(new ApiError(request.status, data));
      }
    };
    request.onerror = () => reject(new ApiError(0, { detail: t('error.network') }));
    request.send(file);
  });
}

// Saves a Blob under `filename` through a temporary object URL.
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
