#include "engine/sqlite/dossier_tables.h"

#include <limits>
#include <map>
#include <utility>

#include "engine/domain/dossier_code.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/rfc3339.h"
#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"

namespace motcua {
namespace {

// Queue rows of dossiers without a due date carry this key so they sort last.
constexpr std::int64_t kNoDueDate = std::numeric_limits<std::int64_t>::max();

constexpr const char* kInsertDossier =
    "INSERT INTO dossiers (code, procedure_code, definition_version, applicant_id, agency, state, "
    "national_status, version, assignee, received_at, due_at, finished_at, clock_json, updated_at, "
    "state_entered_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)";

// A dossier's procedure, applicant and agency are fixed at creation; leaving
// them out of SET keeps SQLite from rewriting the applicant and agency indexes
// on every transition (?2, ?4 and ?5 are bound but unused). The pinned
// version changes only by a migration (workflow_migration.h), which commits
// like any transition.
constexpr const char* kUpdateDossier =
    "UPDATE dossiers SET definition_version = ?3, state = ?6, national_status = ?7, version = ?8, "
    "assignee = ?9, "
    "received_at = ?10, due_at = ?11, finished_at = ?12, clock_json = ?13, updated_at = ?14, "
    "state_entered_at = CASE WHEN ?16 THEN ?14 ELSE state_entered_at END "
    "WHERE code = ?1 AND version = ?15";

constexpr const char* kDossierColumns =
    "code, procedure_code, definition_version, applicant_id, agency, state, national_status, "
    "version, assignee, received_at, due_at, finished_at, clock_json, updated_at";

// The WHERE clause of DossierFilter over `dossiers AS d`, with parameters
// ?10 state, ?11 procedure, ?12 received_from, ?13 received_to.
constexpr const char* kFilterClause =
    " AND (?10 IS NULL OR d.state = ?10) AND (?11 IS NULL OR d.procedure_code = ?11)"
    " AND (?12 IS NULL OR d.received_at >= ?12) AND (?13 IS NULL OR d.received_at < ?13)";

// Binds ?1..?14 in the column order of kInsertDossier, without copying: `row` and its dossier must
// outlive the statement's use.
void BindDossierRow(SqliteStatement& stmt, const DossierRow& row) {
  const Dossier& d = *row.dossier;
  stmt.BindTextNoCopy(1, d.code);
  stmt.BindTextNoCopy(2, d.procedure_code);
  stmt.BindInt(3, d.definition_version);
  stmt.BindTextNoCopy(4, d.applicant_id);
  stmt.BindTextNoCopy(5, d.agency);
  stmt.BindTextNoCopy(6, d.state);
  stmt.BindInt(7, row.national_status);
  stmt.BindInt(8, d.version);
  stmt.BindOptionalText(9, d.assignee);
  stmt.BindOptionalInt(10, OptionalSeconds(d.clock.received_at));
  stmt.BindOptionalInt(11, OptionalSeconds(d.clock.due_at));
  stmt.BindOptionalInt(12, OptionalSeconds(d.clock.finished_at));
  stmt.BindTextNoCopy(13, row.clock_json);
  stmt.BindInt(14, row.updated_at);
}

Result<Dossier> ReadDossier(const SqliteStatement& row) {
  Dossier d;
  d.code = row.ColumnText(0);
  d.procedure_code = row.ColumnText(1);
  d.definition_version = row.ColumnInt(2);
  d.applicant_id = row.ColumnText(3);
  d.agency = row.ColumnText(4);
  d.state = row.ColumnText(5);
  d.version = row.ColumnInt(7);
  d.assignee = row.ColumnOptionalText(8);
  if (!row.IsNull(9)) d.clock.received_at = FromSeconds(row.ColumnInt(9));
  if (!row.IsNull(10)) d.clock.due_at = FromSeconds(row.ColumnInt(10));
  if (!row.IsNull(11)) d.clock.finished_at = FromSeconds(row.ColumnInt(11));
  RETURN_IF_ERROR(DecodeClockParts(row.ColumnText(12), &d.clock));
  return d;
}

void BindFilter(SqliteStatement& stmt, const DossierFilter& filter) {
  stmt.BindOptionalText(10, filter.state);
  stmt.BindOptionalText(11, filter.procedure_code);
  if (filter.received_from) {
    stmt.BindInt(12, ToSeconds(*filter.received_from));
  } else {
    stmt.BindNull(12);
  }
  if (filter.received_to) {
    stmt.BindInt(13, ToSeconds(*filter.received_to));
  } else {
    stmt.BindNull(13);
  }
}

}  // namespace

Status InsertDossier(SqliteConnection& db, const DossierRow& row) {
  const std::string& code = row.dossier->code;
  ASSIGN_OR_RETURN(SqliteStatement * exists, db.Prepare("SELECT 1 FROM dossiers WHERE code = ?1"));
  {
    StatementReset reset(exists);
    exists->BindText(1, code);
    ASSIGN_OR_RETURN(bool found, exists->Step());
    if (found) {
      return Error(ErrorCode::kConflict, "dossier " + code + " already exists",
                   ErrorReason::kDossierExists);
    }
  }
  ASSIGN_OR_RETURN(SqliteStatement * insert, db.Prepare(kInsertDossier));
  StatementReset reset(insert);
  BindDossierRow(*insert, row);
  return insert->Run();
}

Status UpdateDossier(SqliteConnection& db, const DossierRow& row, std::int64_t expected_version,
                     bool enters_state) {
  const std::string& code = row.dossier->code;
  ASSIGN_OR_RETURN(SqliteStatement * update, db.Prepare(kUpdateDossier));
  {
    StatementReset reset(update);
    BindDossierRow(*update, row);
    update->BindInt(15, expected_version);
    update->BindInt(16, enters_state ? 1 : 0);
    RETURN_IF_ERROR(update->Run());
  }
  if (sqlite3_changes(db.handle()) != 0) return Status();
  ASSIGN_OR_RETURN(SqliteStatement * current,
                   db.Prepare("SELECT version FROM dossiers WHERE code = ?1"));
  StatementReset reset(current);
  current->BindText(1, code);
  ASSIGN_OR_RETURN(bool found, current->Step());
  if (!found) return Error(ErrorCode::kNotFound, "dossier " + code + " does not exist");
  return Error(ErrorCode::kConflict,
               "dossier " + code + " is at version " + std::to_string(current->ColumnInt(0)) +
                   ", not " + std::to_string(expected_version),
               ErrorReason::kStaleVersion);
}

Status ReplaceQueueEntries(SqliteConnection& db, const Dossier& dossier,
                           const std::vector<std::string>& roles, const std::string& agency,
                           const std::vector<BranchQueueSlot>& branches) {
  ASSIGN_OR_RETURN(SqliteStatement * remove,
                   db.Prepare("DELETE FROM queue_entries WHERE code = ?1"));
  {
    StatementReset reset(remove);
    remove->BindTextNoCopy(1, dossier.code);
    RETURN_IF_ERROR(remove->Run());
  }
  ASSIGN_OR_RETURN(
      SqliteStatement * insert,
      db.Prepare("INSERT OR IGNORE INTO queue_entries (role, agency, state, due_at, code, "
                 "escalated, paused_since) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  const std::int64_t due = dossier.clock.due_at ? ToSeconds(*dossier.clock.due_at) : kNoDueDate;
  const QueueGlance glance = roles.empty() && branches.empty() ? QueueGlance{} : GlanceAt(dossier);
  auto insert_entry = [&](const std::string& role, const std::string& in_agency,
                          const std::string& state) -> Status {
    StatementReset reset(insert);
    insert->BindTextNoCopy(1, role);
    insert->BindTextNoCopy(2, in_agency);
    insert->BindTextNoCopy(3, state);
    insert->BindInt(4, due);
    insert->BindTextNoCopy(5, dossier.code);
    insert->BindInt(6, glance.escalated ? 1 : 0);
    insert->BindOptionalInt(7, OptionalSeconds(glance.paused_since));
    return insert->Run();
  };
  for (const std::string& role : roles) {
    RETURN_IF_ERROR(insert_entry(role, agency.empty() ? dossier.agency : agency, dossier.state));
  }
  for (const BranchQueueSlot& slot : branches) {
    for (const std::string& role : slot.roles) {
      RETURN_IF_ERROR(insert_entry(role, slot.agency, slot.state));
    }
  }
  return Status();
}

Result<std::int64_t> QueryLastDossierNumber(SqliteConnection& db, const std::string& agency,
                                            LocalDate date) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("SELECT last FROM dossier_sequences WHERE agency = ?1 AND day = ?2"));
  StatementReset reset(stmt);
  stmt->BindText(1, agency);
  stmt->BindText(2, FormatRfc3339Date(date));
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->ColumnInt(0) : 0;
}

Status RecordDossierNumber(SqliteConnection& db, const std::string& code) {
  Result<DossierCode> parsed = ParseDossierCode(code);
  if (!parsed.ok()) return Status();
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare("INSERT INTO dossier_sequences (agency, day, last) VALUES (?1, ?2, ?3) "
                 "ON CONFLICT (agency, day) DO UPDATE SET last = max(last, excluded.last)"));
  StatementReset reset(stmt);
  stmt->BindText(1, parsed->agency_id);
  stmt->BindText(2, FormatRfc3339Date(parsed->date));
  stmt->BindInt(3, parsed->sequence);
  return stmt->Run();
}

