#include "engine/postgres/pg_report_tables.h"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/storage/column_codec.h"
#include "engine/storage/report_rollup.h"

namespace motcua {
namespace {

// The columns of report_facts with their types, in the order ReadFacts and
// BindFacts use. Instants are seconds, flags 0/1, outcome and timeliness
// their names (ReportOutcomeName, TimelinessName), NULL when absent.
struct FactsColumn {
  const char* name;
  const char* type;
};
constexpr FactsColumn kFactsColumns[] = {
    {"agency", "text"},
    {"submitted_at", "bigint"},
    {"dossier_code", "text"},
    {"procedure_code", "text"},
    {"submitted_month", "text"},
    {"received_at", "bigint"},
    {"submitted_online", "bigint"},
    {"finished_at", "bigint"},
    {"outcome", "text"},
    {"due_at", "bigint"},
    {"paused_at", "bigint"},
    {"timeliness", "text"},
    {"counts_late_in_index", "bigint"},
    {"fully_online", "bigint"},
    {"fee_bearing", "bigint"},
    {"paid_online", "bigint"},
    {"has_result", "bigint"},
    {"electronic_result", "bigint"},
    {"documents_total", "bigint"},
    {"documents_digitized", "bigint"},
    {"documents_reused", "bigint"},
    {"rating", "bigint"},
    {"population_data", "bigint"},
};
// dossier_code's parameter number in BindFacts' order.
constexpr int kDossierCodeParameter = 3;

// "agency, submitted_at, ..."
const std::string& FactsColumnList() {
  static const std::string list = [] {
    std::string text;
    for (const FactsColumn& column : kFactsColumns) {
      if (!text.empty()) text += ", ";
      text += column.name;
    }
    return text;
  }();
  return list;
}

// "$1, $2, ..." or, with `cast`, "$1::text, $2::bigint, ...": the types of
// parameters PostgreSQL cannot infer (a SELECT list).
std::string FactsParameters(bool cast) {
  std::string text;
  int p = 1;
  for (const FactsColumn& column : kFactsColumns) {
    if (p > 1) text += ", ";
    text += "$" + std::to_string(p++);
    if (cast) text += std::string("::") + column.type;
  }
  return text;
}

// Binds `f` as parameters $1..$23 in kFactsColumns order.
PgParams BindFacts(const ReportFacts& f) {
  PgParams params;
  params.Text(f.agency)
      .Int(ToSeconds(f.submitted_at))
      .Text(f.dossier_code)
      .Text(f.procedure_code)
      .Text(f.submitted_month)
      .OptionalInt(OptionalSeconds(f.received_at))
      .Bool(f.submitted_online)
      .OptionalInt(OptionalSeconds(f.finished_at));
  if (f.outcome) {
    params.Text(ReportOutcomeName(*f.outcome));
  } else {
    params.Null();
  }
  params.OptionalInt(OptionalSeconds(f.due_at)).OptionalInt(OptionalSeconds(f.paused_at));
  if (f.timeliness) {
    params.Text(TimelinessName(*f.timeliness));
  } else {
    params.Null();
  }
  params.Bool(f.counts_late_in_index)
      .Bool(f.fully_online)
      .Bool(f.fee_bearing)
      .Bool(f.paid_online)
      .Bool(f.has_result)
      .Bool(f.electronic_result)
      .Int(f.documents_total)
      .Int(f.documents_digitized)
      .Int(f.documents_reused)
      .OptionalInt(f.rating ? std::optional<std::int64_t>(*f.rating) : std::nullopt)
      .Bool(f.population_data);
  return params;
}

std::optional<Instant> OptionalInstant(const PgResult& rows, int row, int column) {
  if (rows.IsNull(row, column)) return std::nullopt;
  return FromSeconds(rows.Int(row, column));
}

// A nullable outcome column; kInternal (kCorruptRow) for a name
// ReportOutcomeName never gives.
Result<std::optional<ReportOutcome>> ReadOutcome(const PgResult& rows, int row, int column,
                                                 const char* column_name) {
  if (rows.IsNull(row, column)) return std::optional<ReportOutcome>();
  std::optional<ReportOutcome> outcome = ReportOutcomeFromName(rows.Text(row, column));
  if (!outcome) return CorruptColumn(column_name);
  return outcome;
}

Result<std::optional<Timeliness>> ReadTimeliness(const PgResult& rows, int row, int column) {
  if (rows.IsNull(row, column)) return std::optional<Timeliness>();
  const std::string name = rows.Text(row, column);
  for (Timeliness t : {Timeliness::kEarly, Timeliness::kOnTime, Timeliness::kLate}) {
    if (name == TimelinessName(t)) return std::optional<Timeliness>(t);
  }
  return CorruptColumn("report_facts.timeliness");
}

// Row `row` of a result that selected FactsColumnList().
Result<ReportFacts> ReadFacts(const PgResult& rows, int row) {
  ReportFacts f;
  int c = 0;
  f.agency = rows.Text(row, c++);
  f.submitted_at = FromSeconds(rows.Int(row, c++));
  f.dossier_code = rows.Text(row, c++);
  f.procedure_code = rows.Text(row, c++);
  f.submitted_month = rows.Text(row, c++);
  f.received_at = OptionalInstant(rows, row, c++);
  f.submitted_online = rows.Int(row, c++) != 0;
  f.finished_at = OptionalInstant(rows, row, c++);
  ASSIGN_OR_RETURN(f.outcome, ReadOutcome(rows, row, c++, "report_facts.outcome"));
  f.due_at = OptionalInstant(rows, row, c++);
  f.paused_at = OptionalInstant(rows, row, c++);
  ASSIGN_OR_RETURN(f.timeliness, ReadTimeliness(rows, row, c++));
  f.counts_late_in_index = rows.Int(row, c++) != 0;
  f.fully_online = rows.Int(row, c++) != 0;
  f.fee_bearing = rows.Int(row, c++) != 0;
  f.paid_online = rows.Int(row, c++) != 0;
  f.has_result = rows.Int(row, c++) != 0;
  f.electronic_result = rows.Int(row, c++) != 0;
  f.documents_total = rows.Int(row, c++);
  f.documents_digitized = rows.Int(row, c++);
  f.documents_reused = rows.Int(row, c++);
  if (std::optional<std::int64_t> rating = rows.OptionalInt(row, c++)) {
    if (*rating < std::numeric_limits<int>::min() || *rating > std::numeric_limits<int>::max()) {
      return CorruptColumn("report_facts.rating");
    }
    f.rating = static_cast<int>(*rating);
  }
  f.population_data = rows.Int(row, c++) != 0;
  return f;
}

// The columns of report_branch_facts, in the order ReadBranchFacts and
// WriteBranchReportFacts use.
constexpr const char* kBranchColumns =
    "agency, started_at, dossier_code, branch, procedure_code, finished_at, outcome, due_at, late";

Result<BranchReportFacts> ReadBranchFacts(const PgResult& rows, int row) {
  BranchReportFacts f;
  f.agency = rows.Text(row, 0);
  f.started_at = FromSeconds(rows.Int(row, 1));
  f.dossier_code = rows.Text(row, 2);
  f.branch = rows.Text(row, 3);
  f.procedure_code = rows.Text(row, 4);
  f.finished_at = OptionalInstant(rows, row, 5);
  ASSIGN_OR_RETURN(f.outcome, ReadOutcome(rows, row, 6, "report_branch_facts.outcome"));
  f.due_at = OptionalInstant(rows, row, 7);
  f.late = rows.Int(row, 8) != 0;
  return f;
}

// "dossiers, received, ...": the count columns of report_daily and
// report_daily_changes, in ReportCountFields order.
std::string CountColumns(const std::string& prefix = "", const std::string& suffix = "") {
  std::string text;
  for (const ReportCountField& field : ReportCountFields()) {
    if (!text.empty()) text += ", ";
    text += prefix + field.name + suffix;
  }
  return text;
}

constexpr const char* kRollupKeyColumns = "agency, bucket, procedure_code, submitted_month";

// Appends `changes` (one or two, RollupChanges) to report_daily_changes in
// one statement; FoldReportChanges moves them on.
Status AppendRollupChanges(PgConnection& db, const std::vector<RollupChange>& changes) {
  if (changes.empty()) return Status();
  const std::size_t per_row = 4 + ReportCountFields().size();
  std::string sql = std::string("INSERT INTO report_daily_changes (") + kRollupKeyColumns + ", " +
                    CountColumns() + ") VALUES ";
  PgParams params;
  std::size_t p = 1;
  for (std::size_t row = 0; row < changes.size(); ++row) {
    sql += row == 0 ? "(" : ", (";
    for (std::size_t column = 0; column < per_row; ++column) {
      sql += (column == 0 ? "$" : ", $") + std::to_string(p++);
    }
    sql += ")";
    const RollupChange& change = changes[row];
    params.Text(change.key.agency)
        .Int(change.key.bucket)
        .Text(change.key.procedure_code)
        .Text(change.key.submitted_month);
    for (const ReportCountField& field : ReportCountFields()) {
      params.Int(change.delta.*field.member);
    }
  }
  return db.Run(sql, params);
}

// The WHERE clause of a report over facts rows or roll-up rows, from
// parameter `first` on: `range_column` in [$first, $first+1), then the
// agency and procedure filters when the query has them. Absent filters are
// left out of the text (not "$3::text IS NULL OR ..."), so that each text
// gets a plan that uses its index.
std::string ReportFilter(const ReportQuery& query, const char* range_column, std::int64_t from,
                         std::int64_t to, PgParams& params) {
  int next = params.size() + 1;
  std::string where = std::string(" WHERE ") + range_column + " >= $" + std::to_string(next) +
                      " AND " + range_column + " < $" + std::to_string(next + 1);
  next += 2;
  params.Int(from).Int(to);
  if (query.agency) {
    where += " AND agency = $" + std::to_string(next++);
    params.Text(*query.agency);
  }
  if (query.procedure_code) {
    where += " AND procedure_code = $" + std::to_string(next++);
    params.Text(*query.procedure_code);
  }
  return where;
}

// CountFacts over every facts row submitted in [from, to).
Status CountRows(PgConnection& db, const ReportQuery& query, Instant from, Instant to,
                 ReportGroupMap& groups) {
  if (to <= from) return Status();
  PgParams params;
  const std::string sql =
      "SELECT " + FactsColumnList() + " FROM report_facts" +
      ReportFilter(query, "submitted_at", ToSeconds(from), ToSeconds(to), params);
  ASSIGN_OR_RETURN(PgResult rows, db.Exec(sql, params));
  for (int r = 0; r < rows.Rows(); ++r) {
    ASSIGN_OR_RETURN(ReportFacts facts, ReadFacts(rows, r));
    CountFacts(facts, query.now, groups[ReportGroupKey(facts, query.group_by)]);
  }
  return Status();
}

// The roll-up (folded and not yet folded) over buckets [first, end), then the
// open dossiers submitted in them that are overdue at query.now.
Status CountBuckets(PgConnection& db, const ReportQuery& query, std::int64_t first,
                    std::int64_t end, ReportGroupMap& groups) {
  if (end <= first) return Status();
  {
    PgParams params;
    const std::string where = ReportFilter(query, "bucket", first, end, params);
    const std::string select = std::string("SELECT ") + RollupGroupColumn(query.group_by) +
                               " AS group_key, " + CountColumns();
    const std::string sql = "SELECT group_key, " + CountColumns("sum(", ")::bigint") + " FROM (" +
                            select + " FROM report_daily" + where + " UNION ALL " + select +
                            " FROM report_daily_changes" + where + ") AS rollup GROUP BY 1";
    ASSIGN_OR_RETURN(PgResult rows, db.Exec(sql, params));
    for (int r = 0; r < rows.Rows(); ++r) {
      ReportCounts& counts = groups[rows.Text(r, 0)];
      int column = 1;
      for (const ReportCountField& field : ReportCountFields()) {
        counts.*field.member += rows.Int(r, column++);
      }
    }
  }
  PgParams params;
  const std::string where = ReportFilter(query, "submitted_at", ToSeconds(RollupBucketStart(first)),
                                         ToSeconds(RollupBucketStart(end)), params);
  const std::string now = "$" + std::to_string(params.size() + 1);
  params.Int(ToSeconds(query.now));
  ASSIGN_OR_RETURN(
      PgResult rows,
      db.Exec(std::string("SELECT ") + RollupGroupColumn(query.group_by) +
                  ", count(*) FROM report_facts" + where + " AND " + kOpenInProgressSql +
                  " AND paused_at IS NULL AND due_at < " + now + " GROUP BY 1",
              params));
  for (int r = 0; r < rows.Rows(); ++r) JudgeOverdue(rows.Int(r, 1), groups[rows.Text(r, 0)]);
  return Status();
}

}  // namespace

Status WriteReportFacts(PgConnection& db, const ReportFacts& facts) {
  // One statement: the row as it was (the statement's snapshot, which holds
  // the latest version: every writer of a dossier's facts holds a lock on
  // its dossier row, the transition since it updated it) and the upsert.
  static const std::string sql = [] {
    std::string updates;
    for (const FactsColumn& column : kFactsColumns) {
      if (std::string(column.name) == "dossier_code") continue;
      if (!updates.empty()) updates += ", ";
      updates += std::string(column.name) + " = excluded." + column.name;
    }
    const std::string code = "$" + std::to_string(kDossierCodeParameter);
    return "WITH previous AS (SELECT " + FactsColumnList() +
           " FROM report_facts WHERE dossier_code = " + code +
           "), written AS (INSERT INTO report_facts (" + FactsColumnList() + ") VALUES (" +
           FactsParameters(false) + ") ON CONFLICT (dossier_code) DO UPDATE SET " + updates +
           " RETURNING 1) SELECT " + FactsColumnList() + " FROM previous";
  }();
  ASSIGN_OR_RETURN(PgResult rows, db.Exec(sql, BindFacts(facts)));
  std::optional<ReportFacts> previous;
  if (rows.Rows() > 0) {
    ASSIGN_OR_RETURN(previous, ReadFacts(rows, 0));
  }
  return AppendRollupChanges(db, RollupChanges(previous, facts));
}

Status WriteBranchReportFacts(PgConnection& db, const std::vector<BranchReportFacts>& rows) {
  if (rows.empty()) return Status();
  RETURN_IF_ERROR(db.Run("DELETE FROM report_branch_facts WHERE dossier_code = $1",
                         PgParams().Text(rows.front().dossier_code)));
  static const std::string insert = std::string("INSERT INTO report_branch_facts (") +
                                    kBranchColumns +
                                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
  for (const BranchReportFacts& facts : rows) {
    PgParams params;
    params.Text(facts.agency)
        .Int(ToSeconds(facts.started_at))
        .Text(facts.dossier_code)
        .Text(facts.branch)
        .Text(facts.procedure_code)
        .OptionalInt(OptionalSeconds(facts.finished_at));
    if (facts.outcome) {
      params.Text(ReportOutcomeName(*facts.outcome));
    } else {
      params.Null();
    }
    params.OptionalInt(OptionalSeconds(facts.due_at)).Bool(facts.late);
    RETURN_IF_ERROR(db.Run(insert, params));
  }
  return Status();
}

Result<BranchReportCounts> QueryBranchReport(PgConnection& db, const BranchReportQuery& query) {
  // MatchesBranchReportQuery in SQL; the procedure filter is left out of the
  // text when absent, so that each of the two texts gets its own plan.
  PgParams params;
  params.Text(query.agency).Int(ToSeconds(query.from)).Int(ToSeconds(query.to));
  std::string sql = std::string("SELECT ") + kBranchColumns +
                    " FROM report_branch_facts"
                    " WHERE agency = $1 AND started_at >= $2 AND started_at < $3";
  if (query.procedure_code) {
    sql += " AND procedure_code = $4";
    params.Text(*query.procedure_code);
  }
  ASSIGN_OR_RETURN(PgResult rows, db.Exec(sql, params));
  BranchReportCounts counts;
  for (int r = 0; r < rows.Rows(); ++r) {
    ASSIGN_OR_RETURN(BranchReportFacts facts, ReadBranchFacts(rows, r));
    CountBranchFacts(facts, query.now, counts);
  }
  return counts;
}

Result<std::vector<ReportGroup>> QueryReport(PgConnection& db, const ReportQuery& query) {
  return RollupReport(
      query,
      [&](Instant from, Instant to, ReportGroupMap& groups) {
        return CountRows(db, query, from, to, groups);
      },
      [&](std::int64_t first, std::int64_t end, ReportGroupMap& groups) {
        return CountBuckets(db, query, first, end, groups);
      });
}

Result<std::vector<std::string>> QueryDossiersWithoutFacts(PgConnection& db,
                                                           const std::string& after_code,
                                                           int limit) {
  ASSIGN_OR_RETURN(PgResult rows,
                   db.Exec("SELECT code FROM dossiers AS d WHERE code > $1 AND NOT EXISTS"
                           " (SELECT 1 FROM report_facts AS f WHERE f.dossier_code = d.code)"
                           " ORDER BY code LIMIT $2",
                           PgParams().Text(after_code).Int(limit)));
  std::vector<std::string> codes;
  codes.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int r = 0; r < rows.Rows(); ++r) codes.push_back(rows.Text(r, 0));
  return codes;
}

