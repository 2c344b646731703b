// sign_in_tables.h: the SQLite side of OpenID Connect sign-in: the
// SignInStore port (engine/domain/sign_in_store.h) over the tables of
// migration 0013, login_attempts and external_identities.
//
// Like SqliteIdentityStore it keeps its own connection to the store's
// database file (WAL lets it work beside the others) behind a mutex: sign-in
// traffic is a few rows per login. Open applies the embedded migrations, so
// any store may open a new file first. Using an attempt is one conditional
// UPDATE (used_at IS NULL), linking an identity one IMMEDIATE transaction,
// so writers in other processes cannot interleave. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/sign_in_store.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

class SqliteSignInStore final : public SignInStore {
 public:
  // `clock` stamps migration records; may be null (system time).
  static Result<std::unique_ptr<SqliteSignInStore>> Open(const std::string& path,
                                                         const Clock* clock = nullptr);

 private:
  explicit SqliteSignInStore(std::unique_ptr<SqliteConnection> db) : db_(std::move(db)) {}

  Status DoCreateLoginAttempt(const LoginAttempt& attempt) override;
  Result<LoginAttempt> DoGetLoginAttempt(const std::string& state_hash) override;
  Status DoMarkLoginAttemptUsed(const std::string& state_hash, Instant at) override;
  Status DoPruneLoginAttempts(Instant created_before) override;
  Status DoLinkIdentity(const ExternalIdentity& identity) override;
  Result<ExternalIdentity> DoFindIdentity(const std::string& issuer,
                                          const std::string& subject) override;
  Result<ExternalIdentity> DoFindUserIdentity(const std::string& user_id,
                                              const std::string& provider) override;
  Status DoUnlinkIdentity(const std::string& user_id, const std::string& provider) override;

  // DoLinkIdentity's work inside its transaction.
  Status LinkInTransaction(const ExternalIdentity& identity);

  std::mutex mutex_;
  std::unique_ptr<SqliteConnection> db_;
};

}  // namespace motcua
