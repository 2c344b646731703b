-- 0001_initial.sql: the first schema of the durable DossierStore.
--
-- Conventions: instants are integer UTC seconds; JSON values are stored as
-- text (nlohmann dump()); identifiers are text. Migrations are numbered files,
-- embedded into the motcua binary at build time and applied in order at open,
-- each inside one transaction, recorded in schema_migrations.
-- Tables keep their rowid: SQLite 3.40's PRAGMA integrity_check wrongly reports
-- "NULL value in <table>.<column>" for NOT NULL columns of WITHOUT ROWID tables.

CREATE TABLE IF NOT EXISTS schema_migrations (
  version    INTEGER PRIMARY KEY,
  applied_at INTEGER NOT NULL
);

-- Published workflow definitions; versions of a procedure count from 1.
CREATE TABLE definitions (
  procedure_code TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  content_hash   TEXT    NOT NULL,
  document       TEXT    NOT NULL,
  published_at   INTEGER NOT NULL,
  published_by   TEXT    NOT NULL,
  PRIMARY KEY (procedure_code, version)
);

-- The last daily sequence number handed out per agency and local day
-- (day as yyyy-mm-dd).
CREATE TABLE dossier_sequences (
  agency TEXT    NOT NULL,
  day    TEXT    NOT NULL,
  last   INTEGER NOT NULL,
  PRIMARY KEY (agency, day)
);

-- The current state of every dossier. Its history lives in `events`.
CREATE TABLE dossiers (
  code               TEXT PRIMARY KEY,
  procedure_code     TEXT    NOT NULL,
  definition_version INTEGER NOT NULL,
  applicant_id       TEXT    NOT NULL,
  agency             TEXT    NOT NULL,
  state              TEXT    NOT NULL,
  national_status    INTEGER NOT NULL,
  version            INTEGER NOT NULL,
  assignee           TEXT,
  received_at        INTEGER,
  due_at             INTEGER,
  finished_at        INTEGER,
  clock_json         TEXT    NOT NULL,  -- {"paused": [...], "extensions": [...]}
  form_json          TEXT    NOT NULL,
  documents_json     TEXT    NOT NULL,  -- {"key": "sha256", ...}
  result_document    TEXT,
  signatures_json    TEXT    NOT NULL,
  updated_at         INTEGER NOT NULL
);

CREATE INDEX dossiers_by_applicant ON dossiers (applicant_id, code DESC);

-- The work queues: one row per queue role of the dossier's current state,
-- replaced on every transition. `due_at` holds 9223372036854775807 when the
-- dossier has no due date, so that such rows sort last.
CREATE TABLE queue_entries (
  role   TEXT    NOT NULL,
  agency TEXT    NOT NULL,
  state  TEXT    NOT NULL,
  due_at INTEGER NOT NULL,
  code   TEXT    NOT NULL,
  PRIMARY KEY (role, agency, due_at, code)
);

CREATE INDEX queue_entries_by_state ON queue_entries (role, agency, state, due_at, code);
CREATE INDEX queue_entries_by_code ON queue_entries (code);

-- Content-addressed documents: `id` is the SHA-256 of `bytes`, stored once.
CREATE TABLE documents (
  id         TEXT PRIMARY KEY,
  size       INTEGER NOT NULL,
  media_type TEXT    NOT NULL,
  bytes      BLOB    NOT NULL
);

-- The audit log: every event of every dossier, append-only, hash-chained per
-- dossier (hash = SHA-256 of the canonical event, "\n", previous_hash).
CREATE TABLE events (
  sequence      INTEGER PRIMARY KEY,
  dossier_code  TEXT    NOT NULL,
  idx           INTEGER NOT NULL,
  action        TEXT    NOT NULL,
  from_state    TEXT    NOT NULL,
  to_state      TEXT    NOT NULL,
  actor_id      TEXT    NOT NULL,
  actor_roles   TEXT    NOT NULL,  -- JSON array
  actor_agency  TEXT    NOT NULL,
  at            INTEGER NOT NULL,
  step          TEXT    NOT NULL,
  channel       INTEGER,           -- national channel code, NULL when not applicant-facing
  payload       TEXT    NOT NULL,
  previous_hash TEXT    NOT NULL,
  hash          TEXT    NOT NULL,
  UNIQUE (dossier_code, idx)
);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
  SELECT RAISE(ABORT, 'events are append-only');
END;

-- Rows for the national-portal sync feed, written with the transition.
CREATE TABLE outbox (
  id         INTEGER PRIMARY KEY,
  topic      TEXT    NOT NULL,
  payload    TEXT    NOT NULL,
  created_at INTEGER NOT NULL
);
