#include "engine/sqlite/sqlite_identity_store.h"

#include <chrono>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/migrations.h"
#include "engine/sqlite/session_tables.h"
#include "engine/storage/identity_codec.h"

namespace motcua {
namespace {

constexpr const char* kUserColumns =
    "id, name, roles, agency, certificate_fingerprint, disabled, created_at";

std::int64_t Seconds(Instant t) {
  return t.time_since_epoch().count();
}
Instant FromSeconds(std::int64_t s) {
  return Instant{std::chrono::seconds{s}};
}

Result<User> ReadUser(const SqliteStatement& row) {
  User user;
  user.id = row.ColumnText(0);
  user.name = row.ColumnText(1);
  ASSIGN_OR_RETURN(user.roles, DecodeUserRoles(row.ColumnText(2), user.id));
  user.agency = row.ColumnText(3);
  user.certificate_fingerprint = row.ColumnOptionalText(4);
  user.disabled = row.ColumnInt(5) != 0;
  user.created_at = FromSeconds(row.ColumnInt(6));
  return user;
}

void BindUser(SqliteStatement& stmt, const User& user) {
  stmt.BindText(1, user.id);
  stmt.BindText(2, user.name);
  stmt.BindText(3, EncodeUserRoles(user.roles));
  stmt.BindText(4, user.agency);
  stmt.BindOptionalText(5, user.certificate_fingerprint);
  stmt.BindInt(6, user.disabled ? 1 : 0);
  stmt.BindInt(7, Seconds(user.created_at));
}

}  // namespace

Result<std::unique_ptr<SqliteIdentityStore>> SqliteIdentityStore::Open(const std::string& path,
                                                                       const Clock* clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> db, OpenMigratedConnection(path, clock));
  return std::unique_ptr<SqliteIdentityStore>(new SqliteIdentityStore(std::move(db)));
}

Status SqliteIdentityStore::CreateUser(const User& user) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * insert,
                   db_->Prepare(std::string("INSERT INTO users (") + kUserColumns +
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
  StatementReset reset(insert);
  BindUser(*insert, user);
  Status done = insert->Run();
  if (!done.ok() && done.error().code() == ErrorCode::kConflict) {
    return Error(ErrorCode::kConflict, "user " + user.id + " already exists",
                 ErrorReason::kUserExists);
  }
  return done;
}

Status SqliteIdentityStore::UpdateUser(const User& user) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(
      SqliteStatement * update,
      db_->Prepare(
          "UPDATE users SET name = ?2, roles = ?3, agency = ?4, certificate_fingerprint = ?5, "
          "disabled = ?6 WHERE id = ?1"));
  StatementReset reset(update);
  update->BindText(1, user.id);
  update->BindText(2, user.name);
  update->BindText(3, EncodeUserRoles(user.roles));
  update->BindText(4, user.agency);
  update->BindOptionalText(5, user.certificate_fingerprint);
  update->BindInt(6, user.disabled ? 1 : 0);
  RETURN_IF_ERROR(update->Run());
  if (sqlite3_changes(db_->handle()) == 0) {
    return Error(ErrorCode::kNotFound, "user " + user.id + " does not exist",
                 ErrorReason::kUserNotFound);
  }
  return Status();
}

Result<User> SqliteIdentityStore::GetUser(const std::string& id) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * select, db_->Prepare(std::string("SELECT ") + kUserColumns +
                                                          " FROM users WHERE id = ?1"));
  StatementReset reset(select);
  select->BindText(1, id);
  ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row)
    return Error(ErrorCode::kNotFound, "user " + id + " does not exist",
                 ErrorReason::kUserNotFound);
  return ReadUser(*select);
}

Result<std::vector<User>> SqliteIdentityStore::ListUsers(std::optional<std::string> agency) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * select,
                   db_->Prepare(std::string("SELECT ") + kUserColumns +
                                " FROM users WHERE ?1 IS NULL OR agency = ?1 ORDER BY agency, id"));
  StatementReset reset(select);
  select->BindOptionalText(1, agency);
  std::vector<User> users;
  Status read = select->ForEachRow([&](const SqliteStatement& row) -> Status {
    ASSIGN_OR_RETURN(User user, ReadUser(row));
    users.push_back(std::move(user));
    return Status();
  });
  RETURN_IF_ERROR(read);
  return users;
}

