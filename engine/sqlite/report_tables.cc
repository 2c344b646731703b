#include "engine/sqlite/report_tables.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"
#include "engine/storage/report_rollup.h"

namespace motcua {
namespace {

// The columns of report_facts, in the order ReadFacts and BindFacts use. The
// first kFactsIdentityColumns never change for a dossier: its key (agency,
// submitted_at, dossier_code), procedure and month of submission.
constexpr const char* kFactsColumns =
    "agency, submitted_at, dossier_code, procedure_code, submitted_month, received_at, "
    "submitted_online, finished_at, outcome, due_at, paused_at, timeliness, "
    "counts_late_in_index, fully_online, fee_bearing, paid_online, has_result, "
    "electronic_result, documents_total, documents_digitized, documents_reused, rating, "
    "population_data";
constexpr int kFactsColumnCount = 23;
constexpr int kFactsIdentityColumns = 5;

// IsOverdueAt, with ?5 as "now".
constexpr const char* kOverdueAtNow = "paused_at IS NULL AND due_at < ?5";

std::optional<Instant> OptionalInstant(const SqliteStatement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return FromSeconds(row.ColumnInt(column));
}

std::optional<Timeliness> TimelinessFromName(const std::string& name) {
  for (Timeliness t : {Timeliness::kEarly, Timeliness::kOnTime, Timeliness::kLate}) {
    if (name == TimelinessName(t)) return t;
  }
  return std::nullopt;
}

// A row of kFactsColumns, starting at column `first`.
ReportFacts ReadFacts(const SqliteStatement& row, int first = 0) {
  ReportFacts f;
  int c = first;
  f.agency = row.ColumnText(c++);
  f.submitted_at = FromSeconds(row.ColumnInt(c++));
  f.dossier_code = row.ColumnText(c++);
  f.procedure_code = row.ColumnText(c++);
  f.submitted_month = row.ColumnText(c++);
  f.received_at = OptionalInstant(row, c++);
  f.submitted_online = row.ColumnInt(c++) != 0;
  f.finished_at = OptionalInstant(row, c++);
  if (std::optional<std::string> outcome = row.ColumnOptionalText(c++)) {
    f.outcome = ReportOutcomeFromName(*outcome);
  }
  f.due_at = OptionalInstant(row, c++);
  f.paused_at = OptionalInstant(row, c++);
  if (std::optional<std::string> timeliness = row.ColumnOptionalText(c++)) {
    f.timeliness = TimelinessFromName(*timeliness);
  }
  f.counts_late_in_index = row.ColumnInt(c++) != 0;
  f.fully_online = row.ColumnInt(c++) != 0;
  f.fee_bearing = row.ColumnInt(c++) != 0;
  f.paid_online = row.ColumnInt(c++) != 0;
  f.has_result = row.ColumnInt(c++) != 0;
  f.electronic_result = row.ColumnInt(c++) != 0;
  f.documents_total = row.ColumnInt(c++);
  f.documents_digitized = row.ColumnInt(c++);
  f.documents_reused = row.ColumnInt(c++);
  if (std::optional<std::int64_t> rating = row.ColumnOptionalInt(c++)) {
    f.rating = static_cast<int>(*rating);
  }
  f.population_data = row.ColumnInt(c++) != 0;
  return f;
}

// Binds `f` to parameters ?1..?23 in kFactsColumns order.
void BindFacts(SqliteStatement& stmt, const ReportFacts& f) {
  int p = 1;
  stmt.BindText(p++, f.agency);
  stmt.BindInt(p++, ToSeconds(f.submitted_at));
  stmt.BindText(p++, f.dossier_code);
  stmt.BindText(p++, f.procedure_code);
  stmt.BindText(p++, f.submitted_month);
  stmt.BindOptionalInt(p++, OptionalSeconds(f.received_at));
  stmt.BindInt(p++, f.submitted_online ? 1 : 0);
  stmt.BindOptionalInt(p++, OptionalSeconds(f.finished_at));
  stmt.BindOptionalText(
      p++, f.outcome ? std::optional<std::string>(ReportOutcomeName(*f.outcome)) : std::nullopt);
  stmt.BindOptionalInt(p++, OptionalSeconds(f.due_at));
  stmt.BindOptionalInt(p++, OptionalSeconds(f.paused_at));
  stmt.BindOptionalText(
      p++, f.timeliness ? std::optional<std::string>(TimelinessName(*f.timeliness)) : std::nullopt);
  stmt.BindInt(p++, f.counts_late_in_index ? 1 : 0);
  stmt.BindInt(p++, f.fully_online ? 1 : 0);
  stmt.BindInt(p++, f.fee_bearing ? 1 : 0);
  stmt.BindInt(p++, f.paid_online ? 1 : 0);
  stmt.BindInt(p++, f.has_result ? 1 : 0);
  stmt.BindInt(p++, f.electronic_result ? 1 : 0);
  stmt.BindInt(p++, f.documents_total);
  stmt.BindInt(p++, f.documents_digitized);
  stmt.BindInt(p++, f.documents_reused);
  stmt.BindOptionalInt(p++, f.rating ? std::optional<std::int64_t>(*f.rating) : std::nullopt);
  stmt.BindInt(p++, f.population_data ? 1 : 0);
}

std::string Placeholders(int first, int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    if (i > 0) text += ", ";
    text += "?" + std::to_string(first + i);
  }
  return text;
}

// Adds `delta` (which may be negative) to the report_daily row of `key`.
Status AddToRollup(SqliteConnection& db, const RollupKey& key, const ReportCounts& delta) {
  static const std::string sql = [] {
    std::string columns, updates;
    for (const ReportCountField& field : ReportCountFields()) {
      columns += std::string(", ") + field.name;
      if (!updates.empty()) updates += ", ";
      updates += std::string(field.name) + " = " + field.name + " + excluded." + field.name;
    }
    return "INSERT INTO report_daily (agency, bucket, procedure_code, submitted_month" + columns +
           ") VALUES (" + Placeholders(1, 4 + static_cast<int>(ReportCountFields().size())) +
           ") ON CONFLICT (agency, bucket, procedure_code, submitted_month) DO UPDATE SET " +
           updates;
  }();
  ASSIGN_OR_RETURN(SqliteStatement * upsert, db.Prepare(sql));
  SqliteStatement& stmt = *upsert;
  StatementReset reset(&stmt);
  stmt.BindText(1, key.agency);
  stmt.BindInt(2, key.bucket);
  stmt.BindText(3, key.procedure_code);
  stmt.BindText(4, key.submitted_month);
  int p = 5;
  for (const ReportCountField& field : ReportCountFields()) stmt.BindInt(p++, delta.*field.member);
  return stmt.Run();
}

// The facts row of `code`, if any.
Result<std::optional<ReportFacts>> ReadFactsOf(SqliteConnection& db, const std::string& code) {
  static const std::string sql =
      std::string("SELECT ") + kFactsColumns + " FROM report_facts WHERE dossier_code = ?1";
  ASSIGN_OR_RETURN(SqliteStatement * select, db.Prepare(sql));
  StatementReset reset(select);
  select->BindTextNoCopy(1, code);
  ASSIGN_OR_RETURN(bool found, select->Step());
  if (!found) return std::optional<ReportFacts>();
  return std::optional<ReportFacts>(ReadFacts(*select));
}

// The report_facts filter of `query`, with ?1 agency, ?2 procedure, ?3 and
// ?4 the submission period. Absent filters are left out of the text (not
// "?1 IS NULL OR ...") so that SQLite picks the index.
std::string FactsFilter(const ReportQuery& query) {
  std::string where = " WHERE submitted_at >= ?3 AND submitted_at < ?4";
  if (query.agency) where += " AND agency = ?1";
  if (query.procedure_code) where += " AND procedure_code = ?2";
  return where;
}

void BindFilter(SqliteStatement& stmt, const ReportQuery& query, std::int64_t from,
                std::int64_t to) {
  if (query.agency) stmt.BindText(1, *query.agency);
  if (query.procedure_code) stmt.BindText(2, *query.procedure_code);
  stmt.BindInt(3, from);
  stmt.BindInt(4, to);
}

// CountFacts over every facts row submitted in [from, to).
Status CountRows(SqliteConnection& db, const ReportQuery& query, Instant from, Instant to,
                 ReportGroupMap& groups) {
  if (to <= from) return Status();
  ASSIGN_OR_RETURN(SqliteStatement * select, db.Prepare(std::string("SELECT ") + kFactsColumns +
                                                        " FROM report_facts" + FactsFilter(query)));
  StatementReset reset(select);
  BindFilter(*select, query, ToSeconds(from), ToSeconds(to));
  return select->ForEachRow([&](const SqliteStatement& row) {
    const ReportFacts facts = ReadFacts(row);
    CountFacts(facts, query.now, groups[ReportGroupKey(facts, query.group_by)]);
  });
}

// report_daily over buckets [first, end), then the open dossiers submitted in
// them that are overdue at query.now.
Status CountBuckets(SqliteConnection& db, const ReportQuery& query, std::int64_t first,
                    std::int64_t end, ReportGroupMap& groups) {
  if (end <= first) return Status();
  std::string sums;
  for (const ReportCountField& field : ReportCountFields()) {
    sums += std::string(", SUM(") + field.name + ")";
  }
  std::string rollup_sql = std::string("SELECT ") + RollupGroupColumn(query.group_by) + sums +
                           " FROM report_daily WHERE bucket >= ?3 AND bucket < ?4";
  if (query.agency) rollup_sql += " AND agency = ?1";
  if (query.procedure_code) rollup_sql += " AND procedure_code = ?2";
  rollup_sql += " GROUP BY 1";
  ASSIGN_OR_RETURN(SqliteStatement * rollup, db.Prepare(rollup_sql));
  {
    StatementReset reset(rollup);
    BindFilter(*rollup, query, first, end);
    Status summed = rollup->ForEachRow([&](const SqliteStatement& row) {
      ReportCounts& counts = groups[row.ColumnText(0)];
      int column = 1;
      for (const ReportCountField& field : ReportCountFields()) {
        counts.*field.member += row.ColumnInt(column++);
      }
    });
    RETURN_IF_ERROR(summed);
  }

  ASSIGN_OR_RETURN(SqliteStatement * overdue,
                   db.Prepare(std::string("SELECT ") + RollupGroupColumn(query.group_by) +
                              ", COUNT(*) FROM report_facts" + FactsFilter(query) + " AND " +
                              kOpenInProgressSql + " AND " + kOverdueAtNow + " GROUP BY 1"));
  StatementReset reset(overdue);
  BindFilter(*overdue, query, ToSeconds(RollupBucketStart(first)),
             ToSeconds(RollupBucketStart(end)));
  overdue->BindInt(5, ToSeconds(query.now));
  return overdue->ForEachRow([&](const SqliteStatement& row) {
    JudgeOverdue(row.ColumnInt(1), groups[row.ColumnText(0)]);
  });
}

}  // namespace

