// memory_sign_in_store.h: an in-memory SignInStore for service and route
// tests, held to the SQLite store by tests/engine/store/sign_in_store_contract_test.cc.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "engine/domain/sign_in_store.h"

namespace motcua {

class MemorySignInStore final : public SignInStore {
 public:
  // How many attempts are kept, used or not (for tests of pruning).
  std::size_t AttemptCount() const;

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

  mutable std::mutex mutex_;
  std::map<std::string, LoginAttempt> attempts_;                                // by state_hash
  std::map<std::pair<std::string, std::string>, ExternalIdentity> identities_;  // by (iss, sub)
};

}  // namespace motcua
