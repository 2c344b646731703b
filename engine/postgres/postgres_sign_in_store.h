// postgres_sign_in_store.h: the PostgreSQL side of OpenID Connect sign-in:
// login attempts (state, nonce, PKCE verifier; single use) and the links of
// provider identities to users, in the database the PostgresStore uses.
//
// The same contract as SqliteSignInStore (sign_in_store.h). Across nodes: a
// login attempt started on one node completes on another (the browser's
// callback may reach any), and is used once whichever node marks it (one
// conditional UPDATE). Linking runs in one transaction with the rows it
// reads locked, so two nodes linking one identity at once cannot both win.
// Open applies the embedded migrations. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/sign_in_store.h"
#include "engine/postgres/pg_pool.h"

namespace motcua {

class PostgresSignInStore final : public SignInStore {
 public:
  static Result<std::unique_ptr<PostgresSignInStore>> Open(const std::string& conninfo,
                                                           const Clock* clock = nullptr,
                                                           std::size_t connections = 2);

 private:
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

  explicit PostgresSignInStore(std::unique_ptr<PgPool> pool) : pool_(std::move(pool)) {}

  std::unique_ptr<PgPool> pool_;
};

}  // namespace motcua
