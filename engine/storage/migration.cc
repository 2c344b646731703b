#include "engine/storage/migration.h"

namespace motcua {

Status CheckSchemaNotNewer(std::int64_t current, const std::vector<Migration>& migrations) {
  const std::int64_t newest = migrations.empty() ? 0 : migrations.back().version;
  if (current <= newest) return Status();
  return Error(ErrorCode::kFailedPrecondition,
               "database schema version " + std::to_string(current) +
                   " is newer than this motcua (" + std::to_string(newest) + "); upgrade motcua",
               ErrorReason::kSchemaTooNew);
}

}  // namespace motcua
