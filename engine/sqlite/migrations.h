// migrations.h: the numbered schema migrations of the SQLite store.
//
// The .sql files in schema/migrations/ (NNNN_name.sql) are embedded into the
// binary at build time by embed_migrations.cmake, which generates the
// definition of `EmbeddedMigrations()`. `ApplyMigrations` brings a database
// up to date at open: each pending migration runs inside its own transaction
// and is recorded in schema_migrations(version, applied_at).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/status.h"
#include "engine/sqlite/sqlite_db.h"
#include "engine/storage/migration.h"

namespace motcua {

// Every migration of this build, ordered by version. Defined in the generated
// embedded_migrations.cc.
const std::vector<Migration>& EmbeddedMigrations();

// Applies the migrations of `migrations` newer than the database's version,
// in order, recording each with `now`. A database whose newest applied version
// is newer than the newest of `migrations` is refused with
// kFailedPrecondition: "database schema version N is newer than this motcua
// (M); upgrade motcua". Returns the database's version afterwards. Tells
// `progress`, when set, before and after each migration it applies.
Result<std::int64_t> ApplyMigrations(SqliteConnection& connection,
                                     const std::vector<Migration>& migrations, Instant now,
                                     const MigrationProgress& progress = {});

// A read-write connection to `path` (created if absent) in WAL mode with
// synchronous=FULL, foreign keys on and a 5 s busy timeout, brought up to
// date with EmbeddedMigrations(): what each store that keeps its own
// connection to the database file opens. `clock` stamps the migration
// records; null means the system time.
Result<std::unique_ptr<SqliteConnection>> OpenMigratedConnection(const std::string& path,
                                                                 const Clock* clock);

}  // namespace motcua
