// memory_identity_store.h: an in-memory IdentityStore for service tests.
#pragma once

#include <map>
#include <mutex>

#include "engine/domain/identity.h"

namespace motcua {

class MemoryIdentityStore final : public IdentityStore {
 public:
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

  // Every stored token record, for tests that check what is kept.
  std::vector<TokenRecord> Tokens() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, User> users_;
  std::map<std::string, TokenRecord> tokens_;
  std::int64_t generation_ = 0;
};

}  // namespace motcua