const ReportFacts* KnownReportFacts::Find(const std::string& dossier_code) const {
  auto found = rows_.find(dossier_code);
  return found == rows_.end() ? nullptr : &found->second;
}

void KnownReportFacts::Put(const ReportFacts& facts) {
  if (rows_.size() >= kMaxEntries) rows_.clear();
  ReportFacts stored = facts;
  auto whole_seconds = [](Instant& t) { t = FromSeconds(ToSeconds(t)); };
  auto optional_whole_seconds = [&](std::optional<Instant>& t) {
    if (t) whole_seconds(*t);
  };
  whole_seconds(stored.submitted_at);
  optional_whole_seconds(stored.received_at);
  optional_whole_seconds(stored.finished_at);
  optional_whole_seconds(stored.due_at);
  optional_whole_seconds(stored.paused_at);
  rows_.insert_or_assign(facts.dossier_code, std::move(stored));
}

Status WriteReportFacts(SqliteConnection& db, KnownReportFacts& known, const ReportFacts& facts) {
  std::optional<ReportFacts> previous;
  if (const ReportFacts* row = known.Find(facts.dossier_code)) {
    previous = *row;
  } else {
    ASSIGN_OR_RETURN(previous, ReadFactsOf(db, facts.dossier_code));
  }
  if (previous && previous->agency == facts.agency &&
      previous->submitted_at == facts.submitted_at &&
      previous->procedure_code == facts.procedure_code &&
      previous->submitted_month == facts.submitted_month) {
    // The identity columns as they were (always, for one dossier): the rest
    // set in place. SQLite then rewrites only the indexes over the columns
    // it sets, not report_facts_by_code or report_facts_by_procedure, where
    // a delete and insert rewrote every index entry.
    static const std::string sql = [] {
      std::string assignments;
      std::string_view columns = kFactsColumns;
      for (int parameter = 1; !columns.empty(); ++parameter) {
        const std::size_t comma = columns.find(", ");
        const std::string_view column = columns.substr(0, comma);
        columns = comma == std::string_view::npos ? std::string_view() : columns.substr(comma + 2);
        if (parameter <= kFactsIdentityColumns) continue;
        if (!assignments.empty()) assignments += ", ";
        assignments += std::string(column) + " = ?" + std::to_string(parameter);
      }
      return "UPDATE report_facts SET " + assignments +
             " WHERE agency = ?1 AND submitted_at = ?2 AND dossier_code = ?3";
    }();
    ASSIGN_OR_RETURN(SqliteStatement * update, db.Prepare(sql));
    StatementReset reset(update);
    BindFacts(*update, facts);
    RETURN_IF_ERROR(update->Run());
  } else {
    if (previous) {
      ASSIGN_OR_RETURN(SqliteStatement * remove,
                       db.Prepare("DELETE FROM report_facts WHERE dossier_code = ?1"));
      StatementReset reset(remove);
      remove->BindTextNoCopy(1, facts.dossier_code);
      RETURN_IF_ERROR(remove->Run());
    }
    static const std::string sql = std::string("INSERT INTO report_facts (") + kFactsColumns +
                                   ") VALUES (" + Placeholders(1, kFactsColumnCount) + ")";
    ASSIGN_OR_RETURN(SqliteStatement * insert, db.Prepare(sql));
    StatementReset reset(insert);
    BindFacts(*insert, facts);
    RETURN_IF_ERROR(insert->Run());
  }

  for (const RollupChange& change : RollupChanges(previous, facts)) {
    RETURN_IF_ERROR(AddToRollup(db, change.key, change.delta));
  }
  known.Put(facts);
  return Status();
}

