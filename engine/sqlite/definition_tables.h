// definition_tables.h: the SQLite side of published workflow definitions
// (StoredDefinition in store.h): the table `definitions`, one row per
// (procedure_code, version), the document as JSON text.
//
// Writes run inside the writer's transaction (sqlite_connection_pool.h),
// queries inside the caller's read transaction. Each function owns its SQL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

// Publishes `published` (every field set but `version`) whose document's
// text is `document_text`. When the latest version has the same content hash,
// `published` becomes that version and nothing is written; otherwise it is
// inserted as the next version (1 for the first) and `published.version`
// says which.
Status InsertDefinitionVersion(SqliteConnection& db, const std::string& document_text,
                               StoredDefinition& published);

// `version` 0 means the latest. kNotFound when absent.
Result<StoredDefinition> QueryDefinition(SqliteConnection& db, const std::string& procedure_code,
                                         std::int64_t version);
// The latest version's number; kNotFound as QueryDefinition.
Result<std::int64_t> QueryLatestDefinitionVersion(SqliteConnection& db,
                                                  const std::string& procedure_code);
// Every version of a procedure, oldest first.
Result<std::vector<StoredDefinition>> QueryDefinitionVersions(SqliteConnection& db,
                                                              const std::string& procedure_code);
// The latest version of every procedure, by procedure code.
Result<std::vector<StoredDefinition>> QueryLatestDefinitions(SqliteConnection& db);

}  // namespace motcua
