#include "engine/postgres/pg_audit.h"

#include <memory>
#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/postgres/pg_connection.h"
#include "engine/postgres/pg_dossier_tables.h"
#include "engine/postgres/pg_report_tables.h"

namespace motcua {
namespace {

constexpr int kFetchRows = 5000;

class PgAuditSource final : public AuditSource {
 public:
  explicit PgAuditSource(PgConnection& db) : db_(db) {}

  Status ForEachEvent(const std::optional<std::string>& dossier_code,
                      const std::function<bool(AuditEventRow)>& on_event) override {
    const std::string select = std::string("SELECT ") + kPgEventColumns + " FROM events" +
                               (dossier_code ? " WHERE dossier_code = $1" : "") +
                               " ORDER BY dossier_code, idx";
    if (dossier_code) {  // one dossier's events fit in memory
      ASSIGN_OR_RETURN(PgResult rows, db_.Exec(select, PgParams().Text(*dossier_code)));
      Deliver(rows, on_event);
      return {};
    }
    RETURN_IF_ERROR(db_.RunScript("DECLARE audit_events NO SCROLL CURSOR FOR " + select));
    for (;;) {
      ASSIGN_OR_RETURN(PgResult rows,
                       db_.Exec("FETCH " + std::to_string(kFetchRows) + " FROM audit_events"));
      if (rows.Rows() == 0 || !Deliver(rows, on_event)) break;
    }
    return db_.RunScript("CLOSE audit_events");
  }

  Result<std::optional<Dossier>> DossierRow(const std::string& code) override {
    ASSIGN_OR_RETURN(PgResult row, db_.Exec("SELECT procedure_code, definition_version, state, "
                                            "version, assignee FROM dossiers WHERE code = $1",
                                            PgParams().Text(code)));
    if (row.Rows() == 0) return std::optional<Dossier>();
    Dossier stored;
    stored.procedure_code = row.Text(0, 0);
    stored.definition_version = row.Int(0, 1);
    stored.state = row.Text(0, 2);
    stored.version = row.Int(0, 3);
    stored.assignee = row.OptionalText(0, 4);
    return std::optional<Dossier>(std::move(stored));
  }

  Result<std::optional<std::string>> DefinitionText(const std::string& procedure_code,
                                                    std::int64_t version) override {
    ASSIGN_OR_RETURN(
        PgResult row,
        db_.Exec("SELECT document FROM definitions WHERE procedure_code = $1 AND version = $2",
                 PgParams().Text(procedure_code).Int(version)));
    if (row.Rows() == 0) return std::optional<std::string>();
    return std::optional<std::string>(row.Text(0, 0));
  }

  Result<std::vector<std::string>> DossiersWithoutEvents(
      const std::optional<std::string>& dossier_code) override {
    ASSIGN_OR_RETURN(
        PgResult rows,
        db_.Exec("SELECT code FROM dossiers WHERE NOT EXISTS (SELECT 1 FROM events WHERE "
                 "events.dossier_code = dossiers.code) AND ($1::text IS NULL OR code = $1) "
                 "ORDER BY code",
                 PgParams().OptionalText(dossier_code)));
    std::vector<std::string> codes;
    for (int r = 0; r < rows.Rows(); ++r) codes.push_back(rows.Text(r, 0));
    return codes;
  }

 private:
  // Hands each row of `rows` on; false once `on_event` wants no more.
  static bool Deliver(const PgResult& rows, const std::function<bool(AuditEventRow)>& on_event) {
    for (int r = 0; r < rows.Rows(); ++r) {
      AuditEventRow event;
      event.sequence = rows.Int(r, 0);
      event.dossier_code = rows.Text(r, 1);
      event.index = rows.Int(r, 2);
      event.hash = rows.Text(r, kPgEventHashColumn);
      event.record = ReadEventRow(rows, r);
      if (!on_event(std::move(event))) return false;
    }
    return true;
  }

  // Migration 0020 made both roll-up tables.
  Result<bool> HasRollup() override {
    ASSIGN_OR_RETURN(PgResult table,
                     db_.Exec("SELECT to_regclass('report_daily_changes') IS NOT NULL"));
    return table.Text(0, 0) == "t";
  }
  Result<RollupSums> StoredRollup() override { return ReadStoredRollup(db_); }
  Result<RollupSums> RollupFromFacts() override { return SumRollupFromFacts(db_); }

  PgConnection& db_;
};

}  // namespace

Result<AuditVerification> VerifyPostgresAudit(const std::string& conninfo,
                                              const AuditOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Connect(conninfo));
  RETURN_IF_ERROR(db->RunScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  ASSIGN_OR_RETURN(PgResult tables, db->Exec("SELECT to_regclass('events') IS NOT NULL"));
  if (tables.Text(0, 0) != "t") {
    (void)db->RunScript("ROLLBACK");
    return Error(ErrorCode::kFailedPrecondition,
                 "the database holds no motcua schema (no events table): is it the right one?");
  }
  PgAuditSource source(*db);
  Result<AuditVerification> result = RunAudit(source, options);
  (void)db->RunScript("COMMIT");
  return result;
}

}  // namespace motcua
