-- 0020_report_rollup.sql: report counts pre-summed per day, as SQLite has
-- kept them since its 0008 (engine/storage/report_rollup.h), so that a report
-- over a year reads a few hundred rows instead of every dossier.
--
-- Several nodes write at once, and every transition of a day's dossiers
-- would update the same row of report_daily, each holding its lock until
-- its commit. So a write appends what it changes to report_daily_changes,
-- which nobody updates, and the node holding the background lease folds
-- those rows into report_daily at each sweep (FoldReportChanges). A report
-- sums both tables; it reads the same before and after a fold.
--
-- A database that already holds report facts gets its counts built from
-- them when a node of this version opens it (pg_report_tables.h,
-- EnsureReportRollup), as SQLite does.
CREATE TABLE report_daily (
  agency               text COLLATE "C" NOT NULL,
  bucket               bigint NOT NULL,
  procedure_code       text COLLATE "C" NOT NULL,
  submitted_month      text COLLATE "C" NOT NULL,
  dossiers             bigint NOT NULL DEFAULT 0,
  received             bigint NOT NULL DEFAULT 0,
  finished             bigint NOT NULL DEFAULT 0,
  finished_early       bigint NOT NULL DEFAULT 0,
  finished_on_time     bigint NOT NULL DEFAULT 0,
  finished_late        bigint NOT NULL DEFAULT 0,
  in_progress_on_time  bigint NOT NULL DEFAULT 0,
  in_progress_overdue  bigint NOT NULL DEFAULT 0,
  submitted_online     bigint NOT NULL DEFAULT 0,
  fully_online         bigint NOT NULL DEFAULT 0,
  fee_bearing          bigint NOT NULL DEFAULT 0,
  paid_online          bigint NOT NULL DEFAULT 0,
  results              bigint NOT NULL DEFAULT 0,
  electronic_results   bigint NOT NULL DEFAULT 0,
  documents_total      bigint NOT NULL DEFAULT 0,
  documents_digitized  bigint NOT NULL DEFAULT 0,
  documents_reused     bigint NOT NULL DEFAULT 0,
  population_data      bigint NOT NULL DEFAULT 0,
  approved             bigint NOT NULL DEFAULT 0,
  refused              bigint NOT NULL DEFAULT 0,
  not_received         bigint NOT NULL DEFAULT 0,
  withdrawn            bigint NOT NULL DEFAULT 0,
  stopped              bigint NOT NULL DEFAULT 0,
  ratings              bigint NOT NULL DEFAULT 0,
  rating_sum           bigint NOT NULL DEFAULT 0,
  ratings_satisfied    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (agency, bucket, procedure_code, submitted_month)
);

-- The same columns, types and defaults; no key: rows are only appended and
-- deleted.
CREATE TABLE report_daily_changes (LIKE report_daily INCLUDING DEFAULTS);

-- A report reads the changes not yet folded by agency and day, as it reads
-- report_daily. With 300,000 of them (a minute at 5,000 transitions/s), one
-- agency's one-year report took 75 ms without this index and 10 ms with it
-- (psql, 100,000 dossiers); at 1,000,000 dossiers, 32 ms at p99 with it
-- (tools/bench_reports --postgres URI --unfolded 300000).
CREATE INDEX report_daily_changes_by_agency ON report_daily_changes (agency, bucket);

-- The dossiers whose overdue verdict depends on "now" (IsOpenInProgress):
-- received, not finished, not already late. A report counts those overdue at
-- its own "now" from this index.
CREATE INDEX report_facts_open ON report_facts
  (agency, submitted_at, due_at, paused_at, procedure_code, submitted_month)
  WHERE received_at IS NOT NULL AND finished_at IS NULL AND counts_late_in_index = 0;