Result<Dossier> QueryDossierRow(SqliteConnection& db, const std::string& code) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt, db.Prepare(std::string("SELECT ") + kDossierColumns +
                                                      " FROM dossiers WHERE code = ?1"));
  StatementReset reset(stmt);
  stmt->BindText(1, code);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Error(ErrorCode::kNotFound, "dossier " + code + " does not exist");
  return ReadDossier(*stmt);
}

Result<std::vector<DossierSummary>> QueryQueue(SqliteConnection& db, const QueueQuery& query) {
  std::int64_t after_due = 0;
  if (query.after_code) {
    ASSIGN_OR_RETURN(SqliteStatement * due,
                     db.Prepare("SELECT due_at FROM dossiers WHERE code = ?1"));
    StatementReset reset(due);
    due->BindText(1, *query.after_code);
    ASSIGN_OR_RETURN(bool row, due->Step());
    if (!row) {
      return Error(ErrorCode::kInvalidArgument, "after_code names no dossier", ErrorReason::kNone,
                   {FieldError{"/after_code", "unknown dossier " + *query.after_code}});
    }
    after_due = due->IsNull(0) ? kNoDueDate : due->ColumnInt(0);
  }
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(std::string("SELECT ") + kSummaryColumns +
                 ", q.escalated, d.finished_at, q.paused_since"
                 " FROM queue_entries AS q JOIN dossiers AS d ON d.code = q.code"
                 " WHERE q.role = ?1 AND q.agency = ?2 AND (?3 IS NULL OR q.state = ?3)"
                 " AND (?4 IS NULL OR d.procedure_code = ?4)"
                 " AND (?5 IS NULL OR (q.due_at, q.code) > (?6, ?5))"
                 " ORDER BY q.due_at, q.code LIMIT ?7"));
  StatementReset reset(stmt);
  stmt->BindText(1, query.role);
  stmt->BindText(2, query.agency);
  stmt->BindOptionalText(3, query.state);
  stmt->BindOptionalText(4, query.procedure_code);
  stmt->BindOptionalText(5, query.after_code);
  stmt->BindInt(6, after_due);
  stmt->BindInt(7, query.limit);
  return ReadSummaries(*stmt, [](const SqliteStatement& row, DossierSummary& summary) {
    if (row.IsNull(kSummaryColumnCount)) return;  // written before the store kept glances
    QueueGlance& glance = summary.glance.emplace();
    glance.escalated = row.ColumnInt(kSummaryColumnCount) != 0;
    if (row.IsNull(kSummaryColumnCount + 1)) glance.due_at = summary.due_at;  // still running
    if (!row.IsNull(kSummaryColumnCount + 2)) {
      glance.paused_since = FromSeconds(row.ColumnInt(kSummaryColumnCount + 2));
    }
  });
}

