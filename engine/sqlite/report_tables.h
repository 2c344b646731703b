// report_tables.h: the SQLite side of reports (report_facts.h,
// report_query.h): one facts row per dossier, and counts pre-summed per day.
//
// Tables (migrations 0006, 0008 and 0019):
//  - report_facts: one row per dossier, its latest ReportFacts;
//  - report_daily: CountSettledFacts summed per agency, procedure, month of
//    submission and "bucket" (the UTC day of submission, submitted_at / 86400;
//    engine/storage/report_rollup.h). It is kept in step with report_facts in
//    the same transaction (one writer), so that a report over a year reads a
//    few hundred rows instead of every dossier;
//  - report_branch_facts: one row per fork branch of a dossier, by the
//    agency that handled it (BranchReportFacts), counted row by row: branches
//    are a small share of all dossiers.
//
// A report over [from, to) reads:
//  - report_daily for the whole buckets inside [from, to);
//  - report_facts rows for the partial buckets at either end (CountFacts);
//  - over the whole buckets, the "open" dossiers (IsOpenInProgress) that are
//    overdue at the query's "now", through a partial index of open rows only,
//    and moves them to in_progress_overdue (JudgeOverdue).
// The answer equals CountFacts over every matching facts row; the store
// contract test holds the SQLite store to the in-memory one, which does just
// that.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/domain/report_facts.h"
#include "engine/domain/report_query.h"
#include "engine/domain/status.h"
#include "engine/sqlite/sqlite_db.h"
#include "engine/storage/report_rollup.h"

namespace motcua {

// The report row the writer last wrote for each dossier, as stored, so that
// rewriting it need not read it back. Writer thread only. It describes what
// the writer connection sees: Clear() it when that view loses rows (the
// pool's `view_lost`: a savepoint rolled back, a transaction lost, another
// connection's commit). Bounded: when full it is cleared, and rows are read
// again.
class KnownReportFacts {
 public:
  const ReportFacts* Find(const std::string& dossier_code) const;
  // Keeps `facts` as the row stores them (times in whole seconds).
  void Put(const ReportFacts& facts);
  void Clear() { rows_.clear(); }

 private:
  static constexpr std::size_t kMaxEntries = 1 << 14;
  std::unordered_map<std::string, ReportFacts> rows_;
};

// Writes `facts` as its dossier's report row, replacing the previous one,
// and adjusts report_daily by the difference. The previous row comes from
// `known` when it has it, else from the table; `known` then holds `facts`.
// Runs inside the caller's write transaction.
Status WriteReportFacts(SqliteConnection& db, KnownReportFacts& known, const ReportFacts& facts);

// Rebuilds report_daily from report_facts when report_daily is empty but
// facts exist: a database migrated to 0008 with facts written before it. A
// facts row always adds one dossier to report_daily, so a non-empty
// report_facts with an empty report_daily is never a state the writer leaves.
// Runs its own write transaction.
Status EnsureReportRollup(SqliteConnection& db);

// For `motcua audit verify`, in the caller's read transaction on `db`: the
// roll-up rows as stored, and what the report_facts rows sum to.
Result<RollupSums> ReadStoredRollup(sqlite3* db);
Result<RollupSums> SumRollupFromFacts(sqlite3* db);

// Replaces the branch report rows of the dossier `rows` name (all the same
// one, non-empty) with `rows`, in the caller's write transaction.
Status WriteBranchReportFacts(SqliteConnection& db, const std::vector<BranchReportFacts>& rows);
// CountBranchFacts over the branch rows matching `query`, in SQL, in the
// caller's read transaction. `query.to > query.from` is the caller's check.
Result<BranchReportCounts> QueryBranchReport(SqliteConnection& db, const BranchReportQuery& query);
// One ReportGroup per group key with at least one dossier, by key, in the
// caller's read transaction. `query.to > query.from` is the caller's check.
Result<std::vector<ReportGroup>> QueryReport(SqliteConnection& db, const ReportQuery& query);

// Codes of dossiers without a report_facts row, after `after_code` by code,
// at most `limit`; in the caller's read transaction.
Result<std::vector<std::string>> QueryDossiersWithoutFacts(SqliteConnection& db,
                                                           const std::string& after_code,
                                                           int limit);

// Writes `facts` (as WriteReportFacts) only if its dossier exists and has no
// report row yet; `written` says whether it did. kNotFound for an unknown
// dossier. Runs inside the caller's write transaction.
Status AddMissingReportFactsRow(SqliteConnection& db, KnownReportFacts& known,
                                const ReportFacts& facts, bool& written);

}  // namespace motcua
