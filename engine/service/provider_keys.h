// provider_keys.h: the signing keys of one OpenID provider as a JwsKeySource,
// found at whatever jwks_uri its discovery document names now.
//
// The key cache (jwks_cache.h) is made for one jwks_uri, which is only known
// once discovery succeeded. ProviderKeys asks `metadata` (the provider's
// ProviderDiscovery::Metadata in production) on every FindKey, makes a
// JwksCache for its jwks_uri the first time, and a fresh one when a refreshed
// document names another jwks_uri (keys of the old URI stop verifying).
//
// Errors of FindKey: the metadata's error (discovery failed, kUnavailable),
// else JwksCache::FindKey's.
//
// Thread safety: FindKey may be called from many threads; the fetcher,
// importer and clock must outlive it.
//
// Example:
//   ProviderKeys keys([&discovery] { return discovery.Metadata(); }, https, importer, clock);
//   Result<IdTokenClaims> claims = verifier.Verify(token, policy, keys);
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/jws_public_key.h"
#include "engine/domain/oidc_discovery.h"
#include "engine/domain/status.h"
#include "engine/service/jwks_cache.h"
#include "engine/service/jwks_fetcher.h"

namespace motcua {

using ProviderMetadataSource = std::function<Result<ProviderMetadata>()>;

class ProviderKeys final : public JwsKeySource {
 public:
  ProviderKeys(ProviderMetadataSource metadata, const JwksFetcher& fetcher,
               const JwkImporter& importer, const Clock& clock, JwksCacheOptions options = {});

  Result<std::shared_ptr<const JwsPublicKey>> FindKey(const std::optional<std::string>& key_id,
                                                      JwsAlgorithm algorithm) override;

 private:
  const ProviderMetadataSource metadata_;
  const JwksFetcher& fetcher_;
  const JwkImporter& importer_;
  const Clock& clock_;
  const JwksCacheOptions options_;

  std::mutex mutex_;
  std::shared_ptr<JwksCache> cache_;  // guarded by mutex_; for cache_uri_
  std::string cache_uri_;             // guarded by mutex_
};

}  // namespace motcua
