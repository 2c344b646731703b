#include "tests/fakes/memory_identity_store.h"

#include <algorithm>

namespace motcua {

Status MemoryIdentityStore::CreateUser(const User& user) {
  std::lock_guard lock(mutex_);
  if (!users_.emplace(user.id, user).second) {
    return Error(ErrorCode::kConflict, "user " + user.id + " already exists",
                 ErrorReason::kUserExists);
  }
  return Status();
}

Status MemoryIdentityStore::UpdateUser(const User& user) {
  std::lock_guard lock(mutex_);
  auto found = users_.find(user.id);
  if (found == users_.end()) {
    return Error(ErrorCode::kNotFound, "user " + user.id + " does not exist",
                 ErrorReason::kUserNotFound);
  }
  const Instant created = found->second.created_at;
  ++generation_;
  found->second = user;
  found->second.created_at = created;
  return Status();
}

Result<User> MemoryIdentityStore::GetUser(const std::string& id) {
  std::lock_guard lock(mutex_);
  auto found = users_.find(id);
  if (found == users_.end()) {
    return Error(ErrorCode::kNotFound, "user " + id + " does not exist",
                 ErrorReason::kUserNotFound);
  }
  return found->second;
}

Result<std::vector<User>> MemoryIdentityStore::ListUsers(std::optional<std::string> agency) {
  std::lock_guard lock(mutex_);
  std::vector<User> result;
  for (const auto& [id, user] : users_) {
    if (!agency || user.agency == *agency) result.push_back(user);
  }
  return result;
}

Result<std::int64_t> MemoryIdentityStore::CountUsers() {
  std::lock_guard lock(mutex_);
  return static_cast<std::int64_t>(users_.size());
}

Status MemoryIdentityStore::CreateToken(const TokenRecord& token) {
  std::lock_guard lock(mutex_);
  if (users_.count(token.user_id) == 0) {
    return Error(ErrorCode::kConflict, "token for an unknown user", ErrorReason::kUserNotFound);
  }
  if (!tokens_.emplace(token.token_hash, token).second) {
    return Error(ErrorCode::kConflict, "token exists", ErrorReason::kTokenExists);
  }
  return Status();
}

Result<TokenRecord> MemoryIdentityStore::GetToken(const std::string& token_hash) {
  std::lock_guard lock(mutex_);
  auto found = tokens_.find(token_hash);
  if (found == tokens_.end())
    return Error(ErrorCode::kNotFound, "no such token", ErrorReason::kTokenNotFound);
  return found->second;
}

Result<std::vector<TokenRecord>> MemoryIdentityStore::ListTokens(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  std::vector<TokenRecord> result;
  for (const auto& [hash, token] : tokens_) {
    if (token.user_id == user_id) result.push_back(token);
  }
  std::stable_sort(result.begin(), result.end(), [](const TokenRecord& a, const TokenRecord& b) {
    return a.created_at > b.created_at;
  });
  return result;
}

Status MemoryIdentityStore::RevokeToken(const std::string& token_hash, Instant at) {
  std::lock_guard lock(mutex_);
  auto found = tokens_.find(token_hash);
  if (found != tokens_.end() && !found->second.revoked_at) {
    found->second.revoked_at = at;
    ++generation_;
  }
  return Status();
}

Result<std::int64_t> MemoryIdentityStore::IdentityGeneration() {
  std::lock_guard lock(mutex_);
  return generation_;
}

std::vector<TokenRecord> MemoryIdentityStore::Tokens() const {
  std::lock_guard lock(mutex_);
  std::vector<TokenRecord> result;
  for (const auto& [hash, token] : tokens_) result.push_back(token);
  return result;
}

}  // namespace motcua
