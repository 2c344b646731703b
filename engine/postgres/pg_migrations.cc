#include "engine/postgres/pg_migrations.h"

#include <string>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

Result<std::int64_t> CurrentVersion(PgConnection& connection) {
  RETURN_IF_ERROR(
      connection.RunScript("CREATE TABLE IF NOT EXISTS schema_migrations ("
                           "version bigint PRIMARY KEY, applied_at bigint NOT NULL)"));
  ASSIGN_OR_RETURN(PgResult current,
                   connection.Exec("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  return current.Int(0, 0);
}

Status ApplyOne(PgConnection& connection, const Migration& migration, Instant now) {
  RETURN_IF_ERROR(connection.RunScript("BEGIN"));
  Status applied = connection.RunScript(migration.sql);
  if (applied.ok()) {
    applied = connection.Run("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                             PgParams().Int(migration.version).Int(now.time_since_epoch().count()));
  }
  if (applied.ok()) applied = connection.RunScript("COMMIT");
  if (!applied.ok()) {
    (void)connection.RunScript("ROLLBACK");
    return Error(ErrorCode::kInternal,
                 "PostgreSQL migration " + std::to_string(migration.version) + " (" +
                     migration.name + ") failed: " + applied.error().message(),
                 ErrorReason::kMigrationFailed);
  }
  return Status();
}

Result<std::int64_t> ApplyLocked(PgConnection& connection, const std::vector<Migration>& migrations,
                                 Instant now, const MigrationProgress& progress) {
  ASSIGN_OR_RETURN(std::int64_t current, CurrentVersion(connection));
  RETURN_IF_ERROR(CheckSchemaNotNewer(current, migrations));
  return ApplyPendingMigrations(
      current, migrations,
      [&](const Migration& migration) { return ApplyOne(connection, migration, now); }, progress);
}

}  // namespace

Result<std::int64_t> ApplyPostgresMigrations(PgConnection& connection,
                                             const std::vector<Migration>& migrations, Instant now,
                                             const MigrationProgress& progress) {
  RETURN_IF_ERROR(connection.Run("SELECT pg_advisory_lock($1)", PgParams().Int(kMigrationLockKey)));
  Result<std::int64_t> applied = ApplyLocked(connection, migrations, now, progress);
  Status unlocked =
      connection.Run("SELECT pg_advisory_unlock($1)", PgParams().Int(kMigrationLockKey));
  RETURN_IF_ERROR(applied);
  RETURN_IF_ERROR(unlocked);
  return applied;
}

Result<std::unique_ptr<PgPool>> OpenMigratedPool(const std::string& conninfo,
                                                 std::size_t connections, const Clock* clock,
                                                 const MigrationProgress& progress) {
  PgPoolOptions options;
  options.conninfo = conninfo;
  options.connections = connections;
  ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool, PgPool::Open(options));
  static const SystemClock system_clock;
  const Instant now = (clock != nullptr ? clock : &system_clock)->Now();
  RETURN_IF_ERROR(pool->WithConnection([now, &progress](PgConnection& connection) -> Status {
    ASSIGN_OR_RETURN(
        std::int64_t version,
        ApplyPostgresMigrations(connection, EmbeddedPostgresMigrations(), now, progress));
    (void)version;
    return Status();
  }));
  return pool;
}

}  // namespace motcua
