#include "engine/sqlite/sign_in_tables.h"

#include <chrono>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/migrations.h"

namespace motcua {
namespace {

constexpr const char* kAttemptColumns =
    "state_hash, provider, nonce, code_verifier, binding_hash, return_to, created_at, used_at";
constexpr const char* kIdentityColumns = "issuer, subject, user_id, provider, created_at";

std::int64_t Seconds(Instant t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
Instant FromSeconds(std::int64_t s) {
  return Instant{std::chrono::seconds{s}};
}

LoginAttempt ReadAttempt(const SqliteStatement& row) {
  LoginAttempt attempt;
  attempt.state_hash = row.ColumnText(0);
  attempt.provider = row.ColumnText(1);
  attempt.nonce = row.ColumnText(2);
  attempt.code_verifier = row.ColumnText(3);
  attempt.binding_hash = row.ColumnText(4);
  attempt.return_to = row.ColumnText(5);
  attempt.created_at = FromSeconds(row.ColumnInt(6));
  if (std::optional<std::int64_t> used = row.ColumnOptionalInt(7)) {
    attempt.used_at = FromSeconds(*used);
  }
  return attempt;
}

ExternalIdentity ReadIdentity(const SqliteStatement& row) {
  return ExternalIdentity{row.ColumnText(0), row.ColumnText(1), row.ColumnText(2),
                          row.ColumnText(3), FromSeconds(row.ColumnInt(4))};
}

// The one identity `select` (already bound) finds, or `missing`.
Result<ExternalIdentity> OneIdentity(SqliteStatement& select, const Error& missing) {
  ASSIGN_OR_RETURN(bool row, select.Step());
  if (!row) return missing;
  return ReadIdentity(select);
}

std::string NoUserIdentity(const std::string& user_id, const std::string& provider) {
  return "user " + user_id + " has no identity at " + provider;
}

}  // namespace

Result<std::unique_ptr<SqliteSignInStore>> SqliteSignInStore::Open(const std::string& path,
                                                                   const Clock* clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> db, OpenMigratedConnection(path, clock));
  return std::unique_ptr<SqliteSignInStore>(new SqliteSignInStore(std::move(db)));
}

Status SqliteSignInStore::DoCreateLoginAttempt(const LoginAttempt& attempt) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * insert,
                   db_->Prepare(std::string("INSERT INTO login_attempts (") + kAttemptColumns +
                                ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)"));
  StatementReset reset(insert);
  insert->BindText(1, attempt.state_hash);
  insert->BindText(2, attempt.provider);
  insert->BindText(3, attempt.nonce);
  insert->BindText(4, attempt.code_verifier);
  insert->BindText(5, attempt.binding_hash);
  insert->BindText(6, attempt.return_to);
  insert->BindInt(7, Seconds(attempt.created_at));
  return insert->Run();
}

Result<LoginAttempt> SqliteSignInStore::DoGetLoginAttempt(const std::string& state_hash) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * select,
                   db_->Prepare(std::string("SELECT ") + kAttemptColumns +
                                " FROM login_attempts WHERE state_hash = ?1"));
  StatementReset reset(select);
  select->BindText(1, state_hash);
  ASSIGN_OR_RETURN(bool row, select->Step());
  if (!row) return LoginAttemptNotFound();
  return ReadAttempt(*select);
}

Status SqliteSignInStore::DoMarkLoginAttemptUsed(const std::string& state_hash, Instant at) {
  std::lock_guard lock(mutex_);
  {
    ASSIGN_OR_RETURN(SqliteStatement * update,
                     db_->Prepare("UPDATE login_attempts SET used_at = ?2 "
                                  "WHERE state_hash = ?1 AND used_at IS NULL"));
    StatementReset reset(update);
    update->BindText(1, state_hash);
    update->BindInt(2, Seconds(at));
    RETURN_IF_ERROR(update->Run());
    if (sqlite3_changes(db_->handle()) == 1) return Status();
  }
  // Nothing changed: tell a missing attempt from a used one.
  ASSIGN_OR_RETURN(SqliteStatement * exists,
                   db_->Prepare("SELECT 1 FROM login_attempts WHERE state_hash = ?1"));
  StatementReset reset(exists);
  exists->BindText(1, state_hash);
  ASSIGN_OR_RETURN(bool row, exists->Step());
  return row ? LoginAttemptAlreadyUsed() : LoginAttemptNotFound();
}

