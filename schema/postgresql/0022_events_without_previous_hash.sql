-- 0022_events_without_previous_hash.sql: an event no longer stores the hash
-- of the event before it, as in SQLite's 0022: that hash is the previous
-- row's `hash`, which readers take from there (engine/storage/column_codec.h,
-- LinkPreviousHashes). PostgreSQL only marks the column dropped; rows written
-- from now on leave it out, and VACUUM FULL gives the space back.
ALTER TABLE events DROP COLUMN previous_hash;
