// pg_definition_tables.h: the PostgreSQL side of published workflow
// definitions (StoredDefinition in store.h): the table `definitions`, one row
// per (procedure_code, version), the document as JSON text.
//
// The same contracts as engine/sqlite/definition_tables.h. For several engine
// processes on one database: of two processes publishing one procedure at
// once, neither fails on the other's version number, and the later one
// compares its content with the version the earlier one published
// (InsertDefinitionVersion below). No advisory locks, no caches.
// Writes run inside the pool's write transaction (pg_pool.h), queries inside
// a read transaction. Each function owns its SQL.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/postgres/pg_connection.h"

namespace motcua {

// How many times InsertDefinitionVersion compares and inserts before it
// gives up on a procedure that other publishers keep changing.
inline constexpr int kPublishAttempts = 8;

// Publishes `published` (every field set but `version`) whose document's
// text is `document_text`. When the latest version has the same content hash,
// `published` becomes that version and nothing is written; otherwise it is
// inserted as the next version (1 for the first) and `published.version`
// says which. Against a concurrent publisher of the same procedure, the
// insert does nothing when that version number was taken meanwhile, and the
// latest version is compared again (READ COMMITTED: the next statement sees
// the other's commit); after kPublishAttempts such rounds, kUnavailable
// "database_busy".
Status InsertDefinitionVersion(PgConnection& db, const std::string& document_text,
                               StoredDefinition& published);

// `version` 0 means the latest. kNotFound when absent.
Result<StoredDefinition> QueryDefinition(PgConnection& db, const std::string& procedure_code,
                                         std::int64_t version);
// The latest version's number; kNotFound as QueryDefinition.
Result<std::int64_t> QueryLatestDefinitionVersion(PgConnection& db,
                                                  const std::string& procedure_code);
// Every version of a procedure, oldest first.
Result<std::vector<StoredDefinition>> QueryDefinitionVersions(PgConnection& db,
                                                              const std::string& procedure_code);
// The latest version of every procedure, by procedure code (bytewise, as
// SQLite orders them: the column's collation is "C").
Result<std::vector<StoredDefinition>> QueryLatestDefinitions(PgConnection& db);

}  // namespace motcua
