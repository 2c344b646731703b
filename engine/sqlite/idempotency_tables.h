// idempotency_tables.h: the SQLite side of idempotency keys (idempotency.h):
// the table `idempotency_keys`, one row per (user_id, key) with the first
// request's fingerprint and, once it finished, its response.
//
// Every function runs inside the writer's transaction
// (sqlite_connection_pool.h) and owns its SQL.
#pragma once

#include <optional>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/idempotency.h"
#include "engine/domain/status.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

// Reserves (user_id, key) unless a record created at or after
// `expire_before` holds it; then `existing` is that record (else empty).
// Also purges a few expired keys, so the table does not grow without bound.
Status ReserveIdempotencyRow(SqliteConnection& db, const std::string& user_id,
                             const std::string& key, const std::string& fingerprint, Instant at,
                             Instant expire_before, std::optional<IdempotencyRecord>& existing);
// kNotFound when the key is not reserved.
Status CompleteIdempotencyRow(SqliteConnection& db, const std::string& user_id,
                              const std::string& key, const std::string& response);
// Deletes the reservation unless it has a response.
Status AbandonIdempotencyRow(SqliteConnection& db, const std::string& user_id,
                             const std::string& key);

}  // namespace motcua
