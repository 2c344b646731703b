// oidc_provider_config.h: the OpenID providers this engine accepts sign-ins
// from, as an operator writes them in the file given to
// `motcua serve --oidc-config FILE` (an example: tools/oidc-providers.example.json).
//
// The document is {"providers": [PROVIDER, ...]} with 1-32 providers, each
// an object with exactly these members (any other member is refused, so a
// misspelt option never silently falls back to a default):
//   id                  required; 1-32 of a-z 0-9 - _; unique in the file
//   kind                required; "citizen" or "staff"; at most one citizen
//                       provider
//   issuer              required; https URL, compared exactly with the
//                       discovery document's and the ID token's iss
//   client_id           required; 1-255 bytes
//   client_secret_file  required; a file only its owner may read (checked
//                       when loaded, not here), relative to the config
//                       file's directory unless absolute
//   redirect_uri        required; https URL (this engine's callback)
//   scopes              array of scope names, must contain "openid";
//                       default ["openid"]
//   identity_claim      citizens only, required: the claim naming the
//                       person (e.g. "national_id", a 12-digit number)
//   agency              staff only, required: the agency code its staff
//                       belong to
//   allowed_algorithms  non-empty array of "RS256", "PS256", "ES256",
//                       "EdDSA"; default all four
//   clock_skew_seconds  integer 0-300; default 60
//   jwks_refetch_interval_seconds
//                       integer 1-3600; default 60: an unknown kid refetches
//                       the provider's key set at most this often
//   ca_file             PEM file of CAs to trust for this provider instead
//                       of the system trust store (relative as
//                       client_secret_file); default: system store
//   allow_loopback_http boolean, tests only: lets issuer, redirect_uri and
//                       the discovered endpoints be http:// to a loopback
//                       host; default false
// Every problem is reported, not only the first: kInvalidArgument, reason
// "oidc_config_invalid", one FieldError per problem with its JSON pointer
// (e.g. "/providers/1/kind"), and a message listing them as
// "POINTER: sentence" separated by "; ".
//
// Thread safety: pure functions.
//
// Example:
//   Result<std::vector<OidcProviderConfig>> providers = ParseOidcProviderConfig(document);
//   DiscoveryExpectations expectations = DiscoveryExpectationsOf(providers->front());
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/domain/jws.h"
#include "engine/domain/oidc_discovery.h"
#include "engine/domain/status.h"

namespace motcua {

enum class OidcProviderKind { kCitizen, kStaff };

struct OidcProviderConfig {
  std::string id;
  OidcProviderKind kind = OidcProviderKind::kCitizen;
  std::string issuer;
  std::string client_id;
  std::string client_secret_file;  // as written in the file
  std::string redirect_uri;
  std::vector<std::string> scopes = {"openid"};
  std::string identity_claim;  // citizens
  std::string agency;          // staff
  std::vector<JwsAlgorithm> allowed_algorithms = {JwsAlgorithm::kRs256, JwsAlgorithm::kPs256,
                                                  JwsAlgorithm::kEs256, JwsAlgorithm::kEdDsa};
  std::chrono::seconds clock_skew{60};
  std::chrono::seconds jwks_refetch_interval{60};
  std::string ca_file;
  bool allow_loopback_http = false;
};

// The providers in `document`; see the file comment.
Result<std::vector<OidcProviderConfig>> ParseOidcProviderConfig(const nlohmann::json& document);

// What discovery must find for `provider` (its issuer, algorithms, and
// whether loopback http is allowed).
DiscoveryExpectations DiscoveryExpectationsOf(const OidcProviderConfig& provider);

}  // namespace motcua
