// migration.h: one numbered step of a store's schema history.
//
// Each SQL store embeds its migrations at build time (NNNN_name.sql files,
// engine/sqlite/embed_migrations.cmake) and applies those newer than the
// database's recorded version at open, in order, recording each. The stores
// share the numbering: version N means the same schema on every store, so
// that a copy between stores can compare versions.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/status.h"

namespace motcua {

struct Migration {
  std::int64_t version = 0;
  std::string name;  // "initial" for 0001_initial.sql
  std::string sql;
};

// Where a store is in the migrations it applies at open: told once before a
// migration runs (`took` empty) and once after it committed (`took` set). A
// migration that rewrites a large table can take minutes, and without this an
// operator sees a start-up that hangs. `number` counts from 1 among the
// `count` migrations this open applies, and `from_version` is the
// database's version before them (0: a new database). A database already up
// to date is told nothing. Called on the opening thread.
struct MigrationStep {
  const Migration& migration;
  int number = 0;
  int count = 0;
  std::int64_t from_version = 0;
  std::optional<std::chrono::milliseconds> took;
};
using MigrationProgress = std::function<void(const MigrationStep& step)>;

// The line an operator reads for `step`, the same for every store:
//   "migration 0022_events_without_previous_hash (1 of 2): applying"
//   "migration 0022_events_without_previous_hash (1 of 2): applied in 1612 ms"
std::string DescribeMigrationStep(const MigrationStep& step);

// The migrations of `migrations` newer than `current`, in order.
std::vector<const Migration*> PendingMigrations(std::int64_t current,
                                                const std::vector<Migration>& migrations);

// Runs `apply_one` on each migration of `migrations` newer than `current`,
// in order, telling `progress` (when set) before and after each, and stops
// at the first error. Returns the version afterwards. Each store brings the
// statements and the transaction of one migration; this, the order and what
// is told.
Result<std::int64_t> ApplyPendingMigrations(
    std::int64_t current, const std::vector<Migration>& migrations,
    const std::function<Status(const Migration& migration)>& apply_one,
    const MigrationProgress& progress);

// kFailedPrecondition (reason kSchemaTooNew: "database schema version N is
// newer than this motcua (M); upgrade motcua") when a database at version
// `current` is newer than the newest of `migrations`: an older binary never
// writes a newer schema.
Status CheckSchemaNotNewer(std::int64_t current, const std::vector<Migration>& migrations);

}  // namespace motcua
