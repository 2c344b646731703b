-- 0008_report_rollup.sql: report counts pre-summed per day, so that a report
-- over a year at a million dossiers reads a few hundred rows
-- (engine/sqlite/report_tables.h), and reuse of digitized documents.
--
-- report_daily holds report_query.h's CountSettledFacts summed per agency,
-- UTC day of submission ("bucket" = submitted_at / 86400), procedure and
-- legal month of submission (a UTC day can straddle two legal months). The
-- writer adjusts it in the same transaction as every report_facts write.
-- motcua fills it from report_facts when it opens a database where it is
-- empty, so this migration leaves it empty.
ALTER TABLE report_facts ADD COLUMN documents_reused INTEGER NOT NULL DEFAULT 0;

CREATE TABLE report_daily (
  agency               TEXT    NOT NULL,
  bucket               INTEGER NOT NULL,
  procedure_code       TEXT    NOT NULL,
  submitted_month      TEXT    NOT NULL,
  dossiers             INTEGER NOT NULL DEFAULT 0,
  received             INTEGER NOT NULL DEFAULT 0,
  finished             INTEGER NOT NULL DEFAULT 0,
  finished_early       INTEGER NOT NULL DEFAULT 0,
  finished_on_time     INTEGER NOT NULL DEFAULT 0,
  finished_late        INTEGER NOT NULL DEFAULT 0,
  in_progress_on_time  INTEGER NOT NULL DEFAULT 0,
  in_progress_overdue  INTEGER NOT NULL DEFAULT 0,
  submitted_online     INTEGER NOT NULL DEFAULT 0,
  fully_online         INTEGER NOT NULL DEFAULT 0,
  fee_bearing          INTEGER NOT NULL DEFAULT 0,
  paid_online          INTEGER NOT NULL DEFAULT 0,
  results              INTEGER NOT NULL DEFAULT 0,
  electronic_results   INTEGER NOT NULL DEFAULT 0,
  documents_total      INTEGER NOT NULL DEFAULT 0,
  documents_digitized  INTEGER NOT NULL DEFAULT 0,
  documents_reused     INTEGER NOT NULL DEFAULT 0,
  approved             INTEGER NOT NULL DEFAULT 0,
  refused              INTEGER NOT NULL DEFAULT 0,
  not_received         INTEGER NOT NULL DEFAULT 0,
  withdrawn            INTEGER NOT NULL DEFAULT 0,
  stopped              INTEGER NOT NULL DEFAULT 0,
  ratings              INTEGER NOT NULL DEFAULT 0,
  rating_sum           INTEGER NOT NULL DEFAULT 0,
  ratings_satisfied    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (agency, bucket, procedure_code, submitted_month)
) WITHOUT ROWID;

-- The dossiers whose overdue verdict depends on "now" (IsOpenInProgress):
-- received, not finished, not already late. A report counts those overdue at
-- its own "now" from this index; the WHERE clause must stay word for word as
-- kOpenInProgress in report_tables.cc for SQLite to use it.
CREATE INDEX report_facts_open ON report_facts
  (agency, submitted_at, due_at, paused_at, procedure_code, submitted_month)
  WHERE received_at IS NOT NULL AND finished_at IS NULL AND counts_late_in_index = 0;
