-- 0021_queue_entries.sql: nothing changes in PostgreSQL.
--
-- SQLite's 0021 (schema/migrations/0021_queue_entries_without_rowid.sql)
-- stores each queue entry in two B-trees instead of four. PostgreSQL has no
-- table ordered by its key, so it keeps its heap, its primary key and its two
-- indexes. The number keeps both histories in step: `motcua copy` and every
-- node compare schema versions across the two stores.
SELECT 1;
