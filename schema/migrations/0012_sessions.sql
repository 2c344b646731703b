-- 0012_sessions.sql: browser sessions (engine/domain/session_store.h).
--
-- A session is known only by the SHA-256 (hex) of its secret, which lives in
-- the browser's cookie; a copy of the database lets nobody in. last_seen_at
-- is written at most once a minute per session (SessionStore::Touch), so a
-- request does not cost a write. Ending a session (logout, a disabled user)
-- bumps the identity generation like a token revocation does.

CREATE TABLE sessions (
  session_hash      TEXT PRIMARY KEY,
  user_id           TEXT    NOT NULL REFERENCES users (id),
  auth_method       TEXT    NOT NULL,  -- 'oidc_session' or 'demo_session'
  identity_provider TEXT    NOT NULL,  -- '' for the demo sign-in
  created_at        INTEGER NOT NULL,
  last_seen_at      INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,  -- the absolute end
  ended_at          INTEGER
);

-- Open sessions of a user, for ending them all when the user is disabled.
CREATE INDEX sessions_open_by_user ON sessions (user_id) WHERE ended_at IS NULL;

CREATE TRIGGER identity_generation_on_session_end AFTER UPDATE OF ended_at ON sessions
BEGIN
  UPDATE identity_generation SET generation = generation + 1 WHERE id = 1;
END;
