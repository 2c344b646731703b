// oidc_discovery.h: an OpenID provider's metadata (OpenID Connect Discovery
// 1.0, section 3), read from its discovery document and checked against
// what this engine was configured to expect of that provider.
//
// ParseDiscoveryDocument accepts the document only if:
//   - it is a JSON object within kDiscoveryJsonLimits;
//   - "issuer" is exactly expectations.issuer (section 4.3: a document
//     naming another issuer could hand out another provider's keys);
//   - "authorization_endpoint", "token_endpoint" and "jwks_uri" are present,
//     and these and the optional "userinfo_endpoint" and
//     "end_session_endpoint" are https URLs, or loopback http URLs when
//     expectations.allow_loopback_http is set (http_url.h);
//   - "response_types_supported" is an array of strings containing "code";
//   - "code_challenge_methods_supported", when present, contains "S256"
//     (absent: the provider does not say, and PKCE is sent anyway);
//   - "id_token_signing_alg_values_supported" is an array of strings, and
//     at least one of them is in expectations.allowed_algorithms;
//   - "token_endpoint_auth_methods_supported", when present, is an array
//     of strings (absent means client_secret_basic, section 3).
// Other members are ignored. Every refusal is kUnavailable (the provider
// cannot be used until it or the configuration is fixed), reason
// "oidc_discovery_refused", one FieldError with the member's JSON pointer,
// and a message "discovery document of ISSUER: POINTER: sentence".
//
// Thread safety: pure functions.
//
// Example:
//   Result<std::string> text = fetcher.Fetch(DiscoveryUrl(provider.issuer));
//   Result<ProviderMetadata> metadata = ParseDiscoveryDocument(*text, expectations);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/json_parse.h"
#include "engine/domain/jws.h"
#include "engine/domain/status.h"

namespace motcua {

// Real documents are a few KB and nest two levels (mtls_endpoint_aliases).
inline constexpr JsonLimits kDiscoveryJsonLimits{.max_depth = 8, .max_bytes = 256 * 1024};

// What the configuration says about a provider.
struct DiscoveryExpectations {
  std::string issuer;
  std::vector<JwsAlgorithm> allowed_algorithms = {JwsAlgorithm::kRs256, JwsAlgorithm::kPs256,
                                                  JwsAlgorithm::kEs256, JwsAlgorithm::kEdDsa};
  bool allow_loopback_http = false;  // test providers on 127.0.0.1 only
};

struct ProviderMetadata {
  std::string issuer;
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::optional<std::string> userinfo_endpoint;
  std::optional<std::string> end_session_endpoint;  // RP-initiated logout
  // The provider's algorithms that are also allowed, in the order of
  // expectations.allowed_algorithms; never empty.
  std::vector<JwsAlgorithm> id_token_algorithms;
  // As published, or {"client_secret_basic"} when absent.
  std::vector<std::string> token_endpoint_auth_methods;
};

// `issuer` with any trailing '/' removed, then
// "/.well-known/openid-configuration" (section 4).
std::string DiscoveryUrl(std::string_view issuer);

// The metadata in `document`, checked; see the file comment.
Result<ProviderMetadata> ParseDiscoveryDocument(std::string_view document,
                                                const DiscoveryExpectations& expectations);

}  // namespace motcua
