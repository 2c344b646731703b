#include "engine/service/token_service.h"

#include <algorithm>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

Error InvalidToken() {
  return Error(ErrorCode::kUnauthenticated, "the bearer token is not valid",
               ErrorReason::kInvalidToken);
}

}  // namespace

Result<TokenService::Issued> TokenService::Issue(const std::string& user_id,
                                                 const std::string& label,
                                                 std::chrono::seconds ttl) {
  ASSIGN_OR_RETURN(User user, store_.GetUser(user_id));
  if (user.disabled) {
    return Error(ErrorCode::kFailedPrecondition, "user " + user_id + " is disabled",
                 ErrorReason::kUserDisabled);
  }
  Issued issued;
  issued.secret = crypto_.NewSecret();
  issued.record.token_hash = crypto_.Hash(issued.secret);
  issued.record.user_id = user_id;
  issued.record.label = label;
  issued.record.created_at = clock_.Now();
  issued.record.expires_at = issued.record.created_at + ttl;
  RETURN_IF_ERROR(store_.CreateToken(issued.record));
  return issued;
}

Result<Actor> TokenService::Authenticate(std::string_view secret) {
  // Secrets are short; anything long or empty is refused before hashing.
  if (secret.empty() || secret.size() > 256) return InvalidToken();
  const std::string hash = crypto_.Hash(secret);
  const Instant now = clock_.Now();
  // Read before the token: a revocation committed after this read changes
  // the generation, so what is cached below is dropped at the next use.
  ASSIGN_OR_RETURN(std::int64_t generation, store_.IdentityGeneration());
  {
    std::lock_guard lock(mutex_);
    DropCacheIfStale(generation);
    auto cached = cache_.find(hash);
    if (cached != cache_.end()) {
      if (now < cached->second.cached_until && now < cached->second.token_expires) {
        return cached->second.actor;
      }
      cache_.erase(cached);
    }
  }
  Result<TokenRecord> token = store_.GetToken(hash);
  if (!token.ok()) {
    return token.error().code() == ErrorCode::kNotFound ? InvalidToken() : token.error();
  }
  if (token->revoked_at || now >= token->expires_at) return InvalidToken();
  Result<User> user = store_.GetUser(token->user_id);
  if (!user.ok() || user->disabled) return InvalidToken();
  Actor actor = user->AsActor();
  actor.authenticated_by = AuthMethod::kBearerToken;

  std::lock_guard lock(mutex_);
  DropCacheIfStale(generation);
  if (cache_generation_ == generation) {
    if (cache_.size() >= kCacheCapacity) cache_.clear();  // crude but bounded
    cache_[hash] = Cached{actor, token->expires_at, now + kCacheTtl};
  }
  return actor;
}

void TokenService::DropCacheIfStale(std::int64_t generation) {
  if (generation == cache_generation_) return;
  // A concurrent request may have read an older generation; it must not
  // bring the cache back to that one.
  if (generation < cache_generation_) return;
  cache_.clear();
  cache_generation_ = generation;
}

Status TokenService::Revoke(const std::string& token_hash) {
  {
    std::lock_guard lock(mutex_);
    cache_.erase(token_hash);
  }
  return store_.RevokeToken(token_hash, clock_.Now());
}

void TokenService::ForgetUser(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  std::erase_if(cache_, [&](const auto& entry) { return entry.second.actor.user_id == user_id; });
}

}  // namespace motcua