Status SqliteSignInStore::DoPruneLoginAttempts(Instant created_before) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * prune,
                   db_->Prepare("DELETE FROM login_attempts WHERE created_at < ?1"));
  StatementReset reset(prune);
  prune->BindInt(1, Seconds(created_before));
  return prune->Run();
}

Status SqliteSignInStore::DoLinkIdentity(const ExternalIdentity& identity) {
  std::lock_guard lock(mutex_);
  RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  Status linked = LinkInTransaction(identity);
  if (!linked.ok()) {
    (void)db_->Exec("ROLLBACK");
    return linked;
  }
  Status committed = db_->Exec("COMMIT");
  if (!committed.ok()) (void)db_->Exec("ROLLBACK");
  return committed;
}

Status SqliteSignInStore::LinkInTransaction(const ExternalIdentity& identity) {
  {
    ASSIGN_OR_RETURN(SqliteStatement * owner,
                     db_->Prepare("SELECT user_id, provider FROM external_identities "
                                  "WHERE issuer = ?1 AND subject = ?2"));
    StatementReset reset(owner);
    owner->BindText(1, identity.issuer);
    owner->BindText(2, identity.subject);
    ASSIGN_OR_RETURN(bool row, owner->Step());
    if (row && owner->ColumnText(0) != identity.user_id) {
      return IdentityAlreadyLinked(identity.issuer, identity.subject);
    }
    if (row && owner->ColumnText(1) == identity.provider) return Status();
  }
  {
    ASSIGN_OR_RETURN(
        SqliteStatement * replaced,
        db_->Prepare("DELETE FROM external_identities WHERE user_id = ?1 AND provider = ?2"));
    StatementReset reset(replaced);
    replaced->BindText(1, identity.user_id);
    replaced->BindText(2, identity.provider);
    RETURN_IF_ERROR(replaced->Run());
  }
  ASSIGN_OR_RETURN(SqliteStatement * insert,
                   db_->Prepare(std::string("INSERT OR REPLACE INTO external_identities (") +
                                kIdentityColumns + ") VALUES (?1, ?2, ?3, ?4, ?5)"));
  StatementReset reset(insert);
  insert->BindText(1, identity.issuer);
  insert->BindText(2, identity.subject);
  insert->BindText(3, identity.user_id);
  insert->BindText(4, identity.provider);
  insert->BindInt(5, Seconds(identity.created_at));
  return insert->Run();
}

Result<ExternalIdentity> SqliteSignInStore::DoFindIdentity(const std::string& issuer,
                                                           const std::string& subject) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * select,
                   db_->Prepare(std::string("SELECT ") + kIdentityColumns +
                                " FROM external_identities WHERE issuer = ?1 AND subject = ?2"));
  StatementReset reset(select);
  select->BindText(1, issuer);
  select->BindText(2, subject);
  return OneIdentity(*select, IdentityNotLinked("subject " + subject + " of " + issuer +
                                                " is not linked to a user"));
}

Result<ExternalIdentity> SqliteSignInStore::DoFindUserIdentity(const std::string& user_id,
                                                               const std::string& provider) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(SqliteStatement * select,
                   db_->Prepare(std::string("SELECT ") + kIdentityColumns +
                                " FROM external_identities WHERE user_id = ?1 AND provider = ?2"));
  StatementReset reset(select);
  select->BindText(1, user_id);
  select->BindText(2, provider);
  return OneIdentity(*select, IdentityNotLinked(NoUserIdentity(user_id, provider)));
}

Status SqliteSignInStore::DoUnlinkIdentity(const std::string& user_id,
                                           const std::string& provider) {
  std::lock_guard lock(mutex_);
  ASSIGN_OR_RETURN(
      SqliteStatement * unlink,
      db_->Prepare("DELETE FROM external_identities WHERE user_id = ?1 AND provider = ?2"));
  StatementReset reset(unlink);
  unlink->BindText(1, user_id);
  unlink->BindText(2, provider);
  RETURN_IF_ERROR(unlink->Run());
  if (sqlite3_changes(db_->handle()) == 0) {
    return IdentityNotLinked(NoUserIdentity(user_id, provider));
  }
  return Status();
}

}  // namespace motcua
