#include "engine/sqlite/migrations.h"

#include <charconv>
#include <chrono>
#include <string>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)";

Status ApplyOne(SqliteConnection& connection, const Migration& migration, Instant now) {
  RETURN_IF_ERROR(connection.Exec(migration.sql));
  ASSIGN_OR_RETURN(
      SqliteStatement * record,
      connection.Prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)"));
  StatementReset reset(record);
  record->BindInt(1, migration.version);
  record->BindInt(2, now.time_since_epoch().count());
  return record->Run();
}

}  // namespace

Result<std::int64_t> ApplyMigrations(SqliteConnection& connection,
                                     const std::vector<Migration>& migrations, Instant now,
                                     const MigrationProgress& progress) {
  // An exclusive write lock for the whole check-and-apply, so two processes
  // opening a fresh database do not both apply the same migration.
  RETURN_IF_ERROR(connection.Exec("BEGIN IMMEDIATE"));
  Status created = connection.Exec(kCreateMigrationsTable);
  Result<std::string> current_text =
      created.ok() ? connection.QueryText("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")
                   : Result<std::string>(created.error());
  (void)connection.Exec("COMMIT");
  RETURN_IF_ERROR(current_text);
  std::int64_t current = 0;
  const std::string& text = current_text.value();
  if (std::from_chars(text.data(), text.data() + text.size(), current).ec != std::errc()) {
    return Error(ErrorCode::kInternal, "schema_migrations holds an unreadable version: " + text);
  }

  RETURN_IF_ERROR(CheckSchemaNotNewer(current, migrations));
  return ApplyPendingMigrations(
      current, migrations,
      [&](const Migration& migration) -> Status {
        RETURN_IF_ERROR(connection.Exec("BEGIN IMMEDIATE"));
        // Another process may have applied it since we looked.
        Result<std::string> again =
            connection.QueryText("SELECT COUNT(*) FROM schema_migrations WHERE version = " +
                                 std::to_string(migration.version));
        Status applied = !again.ok()            ? Status(again.error())
                         : again.value() != "0" ? Status()
                                                : ApplyOne(connection, migration, now);
        if (!applied.ok()) {
          (void)connection.Exec("ROLLBACK");
          return Error(applied.error().code(),
                       "migration " + std::to_string(migration.version) + "_" + migration.name +
                           " failed: " + applied.error().message(),
                       ErrorReason::kMigrationFailed);
        }
        Status committed = connection.Exec("COMMIT");
        if (!committed.ok()) (void)connection.Exec("ROLLBACK");
        return committed;
      },
      progress);
}

Result<std::unique_ptr<SqliteConnection>> OpenMigratedConnection(const std::string& path,
                                                                 const Clock* clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> db,
                   SqliteConnection::Open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                          /*busy_timeout_ms=*/5000));
  RETURN_IF_ERROR(
      db->Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
  const Instant now =
      clock != nullptr
          ? clock->Now()
          : std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  RETURN_IF_ERROR(ApplyMigrations(*db, EmbeddedMigrations(), now));
  return db;
}

}  // namespace motcua