Result<std::vector<DossierSummary>> QueryByApplicant(SqliteConnection& db,
                                                     const ApplicantQuery& query) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare(std::string("SELECT ") + kSummaryColumns +
                              " FROM dossiers AS d WHERE d.applicant_id = ?1"
                              " AND (?2 IS NULL OR d.code < ?2)" +
                              kFilterClause + " ORDER BY d.code DESC LIMIT ?3"));
  StatementReset reset(stmt);
  stmt->BindText(1, query.applicant_id);
  stmt->BindOptionalText(2, query.after_code);
  stmt->BindInt(3, query.limit);
  BindFilter(*stmt, query.filter);
  return ReadSummaries(*stmt);
}

Result<std::vector<DossierSummary>> QueryByAgency(SqliteConnection& db, const AgencyQuery& query) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(std::string("SELECT ") + kSummaryColumns +
                 " FROM dossiers AS d INDEXED BY dossiers_by_agency WHERE d.agency = ?1"
                 " AND (?2 IS NULL OR d.code < ?2)" +
                 kFilterClause + " ORDER BY d.code DESC LIMIT ?3"));
  StatementReset reset(stmt);
  stmt->BindText(1, query.agency);
  stmt->BindOptionalText(2, query.after_code);
  stmt->BindInt(3, query.limit);
  BindFilter(*stmt, query.filter);
  return ReadSummaries(*stmt);
}

