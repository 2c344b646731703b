// pg_report_tables.h: the PostgreSQL side of reports (report_facts.h,
// report_query.h):
//  - report_facts: one row per dossier, its latest ReportFacts;
//  - report_branch_facts: one row per fork branch of a dossier, by the agency
//    that handled it (BranchReportFacts).
//
// Unlike SQLite there is no report_daily rollup, for now: a report reads the
// facts rows its query matches (agency, procedure, submission period in SQL)
// and counts them with CountFacts / CountBranchFacts, grouped as the
// in-memory store groups them, so the answer is the reference one by
// construction. A rollup row per agency and day would be written by every
// transition in that day, from every engine process: a lock all of them wait
// on.
//
// Several processes write at once: every write is one upsert or a
// delete-then-insert of the dossier's own rows, and nothing is cached in the
// process. Writes run inside the pool's write transaction (pg_pool.h),
// queries inside its read transaction (one snapshot).
#pragma once

#include <string>
#include <vector>

#include "engine/domain/report_facts.h"
#include "engine/domain/report_query.h"
#include "engine/domain/status.h"
#include "engine/postgres/pg_connection.h"

namespace motcua {

// Writes `facts` as its dossier's report row, replacing the previous one (one
// upsert on dossier_code). Runs inside the caller's write transaction.
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
// report row yet, in one statement; `written` says whether it did. kNotFound
// for a dossier that does not exist. Runs inside the caller's write
// transaction.
Status AddMissingReportFactsRow(PgConnection& db, const ReportFacts& facts, bool& written);

}  // namespace motcua