Status WriteBranchReportFacts(SqliteConnection& db, const std::vector<BranchReportFacts>& rows) {
  if (rows.empty()) return Status();
  {
    ASSIGN_OR_RETURN(SqliteStatement * remove,
                     db.Prepare("DELETE FROM report_branch_facts WHERE dossier_code = ?1"));
    StatementReset reset(remove);
    remove->BindTextNoCopy(1, rows.front().dossier_code);
    RETURN_IF_ERROR(remove->Run());
  }
  ASSIGN_OR_RETURN(SqliteStatement * insert,
                   db.Prepare("INSERT INTO report_branch_facts (agency, started_at, dossier_code, "
                              "branch, procedure_code, finished_at, outcome, due_at, late) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
  for (const BranchReportFacts& facts : rows) {
    StatementReset reset(insert);
    insert->BindTextNoCopy(1, facts.agency);
    insert->BindInt(2, ToSeconds(facts.started_at));
    insert->BindTextNoCopy(3, facts.dossier_code);
    insert->BindTextNoCopy(4, facts.branch);
    insert->BindTextNoCopy(5, facts.procedure_code);
    if (facts.finished_at) {
      insert->BindInt(6, ToSeconds(*facts.finished_at));
    } else {
      insert->BindNull(6);
    }
    if (facts.outcome) {
      insert->BindText(7, ReportOutcomeName(*facts.outcome));
    } else {
      insert->BindNull(7);
    }
    if (facts.due_at) {
      insert->BindInt(8, ToSeconds(*facts.due_at));
    } else {
      insert->BindNull(8);
    }
    insert->BindInt(9, facts.late ? 1 : 0);
    RETURN_IF_ERROR(insert->Run());
  }
  return Status();
}

Result<BranchReportCounts> QueryBranchReport(SqliteConnection& db, const BranchReportQuery& query) {
  // CountBranchFacts, column by column; ?4 is "now".
  constexpr const char* kOverdue = "(late = 1 OR (due_at IS NOT NULL AND due_at < ?4))";
  static const std::string sql =
      std::string(
          "SELECT COUNT(*), "
          "COALESCE(SUM(finished_at IS NOT NULL), 0), "
          "COALESCE(SUM(finished_at IS NOT NULL AND late = 0), 0), "
          "COALESCE(SUM(finished_at IS NOT NULL AND late = 1), 0), "
          "COALESCE(SUM(finished_at IS NULL AND NOT ") +
      kOverdue + "), 0), COALESCE(SUM(finished_at IS NULL AND " + kOverdue +
      "), 0), "
      "COALESCE(SUM(outcome = 'approved'), 0), COALESCE(SUM(outcome = 'refused'), 0) "
      "FROM report_branch_facts WHERE agency = ?1 AND started_at >= ?2 AND started_at < ?3 "
      "AND (?5 IS NULL OR procedure_code = ?5)";
  ASSIGN_OR_RETURN(SqliteStatement * stmt, db.Prepare(sql));
  StatementReset reset(stmt);
  stmt->BindTextNoCopy(1, query.agency);
  stmt->BindInt(2, ToSeconds(query.from));
  stmt->BindInt(3, ToSeconds(query.to));
  stmt->BindInt(4, ToSeconds(query.now));
  if (query.procedure_code) {
    stmt->BindTextNoCopy(5, *query.procedure_code);
  } else {
    stmt->BindNull(5);
  }
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  BranchReportCounts counts;
  if (!row) return counts;
  std::int64_t* const columns[] = {&counts.branches,
                                   &counts.finished,
                                   &counts.finished_on_time,
                                   &counts.finished_late,
                                   &counts.in_progress_on_time,
                                   &counts.in_progress_overdue,
                                   &counts.approved,
                                   &counts.refused};
  for (int i = 0; i < 8; ++i) *columns[i] = stmt->ColumnInt(i);
  return counts;
}

Status EnsureReportRollup(SqliteConnection& db) {
  // The usual case, a rollup already there, takes no write lock.
  ASSIGN_OR_RETURN(std::string rolled_up,
                   db.QueryText("SELECT EXISTS (SELECT 1 FROM report_daily)"));
  if (rolled_up != "0") return Status();
  RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  auto finish = [&](Status status) {
    (void)db.Exec(status.ok() ? "COMMIT" : "ROLLBACK");
    return status;
  };
  // Again under the lock: another process may have built it meanwhile.
  Result<std::string> rollup_rows = db.QueryText("SELECT EXISTS (SELECT 1 FROM report_daily)");
  if (!rollup_rows.ok()) return finish(rollup_rows.error());
  if (*rollup_rows != "0") return finish(Status());

  Result<RollupSums> sums = SumRollupFromFacts(db.handle());
  if (!sums.ok()) return finish(sums.error());
  for (const auto& [key, counts] : *sums) {
    if (Status added = AddToRollup(db, key, counts); !added.ok()) return finish(added);
  }
  return finish(Status());
}

namespace {

// Runs `sql` on `db` (no parameters), calling `on_row` for each row.
template <typename OnRow>
Status ForEachRowOf(sqlite3* db, const std::string& sql, OnRow&& on_row) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, "prepare a report roll-up read", db);
  SqliteStatement statement(raw, db);
  return statement.ForEachRow(std::forward<OnRow>(on_row));
}

}  // namespace

