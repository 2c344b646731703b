-- 0021_queue_entries_without_rowid.sql: a queue entry is written into two
-- B-trees instead of four (issue 18). Every transition deletes its dossier's
-- entries and inserts the new ones, so each B-tree an entry lives in is two
-- more page edits per transition.
--
-- As a rowid table, an entry lived in the table, in the automatic index of
-- its primary key (role, agency, due_at, code), in queue_entries_by_due_state
-- (the same key plus state, to filter a queue page by state without reading
-- the table) and in queue_entries_by_code. WITHOUT ROWID, the table is
-- ordered by the primary key and holds state and the glance columns itself:
-- a queue page, filtered by state or not, is one range of the table, and
-- queue_entries_by_code still finds a dossier's entries to replace them.
CREATE TABLE queue_entries_0021 (
  role         TEXT    NOT NULL,
  agency       TEXT    NOT NULL,
  due_at       INTEGER NOT NULL,
  code         TEXT    NOT NULL,
  state        TEXT    NOT NULL,
  escalated    INTEGER,
  paused_since INTEGER,
  PRIMARY KEY (role, agency, due_at, code)
) WITHOUT ROWID;
INSERT INTO queue_entries_0021 (role, agency, due_at, code, state, escalated, paused_since)
  SELECT role, agency, due_at, code, state, escalated, paused_since FROM queue_entries;
DROP TABLE queue_entries;
ALTER TABLE queue_entries_0021 RENAME TO queue_entries;
CREATE INDEX queue_entries_by_code ON queue_entries (code);