Status AddMissingReportFactsRow(PgConnection& db, const ReportFacts& facts, bool& written) {
  written = false;
  // The dossier's row, share-locked: a transition of the dossier (which
  // updates it first) waits for this transaction, and then finds the row
  // written here as its previous facts; or this waits for the transition,
  // and then finds its facts row and writes nothing.
  ASSIGN_OR_RETURN(PgResult dossier, db.Exec("SELECT 1 FROM dossiers WHERE code = $1 FOR SHARE",
                                             PgParams().Text(facts.dossier_code)));
  if (dossier.Rows() == 0) {
    return Error(ErrorCode::kNotFound, "dossier " + facts.dossier_code + " does not exist");
  }
  static const std::string sql = "INSERT INTO report_facts (" + FactsColumnList() + ") VALUES (" +
                                 FactsParameters(false) + ") ON CONFLICT DO NOTHING RETURNING 1";
  ASSIGN_OR_RETURN(PgResult added, db.Exec(sql, BindFacts(facts)));
  if (added.Rows() == 0) return Status();
  written = true;
  return AppendRollupChanges(db, RollupChanges(std::nullopt, facts));
}

Result<std::int64_t> FoldRollupChanges(PgConnection& db) {
  // One statement: the rows it deletes are the rows it adds. A concurrent
  // fold waits on the deleted rows' locks and then skips them; rows
  // committed meanwhile wait for the next fold. Keys are added in order, so
  // two folds lock report_daily rows in the same order. PostgreSQL runs the
  // INSERT to completion though nothing reads its output.
  static const std::string sql = [] {
    std::string updates;
    for (const ReportCountField& field : ReportCountFields()) {
      if (!updates.empty()) updates += ", ";
      updates += std::string(field.name) + " = d." + field.name + " + excluded." + field.name;
    }
    return std::string("WITH moved AS (DELETE FROM report_daily_changes RETURNING *), ") +
           "folded AS (INSERT INTO report_daily AS d (" + kRollupKeyColumns + ", " +
           CountColumns() + ") SELECT " + kRollupKeyColumns + ", " +
           CountColumns("sum(", ")::bigint") + " FROM moved GROUP BY " + kRollupKeyColumns +
           " ORDER BY " + kRollupKeyColumns + " ON CONFLICT (" + kRollupKeyColumns +
           ") DO UPDATE SET " + updates + ") SELECT count(*) FROM moved";
  }();
  ASSIGN_OR_RETURN(PgResult rows, db.Exec(sql));
  return rows.Int(0, 0);
}

