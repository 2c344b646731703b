#include "engine/domain/oidc_discovery.h"

#include <algorithm>

#include "engine/domain/http_url.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

using nlohmann::json;

Error Refused(const std::string& issuer, const std::string& pointer, const std::string& why) {
  return Error(
      ErrorCode::kUnavailable,
      "discovery document of " + issuer + ": " + (pointer.empty() ? "/" : pointer) + ": " + why,
      ErrorReason::kOidcDiscoveryRefused, {FieldError{pointer, why}});
}

// The array of strings at `name`, nullopt when absent; an error when present
// and not an array of strings.
Result<std::optional<std::vector<std::string>>> StringArray(const json& document,
                                                            const std::string& issuer,
                                                            const char* name) {
  const auto found = document.find(name);
  if (found == document.end()) return std::optional<std::vector<std::string>>();
  const std::string pointer = std::string("/") + name;
  if (!found->is_array()) return Refused(issuer, pointer, "must be an array of strings");
  std::vector<std::string> values;
  for (const json& value : *found) {
    if (!value.is_string()) return Refused(issuer, pointer, "must be an array of strings");
    values.push_back(value.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(values));
}

bool Contains(const std::vector<std::string>& values, std::string_view wanted) {
  return std::find(values.begin(), values.end(), wanted) != values.end();
}

}  // namespace

std::string DiscoveryUrl(std::string_view issuer) {
  while (!issuer.empty() && issuer.back() == '/') issuer.remove_suffix(1);
  return std::string(issuer) + "/.well-known/openid-configuration";
}

Result<ProviderMetadata> ParseDiscoveryDocument(std::string_view document,
                                                const DiscoveryExpectations& expectations) {
  const std::string& issuer = expectations.issuer;
  Result<json> parsed = ParseJson(document, kDiscoveryJsonLimits);
  if (!parsed.ok()) return Refused(issuer, "", parsed.error().message());
  const json& root = *parsed;
  if (!root.is_object()) return Refused(issuer, "", "must be a JSON object");

  ProviderMetadata metadata;
  struct UrlMember {
    const char* name;
    bool required;
    std::string* value;
    std::optional<std::string>* optional_value;
  };
  const auto issuer_member = root.find("issuer");
  if (issuer_member == root.end() || !issuer_member->is_string()) {
    return Refused(issuer, "/issuer", "must be a string");
  }
  if (issuer_member->get<std::string>() != issuer) {
    return Refused(issuer, "/issuer",
                   "names another issuer, " + issuer_member->dump().substr(0, 200) +
                       " (it must equal the configured issuer exactly)");
  }
  metadata.issuer = issuer;
  for (const UrlMember& member :
       {UrlMember{"authorization_endpoint", true, &metadata.authorization_endpoint, nullptr},
        UrlMember{"token_endpoint", true, &metadata.token_endpoint, nullptr},
        UrlMember{"jwks_uri", true, &metadata.jwks_uri, nullptr},
        UrlMember{"userinfo_endpoint", false, nullptr, &metadata.userinfo_endpoint},
        UrlMember{"end_session_endpoint", false, nullptr, &metadata.end_session_endpoint}}) {
    const std::string pointer = std::string("/") + member.name;
    const auto found = root.find(member.name);
    if (found == root.end()) {
      if (member.required) return Refused(issuer, pointer, "is missing");
      continue;
    }
    if (!found->is_string()) return Refused(issuer, pointer, "must be a string");
    const std::string url = found->get<std::string>();
    if (!IsAllowedProviderUrl(url, expectations.allow_loopback_http)) {
      return Refused(issuer, pointer,
                     expectations.allow_loopback_http
                         ? "must be an https URL or an http URL to a loopback host"
                         : "must be an https URL");
    }
    if (member.value != nullptr) *member.value = url;
    if (member.optional_value != nullptr) *member.optional_value = url;
  }

  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> response_types,
                   StringArray(root, issuer, "response_types_supported"));
  if (!response_types.has_value() || !Contains(*response_types, "code")) {
    return Refused(issuer, "/response_types_supported",
                   "must list \"code\" (the authorization code flow)");
  }
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> pkce_methods,
                   StringArray(root, issuer, "code_challenge_methods_supported"));
  if (pkce_methods.has_value() && !Contains(*pkce_methods, "S256")) {
    return Refused(issuer, "/code_challenge_methods_supported", "must list \"S256\" (PKCE)");
  }
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> algorithms,
                   StringArray(root, issuer, "id_token_signing_alg_values_supported"));
  if (!algorithms.has_value()) {
    return Refused(issuer, "/id_token_signing_alg_values_supported", "is missing");
  }
  for (const JwsAlgorithm allowed : expectations.allowed_algorithms) {
    if (Contains(*algorithms, JwsAlgorithmName(allowed))) {
      metadata.id_token_algorithms.push_back(allowed);
    }
  }
  if (metadata.id_token_algorithms.empty()) {
    std::string allowed;
    for (const JwsAlgorithm algorithm : expectations.allowed_algorithms) {
      allowed += (allowed.empty() ? "" : ", ") + std::string(JwsAlgorithmName(algorithm));
    }
    return Refused(issuer, "/id_token_signing_alg_values_supported",
                   "lists none of the algorithms allowed for this provider (" + allowed + ")");
  }
  ASSIGN_OR_RETURN(std::optional<std::vector<std::string>> auth_methods,
                   StringArray(root, issuer, "token_endpoint_auth_methods_supported"));
  metadata.token_endpoint_auth_methods =
      auth_methods.value_or(std::vector<std::string>{"client_secret_basic"});
  return metadata;
}

}  // namespace motcua
