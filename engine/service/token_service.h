// token_service.h: issuing and checking bearer tokens.
//
// A token is a random secret shown once to its owner; the IdentityStore keeps
// only its hash. Authenticate turns a presented secret into the Actor of its
// user, or kUnauthenticated (reason "invalid_token") without saying whether
// the token was unknown, expired, revoked or its user disabled.
//
// Successful authentications are cached for up to 30 seconds (bounded), so
// the API reads one counter instead of the token and its user on every
// request. A cached entry is used only while the store's IdentityGeneration
// is the one it was cached under: any revocation or change to a user, by
// this service or by another process on the same store (`motcua token
// revoke`), takes effect on the very next request. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/domain/clock.h"
#include "engine/domain/identity.h"
#include "engine/domain/token_crypto.h"

namespace motcua {

class TokenService {
 public:
  TokenService(IdentityStore& store, const TokenCrypto& crypto, const Clock& clock)
      : store_(store), crypto_(crypto), clock_(clock) {}

  struct Issued {
    std::string secret;  // give to the user; not stored anywhere
    TokenRecord record;
  };
  // kNotFound for an unknown user; kFailedPrecondition for a disabled one.
  Result<Issued> Issue(const std::string& user_id, const std::string& label,
                       std::chrono::seconds ttl);

  Result<Actor> Authenticate(std::string_view secret);

  Status Revoke(const std::string& token_hash);

  // Drops cached authentications of the user, so that a change to the user
  // (disabled, new roles or agency) takes effect on their next request.
  void ForgetUser(const std::string& user_id);

 private:
  static constexpr std::chrono::seconds kCacheTtl{30};
  static constexpr std::size_t kCacheCapacity = 10000;

  struct Cached {
    Actor actor;
    Instant token_expires;
    Instant cached_until;
  };
  // Empties the cache when the store's generation moved since it was filled.
  // Called with mutex_ held.
  void DropCacheIfStale(std::int64_t generation);

  IdentityStore& store_;
  const TokenCrypto& crypto_;
  const Clock& clock_;
  std::mutex mutex_;
  std::map<std::string, Cached> cache_;  // by token hash
  std::int64_t cache_generation_ = -1;   // the store's generation cache_ was filled under
};

}  // namespace motcua
