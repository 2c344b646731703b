// migration.h: one numbered step of a store's schema history.
//
// Each SQL store embeds its migrations at build time (NNNN_name.sql files,
// engine/sqlite/embed_migrations.cmake) and applies those newer than the
// database's recorded version at open, in order, recording each. The stores
// share the numbering: version N means the same schema on every store, so
// that a copy between stores can compare versions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/domain/status.h"

namespace motcua {

struct Migration {
  std::int64_t version = 0;
  std::string name;  // "initial" for 0001_initial.sql
  std::string sql;
};

// kFailedPrecondition (reason kSchemaTooNew: "database schema version N is
// newer than this motcua (M); upgrade motcua") when a database at version
// `current` is newer than the newest of `migrations`: an older binary never
// writes a newer schema.
Status CheckSchemaNotNewer(std::int64_t current, const std::vector<Migration>& migrations);

}  // namespace motcua
