// pg_migrations.h: the PostgreSQL schema history and how a database is
// brought up to it.
//
// The migrations are schema/postgresql/NNNN_name.sql, embedded at build time.
// Their numbers are the SQLite history's (engine/storage/migration.h); the
// first, 0019_baseline, creates what SQLite's 0001 to 0019 do.
//
// Several engine nodes may start at once on one database: ApplyPostgresMigrations
// holds a session-level advisory lock (kMigrationLockKey) for the whole
// check-and-apply, so exactly one node applies each migration and the others
// wait, then find it applied. Each migration runs in its own transaction with
// its record in schema_migrations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/status.h"
#include "engine/postgres/pg_connection.h"
#include "engine/postgres/pg_pool.h"
#include "engine/storage/migration.h"

namespace motcua {

// The advisory lock key migrations hold ("motcua" in ASCII).
inline constexpr std::int64_t kMigrationLockKey = 0x6d6f74637561;

// Every PostgreSQL migration of this build, by version (generated).
const std::vector<Migration>& EmbeddedPostgresMigrations();

// Applies the migrations newer than the database's version, in order, each
// recorded with `now`, and returns the version afterwards. A database whose
// version is newer than the newest migration is refused with
// kFailedPrecondition, reason kSchemaTooNew. `connection` must not be in a
// transaction. Tells `progress`, when set, before and after each migration
// it applies.
Result<std::int64_t> ApplyPostgresMigrations(PgConnection& connection,
                                             const std::vector<Migration>& migrations, Instant now,
                                             const MigrationProgress& progress = {});

// Opens a pool of `connections` to `conninfo` and applies the embedded
// migrations on one of them: what each PostgreSQL store does at Open.
// `clock` stamps the migration records (null: the system time); `progress`
// is told as ApplyPostgresMigrations tells it.
Result<std::unique_ptr<PgPool>> OpenMigratedPool(const std::string& conninfo,
                                                 std::size_t connections, const Clock* clock,
                                                 const MigrationProgress& progress = {});

}  // namespace motcua
