// pg_idempotency_tables.h: the PostgreSQL side of idempotency keys
// (idempotency.h): the table `idempotency_keys`, one row per (user_id, key)
// with the first request's fingerprint and, once it finished, its response.
//
// The same contracts as engine/sqlite/idempotency_tables.h. For several
// engine processes on one database, the primary key decides who holds a key:
// a reservation inserts with ON CONFLICT DO NOTHING (an insert racing another
// waits for that one's commit) and reads the holder's row when it did not
// insert, so a key is held by one request across all processes. The purge
// of expired keys skips rows other transactions hold instead of waiting.
//
// Every function runs inside the pool's write transaction (pg_pool.h) and
// owns its SQL.
#pragma once

#include <optional>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/idempotency.h"
#include "engine/domain/status.h"
#include "engine/postgres/pg_connection.h"

namespace motcua {

// How many times ReserveIdempotencyRow tries to insert or read the key before
// it gives up on a key that other processes keep reserving and abandoning.
inline constexpr int kReserveAttempts = 4;

// Reserves (user_id, key) unless a record created at or after
// `expire_before` holds it; then `existing` is that record (else empty).
// A holder that abandons (or expires) between this insert and the read is
// tried again; after kReserveAttempts rounds, kUnavailable "database_busy".
// Also purges a few expired keys, so the table does not grow without bound.
Status ReserveIdempotencyRow(PgConnection& db, const std::string& user_id, const std::string& key,
                             const std::string& fingerprint, Instant at, Instant expire_before,
                             std::optional<IdempotencyRecord>& existing);
// kNotFound when the key is not reserved.
Status CompleteIdempotencyRow(PgConnection& db, const std::string& user_id, const std::string& key,
                              const std::string& response);
// Deletes the reservation unless it has a response.
Status AbandonIdempotencyRow(PgConnection& db, const std::string& user_id, const std::string& key);

}  // namespace motcua
