#include "engine/storage/migration.h"

#include <chrono>
#include <string>

#include "engine/domain/status_macros.h"

namespace motcua {

std::string DescribeMigrationStep(const MigrationStep& step) {
  std::string version = std::to_string(step.migration.version);
  if (version.size() < 4) version.insert(0, 4 - version.size(), '0');
  std::string line = "migration " + version + "_" + step.migration.name + " (" +
                     std::to_string(step.number) + " of " + std::to_string(step.count) + "): ";
  if (!step.took) return line + "applying";
  return line + "applied in " + std::to_string(step.took->count()) + " ms";
}

std::vector<const Migration*> PendingMigrations(std::int64_t current,
                                                const std::vector<Migration>& migrations) {
  std::vector<const Migration*> pending;
  for (const Migration& migration : migrations) {
    if (migration.version > current) pending.push_back(&migration);
  }
  return pending;
}

Result<std::int64_t> ApplyPendingMigrations(
    std::int64_t current, const std::vector<Migration>& migrations,
    const std::function<Status(const Migration& migration)>& apply_one,
    const MigrationProgress& progress) {
  const std::vector<const Migration*> pending = PendingMigrations(current, migrations);
  const int count = static_cast<int>(pending.size());
  const std::int64_t from_version = current;
  for (int number = 1; number <= count; ++number) {
    const Migration& migration = *pending[static_cast<std::size_t>(number - 1)];
    if (progress) progress(MigrationStep{migration, number, count, from_version, std::nullopt});
    const auto started = std::chrono::steady_clock::now();
    RETURN_IF_ERROR(apply_one(migration));
    current = migration.version;
    if (progress) {
      progress(MigrationStep{migration, number, count, from_version,
                             std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now() - started)});
    }
  }
  return current;
}

Status CheckSchemaNotNewer(std::int64_t current, const std::vector<Migration>& migrations) {
  const std::int64_t newest = migrations.empty() ? 0 : migrations.back().version;
  if (current <= newest) return Status();
  return Error(ErrorCode::kFailedPrecondition,
               "database schema version " + std::to_string(current) +
                   " is newer than this motcua (" + std::to_string(newest) + "); upgrade motcua",
               ErrorReason::kSchemaTooNew);
}

}  // namespace motcua
