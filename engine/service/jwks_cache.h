// jwks_cache.h: the signing keys of one OpenID provider, fetched from its
// jwks_uri and kept, following key rotation (a JwsKeySource, see
// engine/domain/jws_public_key.h).
//
// The first FindKey fetches the key set. A key id that is not in the set
// refetches it once, so a key the provider has just rotated in is found;
// refetches are rate-limited to one per `min_refetch_interval` (measured on
// the injected Clock, counting failed fetches too), so tokens with invented
// key ids cannot make the engine hammer the provider. Within the interval an
// unknown kid is refused at once. A refetch replaces the whole set: a key the
// provider withdrew stops verifying.
//
// The document must be a JSON object whose "keys" is an array, at most
// `max_document_bytes` long and nested at most 8 levels; the first
// `max_keys` members are imported with the JwkImporter. A member that cannot
// be imported (a private key, an unsupported type, an encryption key), or
// that repeats an earlier member's kid, is skipped and logged with its
// reason; the other members still count. A document that cannot be fetched
// or read is logged and leaves the cached set as it was.
//
// Errors of FindKey, all IdTokenRefused (id_token_refusal.h):
//   kUnknownKid       no key with that kid after the refetch, or inside the
//                     refetch interval (without a kid: not exactly one key
//                     fits the algorithm);
//   kKeysUnavailable  (code kUnavailable) the fetch that was due failed or
//                     returned an unreadable document, and no cached key
//                     answers.
//
// Thread safety: FindKey may be called from many threads. One fetch runs at
// a time; a thread that needs a key while it runs waits for it and then
// looks again, rather than fetching a second time. The fetcher, importer
// and clock must outlive the cache.
//
// Example:
//   JwksCache keys(provider.jwks_uri, https_fetcher, jwk_importer, clock,
//                  {.log = [](std::string_view line) { std::cerr << line << '\n'; }});
//   Result<IdTokenClaims> claims = verifier.Verify(token, policy, keys);
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/jws_public_key.h"
#include "engine/domain/status.h"
#include "engine/service/jwks_fetcher.h"

namespace motcua {

struct JwksCacheOptions {
  std::chrono::seconds min_refetch_interval{60};
  std::size_t max_document_bytes = 256 * 1024;
  std::size_t max_keys = 64;
  std::function<void(std::string_view)> log;  // one line per problem; may be empty
};

class JwksCache final : public JwsKeySource {
 public:
  JwksCache(std::string jwks_uri, const JwksFetcher& fetcher, const JwkImporter& importer,
            const Clock& clock, JwksCacheOptions options = {});
  JwksCache(const JwksCache&) = delete;
  JwksCache& operator=(const JwksCache&) = delete;

  Result<std::shared_ptr<const JwsPublicKey>> FindKey(const std::optional<std::string>& key_id,
                                                      JwsAlgorithm algorithm) override;

 private:
  using Keys = std::vector<std::shared_ptr<const JwsPublicKey>>;

  // The cached key that answers, or null. Caller holds mutex_.
  std::shared_ptr<const JwsPublicKey> Lookup(const std::optional<std::string>& key_id,
                                             JwsAlgorithm algorithm) const;
  // Fetches and imports the key set; called without mutex_ held.
  Result<Keys> FetchKeys() const;
  void Log(const std::string& line) const;

  const std::string jwks_uri_;
  const JwksFetcher& fetcher_;
  const JwkImporter& importer_;
  const Clock& clock_;
  const JwksCacheOptions options_;

  std::mutex mutex_;
  std::condition_variable fetch_finished_;
  bool fetching_ = false;              // guarded by mutex_
  std::optional<Instant> last_fetch_;  // guarded by mutex_
  Keys keys_;                          // guarded by mutex_
};

}  // namespace motcua