Result<std::vector<DossierSummary>> QueryInState(SqliteConnection& db, const StateQuery& query) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(std::string("SELECT ") + kSummaryColumns +
                 " FROM dossiers AS d INDEXED BY dossiers_by_state_entry"
                 " WHERE d.procedure_code = ?1 AND d.state = ?2 AND d.state_entered_at <= ?3"
                 " AND (?5 IS NULL OR (d.state_entered_at, d.code) > (?5, ?6))"
                 " ORDER BY d.state_entered_at, d.code LIMIT ?4"));
  StatementReset reset(stmt);
  stmt->BindText(1, query.procedure_code);
  stmt->BindText(2, query.state);
  stmt->BindInt(3, ToSeconds(query.entered_before));
  stmt->BindInt(4, query.limit);
  stmt->BindOptionalInt(5, OptionalSeconds(query.after_entered));
  stmt->BindOptionalText(6, query.after_code);
  return ReadSummaries(*stmt);
}

// The procedure's prefix of dossiers_by_state_entry narrows the scan to the
// procedure; its dossiers of other versions are filtered out row by row.
Result<std::vector<DossierSummary>> QueryOnVersion(SqliteConnection& db,
                                                   const VersionQuery& query) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(std::string("SELECT ") + kSummaryColumns +
                 " FROM dossiers AS d WHERE d.procedure_code = ?1 AND d.definition_version = ?2"
                 " AND (?3 IS NULL OR d.code > ?3) ORDER BY d.code LIMIT ?4"));
  StatementReset reset(stmt);
  stmt->BindText(1, query.procedure_code);
  stmt->BindInt(2, query.definition_version);
  stmt->BindOptionalText(3, query.after_code);
  stmt->BindInt(4, query.limit);
  return ReadSummaries(*stmt);
}

Result<std::vector<QueueDepth>> QueryQueueDepths(SqliteConnection& db) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare("SELECT role, agency, COUNT(*) FROM queue_entries GROUP BY role, agency"));
  StatementReset reset(stmt);
  std::vector<QueueDepth> depths;
  Status read = stmt->ForEachRow([&](const SqliteStatement& row) {
    depths.push_back({row.ColumnText(0), row.ColumnText(1), row.ColumnInt(2)});
  });
  RETURN_IF_ERROR(read);
  return depths;
}

}  // namespace motcua
