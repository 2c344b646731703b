#include "engine/postgres/pg_report_tables.h"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/storage/column_codec.h"

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

}  // namespace

Status WriteReportFacts(PgConnection& db, const ReportFacts& facts) {
  static const std::string sql = [] {
    std::string updates;
    for (const FactsColumn& column : kFactsColumns) {
      if (std::string(column.name) == "dossier_code") continue;
      if (!updates.empty()) updates += ", ";
      updates += std::string(column.name) + " = excluded." + column.name;
    }
    return "INSERT INTO report_facts (" + FactsColumnList() + ") VALUES (" +
           FactsParameters(false) + ") ON CONFLICT (dossier_code) DO UPDATE SET " + updates;
  }();
  return db.Run(sql, BindFacts(facts));
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
  // MatchesReportQuery in SQL; absent filters are left out of the text (not
  // "$3::text IS NULL OR ..."), so that each of the four texts gets a plan
  // that uses its index. Parameters are numbered in the order added.
  PgParams params;
  params.Int(ToSeconds(query.from)).Int(ToSeconds(query.to));
  std::string sql = "SELECT " + FactsColumnList() +
                    " FROM report_facts WHERE submitted_at >= $1 AND submitted_at < $2";
  int next = 3;
  if (query.agency) {
    sql += " AND agency = $" + std::to_string(next++);
    params.Text(*query.agency);
  }
  if (query.procedure_code) {
    sql += " AND procedure_code = $" + std::to_string(next++);
    params.Text(*query.procedure_code);
  }
  ASSIGN_OR_RETURN(PgResult rows, db.Exec(sql, params));
  // As the in-memory store: CountFacts per group key, groups by key.
  std::map<std::string, ReportCounts> groups;
  for (int r = 0; r < rows.Rows(); ++r) {
    ASSIGN_OR_RETURN(ReportFacts facts, ReadFacts(rows, r));
    CountFacts(facts, query.now, groups[ReportGroupKey(facts, query.group_by)]);
  }
  std::vector<ReportGroup> result;
  result.reserve(groups.size());
  for (auto& [key, counts] : groups) result.push_back(ReportGroup{key, counts});
  return result;
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
  // One statement, one snapshot: whether the dossier exists, and the row
  // inserted only then and only if the dossier has none (ON CONFLICT DO
  // NOTHING also waits out a concurrent writer of the same row).
  static const std::string sql = [] {
    const std::string code = "$" + std::to_string(kDossierCodeParameter) + "::text";
    return "WITH dossier AS (SELECT EXISTS (SELECT 1 FROM dossiers WHERE code = " + code +
           ") AS found), added AS (INSERT INTO report_facts (" + FactsColumnList() + ") SELECT " +
           FactsParameters(true) +
           " FROM dossier WHERE dossier.found ON CONFLICT DO NOTHING RETURNING 1)"
           " SELECT (SELECT found FROM dossier)::integer, (SELECT count(*) FROM added)";
  }();
  ASSIGN_OR_RETURN(PgResult rows, db.Exec(sql, BindFacts(facts)));
  if (rows.Rows() != 1 || rows.Int(0, 0) == 0) {
    return Error(ErrorCode::kNotFound, "dossier " + facts.dossier_code + " does not exist");
  }
  written = rows.Int(0, 1) == 1;
  return Status();
}

}  // namespace motcua
