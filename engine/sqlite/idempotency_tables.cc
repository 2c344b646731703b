#include "engine/sqlite/idempotency_tables.h"

#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"

namespace motcua {

Status ReserveIdempotencyRow(SqliteConnection& db, const std::string& user_id,
                             const std::string& key, const std::string& fingerprint, Instant at,
                             Instant expire_before, std::optional<IdempotencyRecord>& existing) {
  existing.reset();
  ASSIGN_OR_RETURN(
      SqliteStatement * purge,
      db.Prepare(
          "DELETE FROM idempotency_keys WHERE (user_id = ?1 AND key = ?2 AND created_at < ?3)"
          " OR rowid IN (SELECT rowid FROM idempotency_keys WHERE created_at < ?3 LIMIT 16)"));
  {
    StatementReset reset(purge);
    purge->BindText(1, user_id);
    purge->BindText(2, key);
    purge->BindInt(3, ToSeconds(expire_before));
    RETURN_IF_ERROR(purge->Run());
  }
  ASSIGN_OR_RETURN(
      SqliteStatement * insert,
      db.Prepare(
          "INSERT OR IGNORE INTO idempotency_keys (user_id, key, fingerprint, response, created_at)"
          " VALUES (?1, ?2, ?3, NULL, ?4)"));
  {
    StatementReset reset(insert);
    insert->BindText(1, user_id);
    insert->BindText(2, key);
    insert->BindText(3, fingerprint);
    insert->BindInt(4, ToSeconds(at));
    RETURN_IF_ERROR(insert->Run());
  }
  if (sqlite3_changes(db.handle()) == 1) return Status();
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("SELECT fingerprint, response, created_at FROM idempotency_keys"
                              " WHERE user_id = ?1 AND key = ?2"));
  StatementReset reset(stmt);
  stmt->BindText(1, user_id);
  stmt->BindText(2, key);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  if (!row) return Error(ErrorCode::kInternal, "idempotency key vanished during reservation");
  IdempotencyRecord record;
  record.fingerprint = stmt->ColumnText(0);
  if (!stmt->IsNull(1)) record.response = stmt->ColumnText(1);
  record.created_at = FromSeconds(stmt->ColumnInt(2));
  existing = std::move(record);
  return Status();
}

Status CompleteIdempotencyRow(SqliteConnection& db, const std::string& user_id,
                              const std::string& key, const std::string& response) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare("UPDATE idempotency_keys SET response = ?3 WHERE user_id = ?1 AND key = ?2"));
  StatementReset reset(stmt);
  stmt->BindText(1, user_id);
  stmt->BindText(2, key);
  stmt->BindText(3, response);
  RETURN_IF_ERROR(stmt->Run());
  if (sqlite3_changes(db.handle()) == 0) {
    return Error(ErrorCode::kNotFound, "idempotency key " + key + " is not reserved");
  }
  return Status();
}

Status AbandonIdempotencyRow(SqliteConnection& db, const std::string& user_id,
                             const std::string& key) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(
          "DELETE FROM idempotency_keys WHERE user_id = ?1 AND key = ?2 AND response IS NULL"));
  StatementReset reset(stmt);
  stmt->BindText(1, user_id);
  stmt->BindText(2, key);
  return stmt->Run();
}

}  // namespace motcua
