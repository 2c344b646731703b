#include "engine/sqlite/session_tables.h"

#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"
#include "engine/storage/identity_codec.h"

namespace motcua {
namespace {

Result<SessionRecord> ReadSession(const SqliteStatement& row) {
  SessionColumns columns;
  columns.session_hash = row.ColumnText(0);
  columns.user_id = row.ColumnText(1);
  columns.auth_method = row.ColumnText(2);
  columns.identity_provider = row.ColumnText(3);
  columns.created_at = row.ColumnInt(4);
  columns.last_seen_at = row.ColumnInt(5);
  columns.expires_at = row.ColumnInt(6);
  columns.ended_at = row.ColumnOptionalInt(7);
  columns.verified_identity = row.ColumnOptionalText(8);
  return DecodeSessionColumns(std::move(columns));
}

}  // namespace

Status InsertSession(SqliteConnection& db, const SessionRecord& session) {
  ASSIGN_OR_RETURN(SqliteStatement * insert,
                   db.Prepare(std::string("INSERT INTO sessions (") + kSessionColumnList +
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8)"));
  StatementReset reset(insert);
  insert->BindText(1, session.session_hash);
  insert->BindText(2, session.user_id);
  insert->BindText(3, AuthMethodName(session.method));
  insert->BindText(4, session.identity_provider);
  insert->BindInt(5, ToSeconds(session.created_at));
  insert->BindInt(6, ToSeconds(session.last_seen_at));
  insert->BindInt(7, ToSeconds(session.expires_at));
  insert->BindOptionalText(8, EncodeVerifiedIdentity(session.verified_identity));
  return insert->Run();
}

Result<SessionRecord> SelectSession(SqliteConnection& db, const std::string& session_hash) {
  ASSIGN_OR_RETURN(SqliteStatement * select,
                   db.Prepare(std::string("SELECT ") + kSessionColumnList +
                              " FROM sessions WHERE session_hash = ?1"));
  StatementReset reset(select);
  select->BindText(1, session_hash);
  ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return UnknownSession();
  return ReadSession(*select);
}

Status TouchSessionRow(SqliteConnection& db, const std::string& session_hash, Instant at) {
  ASSIGN_OR_RETURN(SqliteStatement * update,
                   db.Prepare("UPDATE sessions SET last_seen_at = ?2 WHERE session_hash = ?1 "
                              "AND ended_at IS NULL AND last_seen_at < ?2"));
  StatementReset reset(update);
  update->BindText(1, session_hash);
  update->BindInt(2, ToSeconds(at));
  return update->Run();
}

Status EndSessionRow(SqliteConnection& db, const std::string& session_hash, Instant at) {
  ASSIGN_OR_RETURN(
      SqliteStatement * update,
      db.Prepare("UPDATE sessions SET ended_at = ?2 WHERE session_hash = ?1 AND ended_at IS NULL"));
  StatementReset reset(update);
  update->BindText(1, session_hash);
  update->BindInt(2, ToSeconds(at));
  return update->Run();
}

Result<std::int64_t> EndUserSessionRows(SqliteConnection& db, const std::string& user_id,
                                        Instant at) {
  ASSIGN_OR_RETURN(
      SqliteStatement * update,
      db.Prepare("UPDATE sessions SET ended_at = ?2 WHERE user_id = ?1 AND ended_at IS NULL"));
  StatementReset reset(update);
  update->BindText(1, user_id);
  update->BindInt(2, ToSeconds(at));
  RETURN_IF_ERROR(update->Run());
  return static_cast<std::int64_t>(sqlite3_changes(db.handle()));
}

}  // namespace motcua
