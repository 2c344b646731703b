#include "engine/sqlite/session_tables.h"

#include "engine/domain/json_parse.h"
#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"

namespace motcua {
namespace {

constexpr const char* kSessionColumns =
    "session_hash, user_id, auth_method, identity_provider, created_at, last_seen_at, "
    "expires_at, ended_at, verified_identity";

Error CorruptSession(const std::string& why) {
  return Error(ErrorCode::kInternal, "a stored session " + why, ErrorReason::kCorruptRow);
}

Result<SessionRecord> ReadSession(const SqliteStatement& row) {
  SessionRecord session;
  session.session_hash = row.ColumnText(0);
  session.user_id = row.ColumnText(1);
  std::optional<AuthMethod> method = ParseAuthMethod(row.ColumnText(2));
  if (!method) {
    return CorruptSession("has an unknown auth_method");
  }
  session.method = *method;
  session.identity_provider = row.ColumnText(3);
  session.created_at = FromSeconds(row.ColumnInt(4));
  session.last_seen_at = FromSeconds(row.ColumnInt(5));
  session.expires_at = FromSeconds(row.ColumnInt(6));
  if (auto ended = row.ColumnOptionalInt(7)) session.ended_at = FromSeconds(*ended);
  if (std::optional<std::string> identity = row.ColumnOptionalText(8)) {
    Result<nlohmann::json> parsed = ParseJson(*identity);
    std::optional<VerifiedIdentity> read;
    if (parsed.ok()) read = VerifiedIdentityFromJson(*parsed);
    if (!read) return CorruptSession("has a verified_identity that is not a claim set");
    session.verified_identity = std::move(*read);
  }
  return session;
}

}  // namespace

Status InsertSession(SqliteConnection& db, const SessionRecord& session) {
  ASSIGN_OR_RETURN(SqliteStatement * insert,
                   db.Prepare(std::string("INSERT INTO sessions (") + kSessionColumns +
                              ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, ?8)"));
  StatementReset reset(insert);
  insert->BindText(1, session.session_hash);
  insert->BindText(2, session.user_id);
  insert->BindText(3, AuthMethodName(session.method));
  insert->BindText(4, session.identity_provider);
  insert->BindInt(5, ToSeconds(session.created_at));
  insert->BindInt(6, ToSeconds(session.last_seen_at));
  insert->BindInt(7, ToSeconds(session.expires_at));
  if (session.verified_identity.empty()) {
    insert->BindNull(8);
  } else {
    insert->BindText(8, VerifiedIdentityToJson(session.verified_identity).dump());
  }
  return insert->Run();
}

Result<SessionRecord> SelectSession(SqliteConnection& db, const std::string& session_hash) {
  ASSIGN_OR_RETURN(SqliteStatement * select, db.Prepare(std::string("SELECT ") + kSessionColumns +
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
