-- 0005_feed_delivery.sql: the national-portal sync feed over the outbox, and
-- the durable state of pushing it to a webhook.

-- Outbox rows are filed under the agency of the dossier they are about, so
-- that an agency's sync account reads only its own rows. Rows written before
-- this migration carried the agency in their payload.
ALTER TABLE outbox ADD COLUMN agency TEXT NOT NULL DEFAULT '';
UPDATE outbox SET agency = COALESCE(json_extract(payload, '$.agency'), '')
  WHERE json_valid(payload);
CREATE INDEX outbox_by_agency ON outbox (agency, id);

-- The feed's cursor is the outbox id (INTEGER PRIMARY KEY, i.e. the rowid:
-- max(rowid) + 1 at insert). Only one connection writes at a time and rows
-- commit in insert order, so ids grow in commit order; deleting the newest row
-- could let SQLite hand its id out again, which would make a reader that
-- already passed it miss the new row. Rows are therefore never changed or
-- deleted.
CREATE TRIGGER outbox_no_update BEFORE UPDATE ON outbox
BEGIN
  SELECT RAISE(ABORT, 'outbox rows are append-only');
END;

CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
BEGIN
  SELECT RAISE(ABORT, 'outbox rows are append-only');
END;

-- How far the webhook pusher got: the id of the last outbox row it is done
-- with (acknowledged by the receiver, or dead-lettered). One row per
-- subscriber; today the only subscriber is 'webhook'.
CREATE TABLE feed_delivery (
  subscriber        TEXT PRIMARY KEY,
  last_delivered_id INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);

-- Outbox rows the pusher gave up on after `attempts` failed deliveries.
CREATE TABLE feed_dead_letters (
  subscriber TEXT    NOT NULL,
  entry_id   INTEGER NOT NULL,
  attempts   INTEGER NOT NULL,
  last_error TEXT    NOT NULL,
  failed_at  INTEGER NOT NULL,
  PRIMARY KEY (subscriber, entry_id)
);