Status EnsureReportRollup(PgConnection& db) {
  constexpr const char* kNeedsBuilding =
      "SELECT NOT EXISTS (SELECT 1 FROM report_daily) AND NOT EXISTS (SELECT 1 FROM "
      "report_daily_changes) AND EXISTS (SELECT 1 FROM report_facts)";
  {
    // The usual case, counts already there or nothing to count, takes no lock.
    ASSIGN_OR_RETURN(PgResult needed, db.Exec(kNeedsBuilding));
    if (needed.Text(0, 0) != "t") return Status();
  }
  // Nodes opening together: one builds, the others then find it built (each
  // statement below sees what committed before it). No facts row changes
  // while the counts are summed from them.
  RETURN_IF_ERROR(db.RunScript("SELECT pg_advisory_xact_lock(" +
                               std::to_string(kReportRollupLockKey) +
                               "); LOCK TABLE report_facts IN SHARE MODE"));
  {
    ASSIGN_OR_RETURN(PgResult needed, db.Exec(kNeedsBuilding));
    if (needed.Text(0, 0) != "t") return Status();
  }
  ASSIGN_OR_RETURN(RollupSums sums, SumRollupFromFacts(db));
  // One COPY: a million facts rows make a few hundred thousand rows here.
  auto row = sums.begin();
  auto next_rows = [&](std::string& buffer) -> Result<bool> {
    for (; row != sums.end() && buffer.size() < (1u << 20); ++row) {
      const auto& [key, counts] = *row;
      AppendCopyText(buffer, key.agency);
      buffer += '\t' + std::to_string(key.bucket) + '\t';
      AppendCopyText(buffer, key.procedure_code);
      buffer += '\t';
      AppendCopyText(buffer, key.submitted_month);
      for (const ReportCountField& field : ReportCountFields()) {
        buffer += '\t' + std::to_string(counts.*field.member);
      }
      buffer += '\n';
    }
    return row != sums.end();
  };
  ASSIGN_OR_RETURN(std::int64_t copied,
                   db.CopyIn(std::string("COPY report_daily (") + kRollupKeyColumns + ", " +
                                 CountColumns() + ") FROM STDIN",
                             next_rows));
  if (copied != static_cast<std::int64_t>(sums.size())) {
    return Error(ErrorCode::kInternal, "report_daily: copied " + std::to_string(copied) +
                                           " rows of " + std::to_string(sums.size()));
  }
  return Status();
}

