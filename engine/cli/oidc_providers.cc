#include "engine/cli/oidc_providers.h"

#include <filesystem>
#include <utility>

#include "engine/cli/files.h"
#include "engine/crypto/key_file.h"
#include "engine/domain/status_macros.h"

namespace motcua::cli {
namespace {

Error Prefixed(const std::string& path, const Error& error) {
  return Error(error.code(), path + ": " + error.message(), error.reason(), error.fields());
}

// `file` as written in the configuration, resolved against its directory.
std::string Resolve(const std::string& config_path, const std::string& file) {
  const std::filesystem::path written(file);
  if (written.is_absolute()) return file;
  return (std::filesystem::path(config_path).parent_path() / written).string();
}

}  // namespace

Result<std::vector<LoadedOidcProvider>> LoadOidcProviders(const std::string& path) {
  ASSIGN_OR_RETURN(nlohmann::json document, ReadJsonFile(path, kOidcConfigJsonLimits));
  Result<std::vector<OidcProviderConfig>> configs = ParseOidcProviderConfig(document);
  if (!configs.ok()) return Prefixed(path, configs.error());
  std::vector<LoadedOidcProvider> loaded;
  for (OidcProviderConfig& config : *configs) {
    const std::string where = path + ": provider \"" + config.id + "\"";
    Result<std::string> secret = ReadKeyFile(Resolve(path, config.client_secret_file), true);
    if (!secret.ok()) return Prefixed(where, secret.error());
    std::string client_secret = std::move(secret).value();
    while (!client_secret.empty() &&
           (client_secret.back() == '\n' || client_secret.back() == '\r')) {
      client_secret.pop_back();
    }
    if (client_secret.empty()) {
      return Error(ErrorCode::kInvalidArgument, where + ": the client secret file is empty");
    }
    OutboundHttpOptions http_options;
    if (!config.ca_file.empty()) http_options.ca_file = Resolve(path, config.ca_file);
    Result<std::unique_ptr<OutboundHttpClient>> http = OutboundHttpClient::Create(http_options);
    if (!http.ok()) return Prefixed(where, http.error());
    loaded.push_back(
        LoadedOidcProvider{std::move(config), std::move(client_secret), std::move(http).value()});
  }
  return loaded;
}

}  // namespace motcua::cli
