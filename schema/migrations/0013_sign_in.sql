-- 0013_sign_in.sql: OpenID Connect sign-in (engine/domain/sign_in_store.h).
--
-- login_attempts: one row per authorization request sent to a provider, kept
-- until the callback uses it (used_at, set once by a conditional update) or it
-- is pruned after it expired. Only hashes of the browser-held values are
-- kept: the state and the login-cookie binding are SHA-256 hex, so a copy of
-- the database cannot complete anyone's sign-in. The nonce and the PKCE
-- verifier are the server's own and only go to the provider.
CREATE TABLE login_attempts (
  state_hash    TEXT    PRIMARY KEY,
  provider      TEXT    NOT NULL,
  nonce         TEXT    NOT NULL,
  code_verifier TEXT    NOT NULL,
  binding_hash  TEXT    NOT NULL,
  return_to     TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  used_at       INTEGER
) WITHOUT ROWID;

CREATE INDEX login_attempts_by_age ON login_attempts (created_at);

-- external_identities: which motcua user a provider's (issuer, subject) is.
-- A user has at most one identity per provider.
CREATE TABLE external_identities (
  issuer     TEXT    NOT NULL,
  subject    TEXT    NOT NULL,
  user_id    TEXT    NOT NULL,
  provider   TEXT    NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (issuer, subject),
  UNIQUE (user_id, provider)
) WITHOUT ROWID;
