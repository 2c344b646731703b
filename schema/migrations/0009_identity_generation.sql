-- 0009_identity_generation.sql: a counter that every revocation and every
-- change to a user bumps, whoever writes it (the server, or `motcua token
-- revoke` in another process). The token service reads it on each use of a
-- cached authentication, so a revoked token or a disabled user stops working
-- at once instead of when the cache entry expires.

CREATE TABLE identity_generation (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL
);

INSERT INTO identity_generation (id, generation) VALUES (1, 0);

CREATE TRIGGER identity_generation_on_token_update AFTER UPDATE ON tokens
BEGIN
  UPDATE identity_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER identity_generation_on_token_delete AFTER DELETE ON tokens
BEGIN
  UPDATE identity_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER identity_generation_on_user_update AFTER UPDATE ON users
BEGIN
  UPDATE identity_generation SET generation = generation + 1 WHERE id = 1;
END;

CREATE TRIGGER identity_generation_on_user_delete AFTER DELETE ON users
BEGIN
  UPDATE identity_generation SET generation = generation + 1 WHERE id = 1;
END;
