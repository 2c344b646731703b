-- 0003_documents_idempotency.sql: document ownership and references, the
-- agency listing index, and idempotency keys for POST requests.

-- Who uploaded which bytes. The same bytes are stored once (documents), but
-- every uploader is recorded: an uploader may read the document and attach it
-- to their own dossiers.
CREATE TABLE document_uploads (
  document_id TEXT    NOT NULL REFERENCES documents (id),
  user_id     TEXT    NOT NULL,
  uploaded_at INTEGER NOT NULL,
  PRIMARY KEY (document_id, user_id)
);

CREATE INDEX document_uploads_by_user ON document_uploads (user_id, uploaded_at);

-- Which dossiers refer to a document, now or earlier in their history (form
-- documents and results). Rows are only ever added, so that whoever can see a
-- dossier can read every document its history names.
CREATE TABLE dossier_documents (
  document_id  TEXT NOT NULL,
  dossier_code TEXT NOT NULL,
  PRIMARY KEY (document_id, dossier_code)
);

-- Queue pages with a state filter: covering (role, agency, due order) plus
-- state, so that the filter is checked in the index. Replaces the index
-- keyed on state first, which the queue query could not use with its
-- optional state parameter.
CREATE INDEX queue_entries_by_due_state ON queue_entries (role, agency, due_at, code, state);
DROP INDEX queue_entries_by_state;

-- A clerk's listing of their agency's dossiers, newest first.
CREATE INDEX dossiers_by_agency ON dossiers (agency, code DESC);

-- Idempotency keys of POST requests, per caller. `response` is NULL while the
-- first request with the key is still running (or was cut off by a crash; it
-- is then reported as in doubt, never run again).
CREATE TABLE idempotency_keys (
  user_id     TEXT    NOT NULL,
  key         TEXT    NOT NULL,
  fingerprint TEXT    NOT NULL,
  response    TEXT,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