Result<RollupSums> ReadStoredRollup(PgConnection& db) {
  RETURN_IF_ERROR(db.RunScript(
      std::string("DECLARE report_rollup_all NO SCROLL CURSOR FOR SELECT ") + kRollupKeyColumns +
      ", " + CountColumns("sum(", ")::bigint") + " FROM (SELECT " + kRollupKeyColumns + ", " +
      CountColumns() + " FROM report_daily UNION ALL SELECT " + kRollupKeyColumns + ", " +
      CountColumns() + " FROM report_daily_changes) AS kept GROUP BY " + kRollupKeyColumns));
  RollupSums stored;
  for (;;) {
    ASSIGN_OR_RETURN(PgResult rows, db.Exec("FETCH 10000 FROM report_rollup_all"));
    if (rows.Rows() == 0) break;
    for (int r = 0; r < rows.Rows(); ++r) {
      ReportCounts& counts =
          stored[RollupKey{rows.Text(r, 0), rows.Int(r, 1), rows.Text(r, 2), rows.Text(r, 3)}];
      int column = 4;
      for (const ReportCountField& field : ReportCountFields()) {
        counts.*field.member = rows.Int(r, column++);
      }
    }
  }
  RETURN_IF_ERROR(db.RunScript("CLOSE report_rollup_all"));
  return stored;
}

Result<RollupSums> SumRollupFromFacts(PgConnection& db) {
  RollupSums sums;
  RETURN_IF_ERROR(db.RunScript("DECLARE report_facts_all NO SCROLL CURSOR FOR SELECT " +
                               FactsColumnList() + " FROM report_facts"));
  for (;;) {
    ASSIGN_OR_RETURN(PgResult batch, db.Exec("FETCH 10000 FROM report_facts_all"));
    if (batch.Rows() == 0) break;
    for (int r = 0; r < batch.Rows(); ++r) {
      ASSIGN_OR_RETURN(ReportFacts facts, ReadFacts(batch, r));
      AddToRollupSums(facts, sums);
    }
  }
  RETURN_IF_ERROR(db.RunScript("CLOSE report_facts_all"));
  return sums;
}

}  // namespace motcua
