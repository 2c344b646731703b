// provider_discovery.h: one OpenID provider's metadata, fetched from its
// discovery document (DiscoveryUrl of the configured issuer) through the
// provider-document port (jwks_fetcher.h, the HTTPS client in production),
// checked (ParseDiscoveryDocument, engine/domain/oidc_discovery.h) and kept.
//
// The first Metadata() fetches. The metadata is then served from the cache
// and refetched once it is older than `refresh_interval` (on the injected
// Clock); a refetch that fails or returns a document that is refused keeps
// the metadata cached before (logged) and is tried again `retry_interval`
// later, so a provider's brief outage does not stop sign-in. Without cached metadata a failed
// attempt is returned as its error, and the next attempt waits `retry_interval` after it: within
// that interval Metadata() returns the last error without fetching, so a burst of logins cannot
// hammer a provider that is down.
//
// Errors of Metadata(): the fetcher's error (kUnavailable), or
// ParseDiscoveryDocument's ("oidc_discovery_refused", kUnavailable).
//
// Thread safety: Metadata() may be called from many threads; one fetch runs
// at a time (callers wait for it rather than fetching again). The fetcher
// and clock must outlive this object.
//
// Example:
//   ProviderDiscovery discovery({.issuer = config.issuer}, https_client, clock);
//   // On an error the login page says "try later".
//   ASSIGN_OR_RETURN(ProviderMetadata metadata, discovery.Metadata());
//   JwksCache keys(metadata.jwks_uri, https_client, importer, clock);
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string_view>

#include "engine/domain/clock.h"
#include "engine/domain/oidc_discovery.h"
#include "engine/domain/status.h"
#include "engine/service/jwks_fetcher.h"

namespace motcua {

struct ProviderDiscoveryOptions {
  std::chrono::seconds refresh_interval{24 * 3600};
  std::chrono::seconds retry_interval{30};
  std::function<void(std::string_view)> log;  // one line per problem; may be empty
};

class ProviderDiscovery {
 public:
  ProviderDiscovery(DiscoveryExpectations expectations, const JwksFetcher& fetcher,
                    const Clock& clock, ProviderDiscoveryOptions options = {});
  ProviderDiscovery(const ProviderDiscovery&) = delete;
  ProviderDiscovery& operator=(const ProviderDiscovery&) = delete;

  Result<ProviderMetadata> Metadata();

 private:
  Result<ProviderMetadata> FetchAndParse() const;

  const DiscoveryExpectations expectations_;
  const JwksFetcher& fetcher_;
  const Clock& clock_;
  const ProviderDiscoveryOptions options_;

  std::mutex mutex_;                          // held during a fetch: one at a time
  std::optional<ProviderMetadata> metadata_;  // guarded by mutex_
  Instant fetched_at_{};                      // guarded by mutex_
  std::optional<Error> last_failure_;         // guarded by mutex_, only while nothing is cached
  Instant failed_at_{};                       // guarded by mutex_
};

}  // namespace motcua
