-- 0022_events_without_previous_hash.sql: an event no longer stores the hash
-- of the event before it (issue 18: 64 characters per event, about 350 bytes
-- per dossier). That hash is the previous row's `hash`; readers take it from
-- there (engine/storage/column_codec.h, LinkPreviousHashes), and `audit
-- verify` recomputes every hash over the one before it as it reads them, so
-- the chain proves as much as before. Dropping a column rewrites the rows
-- without it but runs no UPDATE, so the append-only triggers stand.
ALTER TABLE events DROP COLUMN previous_hash;
