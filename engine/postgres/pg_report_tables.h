// pg_report_tables.h: the PostgreSQL side of reports (report_facts.h,
// report_query.h):
//  - report_facts: one row per dossier, its latest ReportFacts;
//  - report_branch_facts: one row per fork branch of a dossier, by the agency
//    that handled it (BranchReportFacts).
//
//  - report_daily: the facts' counts pre-summed per agency, day of
//    submission, procedure and month (engine/storage/report_rollup.h), as
//    SQLite keeps them;
//  - report_daily_changes: what writes add to report_daily, appended. Every
//    transition of a day's dossiers would otherwise update one report_daily
//    row from every engine process, each holding its lock until its commit.
//    FoldReportChanges moves them into report_daily; reports sum both.
//
// Several processes write at once: every write is one upsert or a
// delete-then-insert of the dossier's own rows, and nothing is cached in the
// process. Writes run inside the pool's write transaction (pg_pool.h),
// queries inside its read transaction (one snapshot).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/domain/report_facts.h"
#include "engine/domain/report_query.h"
#include "engine/domain/status.h"
#include "engine/postgres/pg_connection.h"
#include "engine/storage/report_rollup.h"

namespace motcua {

// The transaction-level advisory lock EnsureReportRollup holds.
inline constexpr std::int64_t kReportRollupLockKey = 0x6d6f7463756172;  // "motcuar"

// Writes `facts` as its dossier's report row, replacing the previous one
// (read in the same statement), and appends the roll-up changes between the
// two. Runs inside the caller's write transaction, after the dossier's row
// was written (its lock orders the writers of one dossier's facts).
Status WriteReportFacts(PgConnection& db, const ReportFacts& facts);

// Replaces the branch report rows of the dossier `rows` name (all the same
// one; nothing happens when empty) with `rows`: deletes them, then inserts.
// Call it in the write transaction that updated the dossier (UpdateDossier,
// pg_dossier_tables.h): that row lock keeps two writers of one dossier's
// branch rows apart.
Status WriteBranchReportFacts(PgConnection& db, const std::vector<BranchReportFacts>& rows);
// CountBranchFacts over the branch rows matching `query`, judged at
// `query.now`, in the caller's read transaction. `query.to > query.from` is
// the caller's check.
Result<BranchReportCounts> QueryBranchReport(PgConnection& db, const BranchReportQuery& query);
// CountFacts over the facts rows matching `query`, judged at `query.now`: one
// ReportGroup per group key with at least one dossier, by key (byte order),
// in the caller's read transaction. `query.to > query.from` is the caller's
// check.
Result<std::vector<ReportGroup>> QueryReport(PgConnection& db, const ReportQuery& query);

// Codes of dossiers without a report_facts row, after `after_code` by code
// (byte order), at most `limit`; in the caller's read transaction.
Result<std::vector<std::string>> QueryDossiersWithoutFacts(PgConnection& db,
                                                           const std::string& after_code,
                                                           int limit);

// Writes `facts` (as WriteReportFacts) only if its dossier exists and has no
// report row yet; `written` says whether it did. kNotFound for a dossier that
// does not exist. Runs inside the caller's write transaction.
Status AddMissingReportFactsRow(PgConnection& db, const ReportFacts& facts, bool& written);

// Moves every committed report_daily_changes row into report_daily, in one
// statement; returns how many it moved. Runs inside the caller's write
// transaction. Several may run at once.
Result<std::int64_t> FoldRollupChanges(PgConnection& db);

// Builds report_daily from report_facts when both roll-up tables are empty
// but facts exist: a database migrated to 0020 that already held facts (every
// facts write appends a change, so no writer of this version leaves that
// state). Takes kReportRollupLockKey and a SHARE lock on report_facts only
// when it builds. Runs inside the caller's write transaction.
Status EnsureReportRollup(PgConnection& db);

// For `motcua audit verify`, in the caller's read transaction: the roll-up
// as stored (report_daily with report_daily_changes not folded yet, summed
// per key), and what the report_facts rows sum to.
Result<RollupSums> ReadStoredRollup(PgConnection& db);
Result<RollupSums> SumRollupFromFacts(PgConnection& db);

}  // namespace motcua
