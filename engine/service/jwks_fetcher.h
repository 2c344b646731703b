// jwks_fetcher.h: the port through which the key cache (jwks_cache.h) gets
// a provider's JWKS document (RFC 7517 section 5), and provider discovery
// (provider_discovery.h) its discovery document: both are a GET of a JSON
// document at a URL the provider publishes.
//
// Production implements it with the HTTPS client (api/outbound_http.h:
// certificate verification, timeouts, a response-size limit, plain HTTP only
// to loopback); tests use a fake that returns canned documents and counts
// the calls.
//
// Contract: Fetch returns the body of a successful response, or an error
// (kUnavailable for a network failure, a timeout, a non-2xx status or a body
// over the client's limit). It must bound its own time, and it must be
// thread-safe: caches of several providers may fetch at once (one cache
// never runs two fetches at once).
#pragma once

#include <string>

#include "engine/domain/status.h"

namespace motcua {

class JwksFetcher {
 public:
  virtual ~JwksFetcher() = default;
  virtual Result<std::string> Fetch(const std::string& jwks_uri) const = 0;
};

}  // namespace motcua
