-- 0014_event_authentication.sql: every event records how its actor
-- authenticated (engine/domain/dossier.h, AuthMethod).
--
-- actor_auth_method is the method's wire name ("system", "cli",
-- "bearer_token", "oidc_session", "demo_session"); actor_identity_provider
-- names the OpenID Provider of an "oidc_session", else NULL. Rows written
-- before this migration keep NULL in both: they recorded no method, and their
-- hash covers none (engine/sqlite/audit_chain.h). Adding columns is no update
-- of a row, so the append-only triggers stand.
ALTER TABLE events ADD COLUMN actor_auth_method TEXT;
ALTER TABLE events ADD COLUMN actor_identity_provider TEXT;
