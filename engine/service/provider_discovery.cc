#include "engine/service/provider_discovery.h"

#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {

ProviderDiscovery::ProviderDiscovery(DiscoveryExpectations expectations, const JwksFetcher& fetcher,
                                     const Clock& clock, ProviderDiscoveryOptions options)
    : expectations_(std::move(expectations)),
      fetcher_(fetcher),
      clock_(clock),
      options_(std::move(options)) {}

Result<ProviderMetadata> ProviderDiscovery::FetchAndParse() const {
  ASSIGN_OR_RETURN(std::string document, fetcher_.Fetch(DiscoveryUrl(expectations_.issuer)));
  return ParseDiscoveryDocument(document, expectations_);
}

Result<ProviderMetadata> ProviderDiscovery::Metadata() {
  std::lock_guard lock(mutex_);
  const Instant now = clock_.Now();
  if (metadata_ && now - fetched_at_ < options_.refresh_interval) return *metadata_;
  if (!metadata_ && last_failure_ && now - failed_at_ < options_.retry_interval) {
    return *last_failure_;
  }
  Result<ProviderMetadata> fetched = FetchAndParse();
  if (fetched.ok()) {
    metadata_ = *fetched;
    fetched_at_ = now;
    last_failure_.reset();
    return fetched;
  }
  if (options_.log) {
    options_.log("oidc discovery of " + expectations_.issuer + " failed" +
                 (metadata_ ? " (keeping the metadata fetched before)" : "") + ": " +
                 fetched.error().message());
  }
  if (metadata_) {
    // Served as fresh until retry_interval from now: then fetched again.
    fetched_at_ = now - options_.refresh_interval + options_.retry_interval;
    return *metadata_;
  }
  last_failure_ = fetched.error();
  failed_at_ = now;
  return fetched;
}

}  // namespace motcua
