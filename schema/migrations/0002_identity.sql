-- 0002_identity.sql: users and bearer tokens.
--
-- Tokens are stored only as the SHA-256 (hex) of the secret handed out once,
-- so a copy of the database does not let anyone log in.

CREATE TABLE users (
  id                      TEXT PRIMARY KEY,  -- citizen ID for applicants, login for staff
  name                    TEXT    NOT NULL,
  roles                   TEXT    NOT NULL,  -- JSON array
  agency                  TEXT    NOT NULL,  -- '' for applicants
  certificate_fingerprint TEXT,
  disabled                INTEGER NOT NULL DEFAULT 0,
  created_at              INTEGER NOT NULL
);

CREATE INDEX users_by_agency ON users (agency, id);

CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id    TEXT    NOT NULL REFERENCES users (id),
  label      TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER
);

CREATE INDEX tokens_by_user ON tokens (user_id);
