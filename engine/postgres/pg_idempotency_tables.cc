#include "engine/postgres/pg_idempotency_tables.h"

#include <cstdint>
#include <utility>

#include "engine/domain/error_reason.h"
#include "engine/domain/status_macros.h"
#include "engine/storage/column_codec.h"

namespace motcua {
namespace {

// Deletes up to 16 keys created before `expire_before` (seconds), oldest
// first, skipping those another transaction has locked: it never waits, so
// that two reservations purging at once cannot deadlock on each other's keys.
Status PurgeExpiredKeys(PgConnection& db, std::int64_t expire_before) {
  return db.Run(
      "DELETE FROM idempotency_keys WHERE (user_id, key) IN (SELECT user_id, key"
      " FROM idempotency_keys WHERE created_at < $1 ORDER BY created_at LIMIT 16"
      " FOR UPDATE SKIP LOCKED)",
      PgParams().Int(expire_before));
}

// One round of a reservation: drops the key's expired record, inserts the
// reservation, and when the key is held reads the holder's record. Sets
// `reserved` or `existing`, or neither when the holder went away meanwhile.
Status TryReserve(PgConnection& db, const std::string& user_id, const std::string& key,
                  const std::string& fingerprint, std::int64_t at, std::int64_t expire_before,
                  bool& reserved, std::optional<IdempotencyRecord>& existing) {
  RETURN_IF_ERROR(
      db.Run("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at < $3",
             PgParams().Text(user_id).Text(key).Int(expire_before)));
  ASSIGN_OR_RETURN(
      PgResult inserted,
      db.Exec("INSERT INTO idempotency_keys (user_id, key, fingerprint, response, created_at)"
              " VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (user_id, key) DO NOTHING",
              PgParams().Text(user_id).Text(key).Text(fingerprint).Int(at)));
  if (inserted.Affected() == 1) {
    reserved = true;
    return Status();
  }
  // A new statement: under READ COMMITTED it sees the row the insert met.
  ASSIGN_OR_RETURN(PgResult held,
                   db.Exec("SELECT fingerprint, response, created_at FROM idempotency_keys"
                           " WHERE user_id = $1 AND key = $2 AND created_at >= $3",
                           PgParams().Text(user_id).Text(key).Int(expire_before)));
  if (held.Rows() == 0) return Status();
  IdempotencyRecord record;
  record.fingerprint = held.Text(0, 0);
  record.response = held.OptionalText(0, 1);
  record.created_at = FromSeconds(held.Int(0, 2));
  existing = std::move(record);
  return Status();
}

}  // namespace

Status ReserveIdempotencyRow(PgConnection& db, const std::string& user_id, const std::string& key,
                             const std::string& fingerprint, Instant at, Instant expire_before,
                             std::optional<IdempotencyRecord>& existing) {
  existing.reset();
  const std::int64_t expire = ToSeconds(expire_before);
  for (int attempt = 0; attempt < kReserveAttempts; ++attempt) {
    bool reserved = false;
    RETURN_IF_ERROR(
        TryReserve(db, user_id, key, fingerprint, ToSeconds(at), expire, reserved, existing));
    // Purged after the key's own statements, which are the only ones that wait.
    if (reserved || existing) return PurgeExpiredKeys(db, expire);
  }
  return Error(ErrorCode::kUnavailable,
               "idempotency key " + key + " kept changing during its reservation; try again",
               ErrorReason::kDatabaseBusy);
}

Status CompleteIdempotencyRow(PgConnection& db, const std::string& user_id, const std::string& key,
                              const std::string& response) {
  ASSIGN_OR_RETURN(
      PgResult updated,
      db.Exec("UPDATE idempotency_keys SET response = $3 WHERE user_id = $1 AND key = $2",
              PgParams().Text(user_id).Text(key).Text(response)));
  if (updated.Affected() == 0) {
    return Error(ErrorCode::kNotFound, "idempotency key " + key + " is not reserved");
  }
  return Status();
}

Status AbandonIdempotencyRow(PgConnection& db, const std::string& user_id, const std::string& key) {
  return db.Run("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND response IS NULL",
                PgParams().Text(user_id).Text(key));
}

}  // namespace motcua
