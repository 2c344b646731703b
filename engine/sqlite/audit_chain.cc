#include "engine/sqlite/audit_chain.h"

#include <functional>
#include <map>
#include <memory>
#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"
#include "engine/sqlite/report_tables.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

namespace {

// The rows of the SQLite file, read through `db` inside the caller's read
// transaction.
class SqliteAuditSource final : public AuditSource {
 public:
  explicit SqliteAuditSource(sqlite3* db) : db_(db) {}

  Status ForEachEvent(const std::optional<std::string>& dossier_code,
                      const std::function<bool(AuditEventRow)>& on_event) override {
    std::string sql = std::string("SELECT ") + kEventColumns + " FROM events";
    if (dossier_code) sql += " WHERE dossier_code = ?1";
    sql += " ORDER BY dossier_code, idx";
    ASSIGN_OR_RETURN(SqliteStatement * events, Prepare(sql));
    StatementReset reset(events);
    if (dossier_code) events->BindText(1, *dossier_code);
    for (;;) {
      ASSIGN_OR_RETURN(bool row, events->Step());
      if (!row) return {};
      AuditEventRow event;
      event.sequence = events->ColumnInt(0);
      event.dossier_code = events->ColumnText(1);
      event.index = events->ColumnInt(2);
      event.hash = ColumnEventHash(*events, kEventHashColumn);
      event.record = ReadEventRow(*events);
      if (!on_event(std::move(event))) return {};
    }
  }

  Result<std::optional<Dossier>> DossierRow(const std::string& code) override {
    ASSIGN_OR_RETURN(SqliteStatement * row,
                     Prepare("SELECT procedure_code, definition_version, state, version, "
                             "assignee FROM dossiers WHERE code = ?1"));
    StatementReset reset(row);
    row->BindText(1, code);
    ASSIGN_OR_RETURN(bool found, row->Step());
    if (!found) return std::optional<Dossier>();
    Dossier stored;
    stored.procedure_code = row->ColumnText(0);
    stored.definition_version = row->ColumnInt(1);
    stored.state = row->ColumnText(2);
    stored.version = row->ColumnInt(3);
    stored.assignee = row->ColumnOptionalText(4);
    return std::optional<Dossier>(std::move(stored));
  }

  Result<std::optional<std::string>> DefinitionText(const std::string& procedure_code,
                                                    std::int64_t version) override {
    ASSIGN_OR_RETURN(
        SqliteStatement * stmt,
        Prepare("SELECT document FROM definitions WHERE procedure_code = ?1 AND version = ?2"));
    StatementReset reset(stmt);
    stmt->BindText(1, procedure_code);
    stmt->BindInt(2, version);
    ASSIGN_OR_RETURN(bool found, stmt->Step());
    if (!found) return std::optional<std::string>();
    return std::optional<std::string>(stmt->ColumnText(0));
  }

  Result<std::vector<std::string>> DossiersWithoutEvents(
      const std::optional<std::string>& dossier_code) override {
    std::string sql =
        "SELECT code FROM dossiers WHERE NOT EXISTS "
        "(SELECT 1 FROM events WHERE events.dossier_code = dossiers.code)";
    if (dossier_code) sql += " AND code = ?1";
    ASSIGN_OR_RETURN(SqliteStatement * stmt, Prepare(sql));
    StatementReset reset(stmt);
    if (dossier_code) stmt->BindText(1, *dossier_code);
    std::vector<std::string> codes;
    RETURN_IF_ERROR(
        stmt->ForEachRow([&](SqliteStatement& row) { codes.push_back(row.ColumnText(0)); }));
    return codes;
  }

  // Migration 0008 made the roll-up table.
  Result<bool> HasRollup() override {
    ASSIGN_OR_RETURN(SqliteStatement * table,
                     Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = "
                             "'report_daily'"));
    StatementReset reset(table);
    return table->Step();
  }
  Result<RollupSums> StoredRollup() override { return ReadStoredRollup(db_); }
  Result<RollupSums> RollupFromFacts() override { return SumRollupFromFacts(db_); }

