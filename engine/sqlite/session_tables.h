// session_tables.h: the SQLite side of browser sessions (session_store.h):
// the `sessions` table of migration 0012.
//
// Each function runs one statement on `db`, which the caller serializes (the
// SqliteIdentityStore calls them under its mutex, on its own connection).
// Ending sessions fires the migration's trigger that bumps the identity
// generation, so cached authentications notice.
#pragma once

#include <cstdint>
#include <string>

#include "engine/domain/session_store.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

Status InsertSession(SqliteConnection& db, const SessionRecord& session);
Result<SessionRecord> SelectSession(SqliteConnection& db, const std::string& session_hash);
Status TouchSessionRow(SqliteConnection& db, const std::string& session_hash, Instant at);
Status EndSessionRow(SqliteConnection& db, const std::string& session_hash, Instant at);
Result<std::int64_t> EndUserSessionRows(SqliteConnection& db, const std::string& user_id,
                                        Instant at);

}  // namespace motcua
