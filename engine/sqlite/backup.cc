#include "engine/sqlite/backup.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <system_error>
#include <thread>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {
namespace {

constexpr int kPagesPerStep = 256;
constexpr int kBusyTimeoutMs = 5000;
constexpr int kMaxBusyRetries = 1000;

// Owns a sqlite3_backup*, finishing it on every path.
struct BackupHandle {
  sqlite3_backup* handle = nullptr;
  ~BackupHandle() {
    if (handle != nullptr) sqlite3_backup_finish(handle);
  }
};

}  // namespace

Status BackupDatabase(const std::string& source_path, const std::string& output_path) {
  std::error_code error;
  if (!std::filesystem::exists(source_path, error)) {
    return Error(ErrorCode::kNotFound, "database " + source_path + " does not exist");
  }
  if (std::filesystem::exists(output_path, error)) {
    return Error(ErrorCode::kFailedPrecondition,
                 "backup target " + output_path + " already exists; choose a new file");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> source,
                   SqliteConnection::Open(source_path, SQLITE_OPEN_READONLY, kBusyTimeoutMs));
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> target,
                   SqliteConnection::Open(output_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                          kBusyTimeoutMs));

  // One read transaction around all steps: every chunk comes from the same
  // snapshot, so concurrent writers neither restart nor tear the copy.
  Status begun = source->Exec("BEGIN");
  if (begun.ok())
    begun = source->QueryText("SELECT COUNT(*) FROM sqlite_schema").ok()
                ? Status()
                : Status(Error(ErrorCode::kInternal, "cannot read " + source_path));
  RETURN_IF_ERROR(begun);

  BackupHandle backup;
  backup.handle = sqlite3_backup_init(target->handle(), "main", source->handle(), "main");
  if (backup.handle == nullptr) {
    return SqliteError(sqlite3_errcode(target->handle()), "backup init", target->handle());
  }
  int busy_retries = 0;
  for (;;) {
    const int rc = sqlite3_backup_step(backup.handle, kPagesPerStep);
    if (rc == SQLITE_DONE) break;
    if (rc == SQLITE_OK) continue;
    if ((rc == SQLITE_BUSY || rc == SQLITE_LOCKED) && ++busy_retries < kMaxBusyRetries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      continue;
    }
    return SqliteError(rc, "backup step", target->handle());
  }
  const int finished = sqlite3_backup_finish(backup.handle);
  backup.handle = nullptr;
  (void)source->Exec("COMMIT");
  if (finished != SQLITE_OK) return SqliteError(finished, "backup finish", target->handle());
  return Status();
}

}  // namespace motcua