Result<RollupSums> ReadStoredRollup(sqlite3* db) {
  std::string sql = "SELECT agency, bucket, procedure_code, submitted_month";
  for (const ReportCountField& field : ReportCountFields()) sql += std::string(", ") + field.name;
  sql += " FROM report_daily";
  RollupSums stored;
  RETURN_IF_ERROR(ForEachRowOf(db, sql, [&](const SqliteStatement& row) {
    ReportCounts& counts = stored[RollupKey{row.ColumnText(0), row.ColumnInt(1), row.ColumnText(2),
                                            row.ColumnText(3)}];
    int column = 4;
    for (const ReportCountField& field : ReportCountFields()) {
      counts.*field.member += row.ColumnInt(column++);
    }
  }));
  return stored;
}

Result<RollupSums> SumRollupFromFacts(sqlite3* db) {
  RollupSums sums;
  RETURN_IF_ERROR(
      ForEachRowOf(db, std::string("SELECT ") + kFactsColumns + " FROM report_facts",
                   [&](const SqliteStatement& row) { AddToRollupSums(ReadFacts(row), sums); }));
  return sums;
}

Result<std::vector<ReportGroup>> QueryReport(SqliteConnection& db, const ReportQuery& query) {
  return RollupReport(
      query,
      [&](Instant from, Instant to, ReportGroupMap& groups) {
        return CountRows(db, query, from, to, groups);
      },
      [&](std::int64_t first, std::int64_t end, ReportGroupMap& groups) {
        return CountBuckets(db, query, first, end, groups);
      });
}

