-- 0006_report_facts.sql: one row of report facts per dossier
-- (engine/domain/report_facts.h), written in the same transaction as every
-- CreateDossier and CommitTransition, so that reports aggregate these rows
-- instead of replaying histories.
--
-- No backfill: dossiers created before this migration get their row on their
-- next transition; until then reports do not count them. (Computing facts
-- needs the workflow and calendar, which SQL does not have.)
--
-- The table is clustered by (agency, submitted_at): every report reads one
-- agency's dossiers submitted in a period, which is then one contiguous range
-- of the table. A dossier's agency and submission time never change. Instants
-- are UTC seconds; booleans 0/1.
CREATE TABLE report_facts (
  agency               TEXT    NOT NULL,
  submitted_at         INTEGER NOT NULL,
  dossier_code         TEXT    NOT NULL,
  procedure_code       TEXT    NOT NULL,
  submitted_month      TEXT    NOT NULL,  -- 'YYYY-MM' in legal time (UTC+7)
  received_at          INTEGER,
  submitted_online     INTEGER NOT NULL,
  finished_at          INTEGER,
  outcome              TEXT,              -- approved, refused, withdrawn, stopped, not_received
  due_at               INTEGER,
  paused_at            INTEGER,           -- start of the open pause, if paused
  timeliness           TEXT,              -- early, on_time, late; finished and received only
  counts_late_in_index INTEGER NOT NULL,
  fully_online         INTEGER NOT NULL,
  fee_bearing          INTEGER NOT NULL,
  paid_online          INTEGER NOT NULL,
  has_result           INTEGER NOT NULL,
  electronic_result    INTEGER NOT NULL,
  documents_total      INTEGER NOT NULL,
  documents_digitized  INTEGER NOT NULL,
  rating               INTEGER,           -- satisfaction 1-5; NULL until ratings exist
  PRIMARY KEY (agency, submitted_at, dossier_code)
) WITHOUT ROWID;

-- Rewriting a dossier's row finds it by code.
CREATE UNIQUE INDEX report_facts_by_code ON report_facts (dossier_code);
-- Reports of one procedure of an agency.
CREATE INDEX report_facts_by_procedure ON report_facts (agency, procedure_code, submitted_at);