Result<std::int64_t> SqliteIdentityStore::CountUsers() {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * count, db_->Prepare("SELECT count(*) FROM users"));
  StatementReset reset(count);
  RETURN_IF_ERROR(count->Step());
  return count->ColumnInt(0);
}

Status SqliteIdentityStore::CreateToken(const TokenRecord& token) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(
      SqliteStatement * insert,
      db_->Prepare(
          "INSERT INTO tokens (token_hash, user_id, label, created_at, expires_at, revoked_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  StatementReset reset(insert);
  insert->BindText(1, token.token_hash);
  insert->BindText(2, token.user_id);
  insert->BindText(3, token.label);
  insert->BindInt(4, Seconds(token.created_at));
  insert->BindInt(5, Seconds(token.expires_at));
  insert->BindOptionalInt(
      6, token.revoked_at ? std::optional<std::int64_t>(Seconds(*token.revoked_at)) : std::nullopt);
  return insert->Run();
}

namespace {

constexpr const char* kTokenColumns =
    "token_hash, user_id, label, created_at, expires_at, revoked_at";

TokenRecord ReadToken(const SqliteStatement& row) {
  TokenRecord token;
  token.token_hash = row.ColumnText(0);
  token.user_id = row.ColumnText(1);
  token.label = row.ColumnText(2);
  token.created_at = FromSeconds(row.ColumnInt(3));
  token.expires_at = FromSeconds(row.ColumnInt(4));
  if (auto revoked = row.ColumnOptionalInt(5)) token.revoked_at = FromSeconds(*revoked);
  return token;
}

}  // namespace

Result<TokenRecord> SqliteIdentityStore::GetToken(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * select, db_->Prepare(std::string("SELECT ") + kTokenColumns +
                                                          " FROM tokens WHERE token_hash = ?1"));
  StatementReset reset(select);
  select->BindText(1, token_hash);
  ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return Error(ErrorCode::kNotFound, "no such token", ErrorReason::kTokenNotFound);
  return ReadToken(*select);
}

Result<std::vector<TokenRecord>> SqliteIdentityStore::ListTokens(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(
      SqliteStatement * select,
      db_->Prepare(std::string("SELECT ") + kTokenColumns +
                   " FROM tokens WHERE user_id = ?1 ORDER BY created_at DESC, token_hash"));
  StatementReset reset(select);
  select->BindText(1, user_id);
  std::vector<TokenRecord> tokens;
  RETURN_IF_ERROR(
      select->ForEachRow([&](const SqliteStatement& row) { tokens.push_back(ReadToken(row)); }));
  return tokens;
}

Status SqliteIdentityStore::RevokeToken(const std::string& token_hash, Instant at) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(
      SqliteStatement * update,
      db_->Prepare(
          "UPDATE tokens SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL"));
  StatementReset reset(update);
  update->BindText(1, token_hash);
  update->BindInt(2, Seconds(at));
  return update->Run();
}

Result<std::int64_t> SqliteIdentityStore::IdentityGeneration() {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * select,
                   db_->Prepare("SELECT generation FROM identity_generation WHERE id = 1"));
  StatementReset reset(select);
  ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return Error(ErrorCode::kInternal, "identity_generation has no row");
  return select->ColumnInt(0);
}

Status SqliteIdentityStore::DoCreate(const SessionRecord& session) {
  std::lock_guard lock(mutex_);
  return InsertSession(*db_, session);
}

Result<SessionRecord> SqliteIdentityStore::DoGet(const std::string& session_hash) {
  std::lock_guard lock(mutex_);
  return SelectSession(*db_, session_hash);
}

Status SqliteIdentityStore::DoTouch(const std::string& session_hash, Instant at) {
  std::lock_guard lock(mutex_);
  return TouchSessionRow(*db_, session_hash, at);
}

Status SqliteIdentityStore::DoEnd(const std::string& session_hash, Instant at) {
  std::lock_guard lock(mutex_);
  return EndSessionRow(*db_, session_hash, at);
}

Result<std::int64_t> SqliteIdentityStore::DoEndUserSessions(const std::string& user_id,
                                                            Instant at) {
  std::lock_guard lock(mutex_);
  return EndUserSessionRows(*db_, user_id, at);
}

}  // namespace motcua