 private:
  // Statements by their SQL, prepared once per audit.
  Result<SqliteStatement*> Prepare(const std::string& sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return found->second.get();
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
    if (rc != SQLITE_OK) return SqliteError(rc, "prepare audit query", db_);
    auto inserted = statements_.emplace(sql, std::make_unique<SqliteStatement>(raw, db_)).first;
    return inserted->second.get();
  }

  sqlite3* db_;
  std::map<std::string, std::unique_ptr<SqliteStatement>> statements_;
};

}  // namespace

Result<AuditVerification> VerifyAudit(sqlite3* db, const AuditOptions& options) {
  // One read transaction: rows and events from the same snapshot, even while
  // a server writes (unless the caller already holds a transaction).
  const bool own_transaction = sqlite3_get_autocommit(db) != 0;
  if (own_transaction) {
    const int rc = sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteError(rc, "begin the audit snapshot", db);
  }
  SqliteAuditSource source(db);
  Result<AuditVerification> result = RunAudit(source, options);
  if (own_transaction) sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  return result;
}

Result<AuditVerification> VerifyAudit(const std::string& database_path,
                                      const AuditOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> connection,
                   SqliteConnection::Open(database_path, SQLITE_OPEN_READONLY, 5000));
  return VerifyAudit(connection->handle(), options);
}

Result<AuditVerification> VerifyAuditChain(sqlite3* db,
                                           const std::optional<std::string>& dossier_code) {
  AuditOptions options;
  options.dossier_code = dossier_code;
  options.replay = false;
  options.max_problems = 1;
  return VerifyAudit(db, options);
}

Result<std::vector<ChainHead>> ReadChainHeads(sqlite3* db) {
  sqlite3_stmt* raw = nullptr;
  const char* sql =
      "SELECT d.code, d.version, e.hash FROM dossiers AS d JOIN events AS e "
      "ON e.dossier_code = d.code AND e.idx = d.version - 1 ORDER BY d.code";
  const int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, "prepare the chain heads query", db);
  SqliteStatement stmt(raw, db);
  std::vector<ChainHead> heads;
  Status read = stmt.ForEachRow([&](SqliteStatement& row) {
    heads.push_back(ChainHead{row.ColumnText(0), row.ColumnInt(1), ColumnEventHash(row, 2)});
  });
  RETURN_IF_ERROR(read);
  return heads;
}

Status AppendCheckpointToFeed(sqlite3* db, const Checkpoint& checkpoint) {
  const std::string payload = CheckpointToJson(checkpoint, /*with_heads=*/false).dump();
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, "begin the checkpoint feed rows", db);
  sqlite3_stmt* raw = nullptr;
  rc = sqlite3_prepare_v2(db,
                          "INSERT INTO outbox (topic, payload, created_at, agency) "
                          "SELECT ?1, ?2, ?3, agency FROM dossiers GROUP BY agency ORDER BY agency",
                          -1, &raw, nullptr);
  Status inserted;
  if (rc != SQLITE_OK) {
    inserted = SqliteError(rc, "prepare the checkpoint feed rows", db);
  } else {
    SqliteStatement stmt(raw, db);
    stmt.BindText(1, kCheckpointTopic);
    stmt.BindText(2, payload);
    stmt.BindInt(3, ToSeconds(checkpoint.issued_at));
    inserted = stmt.Run();
  }
  if (!inserted.ok()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return inserted;
  }
  rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return SqliteError(rc, "commit the checkpoint feed rows", db);
  }
  return {};
}

Result<AuditVerification> VerifyAuditChain(const std::string& database_path,
                                           const std::optional<std::string>& dossier_code) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> connection,
                   SqliteConnection::Open(database_path, SQLITE_OPEN_READONLY, 5000));
  return VerifyAuditChain(connection->handle(), dossier_code);
}

}  // namespace motcua