Result<std::vector<std::string>> QueryDossiersWithoutFacts(SqliteConnection& db,
                                                           const std::string& after_code,
                                                           int limit) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("SELECT code FROM dossiers AS d WHERE code > ?1 AND NOT EXISTS "
                              "(SELECT 1 FROM report_facts AS f WHERE f.dossier_code = d.code) "
                              "ORDER BY code LIMIT ?2"));
  StatementReset reset(stmt);
  stmt->BindText(1, after_code);
  stmt->BindInt(2, limit);
  std::vector<std::string> codes;
  RETURN_IF_ERROR(
      stmt->ForEachRow([&](const SqliteStatement& row) { codes.push_back(row.ColumnText(0)); }));
  return codes;
}

Status AddMissingReportFactsRow(SqliteConnection& db, KnownReportFacts& known,
                                const ReportFacts& facts, bool& written) {
  written = false;
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("SELECT (SELECT COUNT(*) FROM dossiers WHERE code = ?1), "
                              "(SELECT COUNT(*) FROM report_facts WHERE dossier_code = ?1)"));
  {
    StatementReset reset(stmt);
    stmt->BindText(1, facts.dossier_code);
    RETURN_IF_ERROR(stmt->Step());
    if (stmt->ColumnInt(0) == 0) {
      return Error(ErrorCode::kNotFound, "dossier " + facts.dossier_code + " does not exist");
    }
    if (stmt->ColumnInt(1) != 0) return Status();
  }
  written = true;
  return WriteReportFacts(db, known, facts);
}

}  // namespace motcua
