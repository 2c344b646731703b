#include "engine/service/provider_keys.h"

#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {

ProviderKeys::ProviderKeys(ProviderMetadataSource metadata, const JwksFetcher& fetcher,
                           const JwkImporter& importer, const Clock& clock,
                           JwksCacheOptions options)
    : metadata_(std::move(metadata)),
      fetcher_(fetcher),
      importer_(importer),
      clock_(clock),
      options_(std::move(options)) {}

Result<std::shared_ptr<const JwsPublicKey>> ProviderKeys::FindKey(
    const std::optional<std::string>& key_id, JwsAlgorithm algorithm) {
  ASSIGN_OR_RETURN(ProviderMetadata metadata, metadata_());
  std::shared_ptr<JwksCache> cache;
  {
    std::lock_guard lock(mutex_);
    if (cache_ == nullptr || cache_uri_ != metadata.jwks_uri) {
      cache_ =
          std::make_shared<JwksCache>(metadata.jwks_uri, fetcher_, importer_, clock_, options_);
      cache_uri_ = metadata.jwks_uri;
    }
    cache = cache_;
  }
  return cache->FindKey(key_id, algorithm);
}

}  // namespace motcua
