#include "tests/fakes/memory_sign_in_store.h"

#include <algorithm>

namespace motcua {

std::size_t MemorySignInStore::AttemptCount() const {
  std::lock_guard lock(mutex_);
  return attempts_.size();
}

Status MemorySignInStore::DoCreateLoginAttempt(const LoginAttempt& attempt) {
  std::lock_guard lock(mutex_);
  if (!attempts_.emplace(attempt.state_hash, attempt).second) {
    return Error(ErrorCode::kConflict, "a login attempt has this state already");
  }
  return Status();
}

Result<LoginAttempt> MemorySignInStore::DoGetLoginAttempt(const std::string& state_hash) {
  std::lock_guard lock(mutex_);
  auto found = attempts_.find(state_hash);
  if (found == attempts_.end()) return LoginAttemptNotFound();
  return found->second;
}

Status MemorySignInStore::DoMarkLoginAttemptUsed(const std::string& state_hash, Instant at) {
  std::lock_guard lock(mutex_);
  auto found = attempts_.find(state_hash);
  if (found == attempts_.end()) return LoginAttemptNotFound();
  if (found->second.used_at) return LoginAttemptAlreadyUsed();
  found->second.used_at = at;
  return Status();
}

Status MemorySignInStore::DoPruneLoginAttempts(Instant created_before) {
  std::lock_guard lock(mutex_);
  std::erase_if(attempts_,
                [&](const auto& entry) { return entry.second.created_at < created_before; });
  return Status();
}

Status MemorySignInStore::DoLinkIdentity(const ExternalIdentity& identity) {
  std::lock_guard lock(mutex_);
  const std::pair key(identity.issuer, identity.subject);
  auto same = identities_.find(key);
  if (same != identities_.end()) {
    if (same->second.user_id != identity.user_id) {
      return IdentityAlreadyLinked(identity.issuer, identity.subject);
    }
    if (same->second.provider == identity.provider) return Status();
  }
  std::erase_if(identities_, [&](const auto& entry) {
    return entry.second.user_id == identity.user_id && entry.second.provider == identity.provider;
  });
  identities_[key] = identity;
  return Status();
}

Result<ExternalIdentity> MemorySignInStore::DoFindIdentity(const std::string& issuer,
                                                           const std::string& subject) {
  std::lock_guard lock(mutex_);
  auto found = identities_.find({issuer, subject});
  if (found == identities_.end())
    return IdentityNotLinked("subject " + subject + " of " + issuer + " is not linked to a user");
  return found->second;
}

Result<ExternalIdentity> MemorySignInStore::DoFindUserIdentity(const std::string& user_id,
                                                               const std::string& provider) {
  std::lock_guard lock(mutex_);
  for (const auto& [key, identity] : identities_) {
    if (identity.user_id == user_id && identity.provider == provider) return identity;
  }
  return IdentityNotLinked("user " + user_id + " has no identity at " + provider);
}

Status MemorySignInStore::DoUnlinkIdentity(const std::string& user_id,
                                           const std::string& provider) {
  std::lock_guard lock(mutex_);
  const std::size_t removed = std::erase_if(identities_, [&](const auto& entry) {
    return entry.second.user_id == user_id && entry.second.provider == provider;
  });
  if (removed == 0) return IdentityNotLinked("user " + user_id + " has no identity at " + provider);
  return Status();
}

}  // namespace motcua
