// oidc_providers.h: loads the OpenID provider configuration of
// `motcua serve --oidc-config FILE` (format: engine/domain/oidc_provider_config.h,
// example: tools/oidc-providers.example.json) with what each provider needs
// at run time: its client secret and an HTTPS client trusting its CA file.
//
// LoadOidcProviders fails, with a message naming FILE and what is wrong, when:
//   - FILE cannot be read or is not JSON within kOidcConfigJsonLimits;
//   - the document is refused by ParseOidcProviderConfig (every problem with
//     its JSON pointer, reason "oidc_config_invalid");
//   - a client_secret_file cannot be read, is readable or writable by group or others (reason
//     "key_file_permissions"), or holds an empty secret (a trailing line
//     break is not part of the secret);
//   - a ca_file cannot be loaded (kInvalidArgument).
// Relative client_secret_file and ca_file paths are relative to FILE's
// directory.
// The secret is read once, here; it is never logged.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "api/outbound_http.h"
#include "engine/domain/json_parse.h"
#include "engine/domain/oidc_provider_config.h"
#include "engine/domain/status.h"

namespace motcua::cli {

inline constexpr JsonLimits kOidcConfigJsonLimits{.max_depth = 8, .max_bytes = 256 * 1024};

struct LoadedOidcProvider {
  OidcProviderConfig config;
  std::string client_secret;
  // Verifies this provider's certificates (ca_file or the system store).
  std::shared_ptr<const OutboundHttpClient> http;
};

Result<std::vector<LoadedOidcProvider>> LoadOidcProviders(const std::string& path);

}  // namespace motcua::cli
