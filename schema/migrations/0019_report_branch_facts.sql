-- 0019_report_branch_facts.sql: one row of report facts per fork branch of a
-- dossier (BranchReportFacts, engine/domain/report_facts.h), for the agency
-- that handled the branch. They are rewritten in the same transaction as
-- every transition of a dossier that forked, so that an agency's on-time
-- figure for the branches it handled on other agencies' dossiers counts only
-- its own branch's time.
--
-- No backfill: a dossier that forked before this migration gets its rows on
-- its next transition.
--
-- Clustered by (agency, started_at): a report reads one agency's branches
-- started in a period. Instants are UTC seconds; booleans 0/1.
CREATE TABLE report_branch_facts (
  agency         TEXT    NOT NULL,
  started_at     INTEGER NOT NULL,
  dossier_code   TEXT    NOT NULL,
  branch         TEXT    NOT NULL,
  procedure_code TEXT    NOT NULL,
  finished_at    INTEGER,
  outcome        TEXT,              -- approved, refused; once the branch ended
  due_at         INTEGER,           -- the running branch's current step
  late           INTEGER NOT NULL,
  PRIMARY KEY (agency, started_at, dossier_code, branch)
) WITHOUT ROWID;

-- Rewriting a dossier's rows finds them by code.
CREATE INDEX report_branch_facts_by_dossier ON report_branch_facts (dossier_code);
