-- 0018_feed_retention.sql: outbox rows are deleted after a retention period
-- (issue 18: they were two fifths of the database, about 1,270 bytes of
-- payload per row and two rows per dossier).
--
-- What stays true for readers of the feed (0005_feed_delivery.sql):
--  - Ids are never handed out again. SQLite gives a new row max(rowid) + 1,
--    so the newest row is never deleted: the trigger below refuses it.
--  - Rows go in id order. `pruned_through` is the highest id of the deleted
--    prefix: every row at or below it is gone, except rows a dead letter
--    names (kept for feed_dead_letters' topic and agency). A reader whose
--    cursor is below it has missed rows, and is told so (410, feed_pruned);
--    a reader at or above it misses nothing.
--  - Rows above `pruned_through` are never deleted, so the watermark is
--    raised first, in the same transaction. A row deleted by hand without
--    raising it is refused, and raising it by hand is what tells readers.
CREATE TABLE outbox_retention (
  singleton      INTEGER PRIMARY KEY CHECK (singleton = 1),
  pruned_through INTEGER NOT NULL CHECK (pruned_through >= 0)
);
INSERT INTO outbox_retention (singleton, pruned_through) VALUES (1, 0);

CREATE TRIGGER outbox_retention_no_delete BEFORE DELETE ON outbox_retention
BEGIN
  SELECT RAISE(ABORT, 'the outbox retention watermark is kept');
END;

-- It only moves up, and stays below the newest row's id, so that a row
-- inserted later is always above it.
CREATE TRIGGER outbox_retention_only_up BEFORE UPDATE ON outbox_retention
WHEN NEW.pruned_through < OLD.pruned_through OR NEW.singleton <> 1
  OR (NEW.pruned_through > OLD.pruned_through
      AND NEW.pruned_through >= (SELECT coalesce(max(id), 0) FROM outbox))
BEGIN
  SELECT RAISE(ABORT, 'the outbox retention watermark only moves up, below the newest row');
END;

DROP TRIGGER outbox_no_delete;

CREATE TRIGGER outbox_delete_below_watermark BEFORE DELETE ON outbox
WHEN OLD.id > (SELECT pruned_through FROM outbox_retention WHERE singleton = 1)
  OR OLD.id >= (SELECT max(id) FROM outbox)
BEGIN
  SELECT RAISE(ABORT, 'outbox rows are deleted only below the retention watermark, never the newest');
END;
