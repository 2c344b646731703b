// postgres_identity_store.h: users, token hashes and browser sessions in the
// PostgreSQL database the PostgresStore uses.
//
// Implements IdentityStore and SessionStore (the same contracts as
// SqliteIdentityStore) on a small pool of its own (pg_pool.h). Every write
// to users, tokens or a session's end bumps identity_generation by a trigger
// (schema/postgresql), on whichever node made it, so that each node's cache
// of authentications (token_service.h) sees a revocation at its next check.
// Open applies the embedded migrations, so either store may open a new
// database first. Thread-safe.
#pragma once

#include <memory>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/identity.h"
#include "engine/domain/session_store.h"
#include "engine/postgres/pg_pool.h"

namespace motcua {

class PostgresIdentityStore final : public IdentityStore, public SessionStore {
 public:
  // `clock` stamps migration records; may be null (system time).
  static Result<std::unique_ptr<PostgresIdentityStore>> Open(const std::string& conninfo,
                                                             const Clock* clock = nullptr,
                                                             std::size_t connections = 2);

  Status CreateUser(const User& user) override;
  Status UpdateUser(const User& user) override;
  Result<User> GetUser(const std::string& id) override;
  Result<std::vector<User>> ListUsers(std::optional<std::string> agency) override;
  Result<std::int64_t> CountUsers() override;
  Status CreateToken(const TokenRecord& token) override;
  Result<TokenRecord> GetToken(const std::string& token_hash) override;
  Result<std::vector<TokenRecord>> ListTokens(const std::string& user_id) override;
  Status RevokeToken(const std::string& token_hash, Instant at) override;
  Result<std::int64_t> IdentityGeneration() override;

 private:
  Status DoCreate(const SessionRecord& session) override;
  Result<SessionRecord> DoGet(const std::string& session_hash) override;
  Status DoTouch(const std::string& session_hash, Instant at) override;
  Status DoEnd(const std::string& session_hash, Instant at) override;
  Result<std::int64_t> DoEndUserSessions(const std::string& user_id, Instant at) override;

  explicit PostgresIdentityStore(std::unique_ptr<PgPool> pool) : pool_(std::move(pool)) {}

  std::unique_ptr<PgPool> pool_;
};

}  // namespace motcua
