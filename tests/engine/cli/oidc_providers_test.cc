#include "engine/cli/oidc_providers.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/cli/files.h"
#include "tests/engine/cli/run_cli.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua::cli {
namespace {

using nlohmann::json;

json Provider() {
  return {{"id", "vneid"},
          {"kind", "citizen"},
          {"issuer", "https://sso.example.gov.vn"},
          {"client_id", "motcua"},
          {"client_secret_file", "vneid.secret"},
          {"redirect_uri", "https://motcua.example.gov.vn/auth/callback/vneid"},
          {"identity_claim", "national_id"}};
}

struct ConfigDir {
  ConfigDir() { WriteSecret("vneid.secret", "s3cret-from-the-provider\n", 0600); }
  void WriteSecret(const std::string& name, const std::string& secret, mode_t mode) {
    std::ofstream(dir.File(name)) << secret;
    REQUIRE(chmod(dir.File(name).c_str(), mode) == 0);
  }
  std::string WriteConfig(const json& provider) {
    std::ofstream(dir.File("oidc.json")) << json{{"providers", {provider}}}.dump(2);
    return dir.File("oidc.json");
  }
  TempDirectory dir;
};

TEST_CASE("oidc_providers: loads the providers with their secrets, relative to the file") {
  ConfigDir config;
  Result<std::vector<LoadedOidcProvider>> loaded =
      LoadOidcProviders(config.WriteConfig(Provider()));
  REQUIRE(loaded.ok());
  REQUIRE(loaded->size() == 1);
  CHECK(loaded->front().config.id == "vneid");
  CHECK(loaded->front().client_secret == "s3cret-from-the-provider");
  CHECK(loaded->front().http != nullptr);
}

TEST_CASE("oidc_providers: a secret file others may read is refused") {
  ConfigDir config;
  config.WriteSecret("vneid.secret", "s3cret", 0644);
  Result<std::vector<LoadedOidcProvider>> loaded =
      LoadOidcProviders(config.WriteConfig(Provider()));
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().code() == ErrorCode::kFailedPrecondition);
  CHECK(loaded.error().reason() == ErrorReason::kKeyFilePermissions);
  CHECK(loaded.error().message().find("provider \"vneid\"") != std::string::npos);
  CHECK(loaded.error().message().find("mode 0644") != std::string::npos);
  config.WriteSecret("vneid.secret", "s3cret", 0640);
  CHECK(LoadOidcProviders(config.WriteConfig(Provider())).error().reason() ==
        ErrorReason::kKeyFilePermissions);
}

TEST_CASE("oidc_providers: a missing or empty secret, a bad CA file, bad JSON are refused") {
  ConfigDir config;
  json missing = Provider();
  missing["client_secret_file"] = "nowhere.secret";
  CHECK(LoadOidcProviders(config.WriteConfig(missing)).error().code() == ErrorCode::kNotFound);
  config.WriteSecret("empty.secret", "\n", 0600);
  json empty = Provider();
  empty["client_secret_file"] = "empty.secret";
  CHECK(LoadOidcProviders(config.WriteConfig(empty)).error().message().find("is empty") !=
        std::string::npos);
  json bad_ca = Provider();
  bad_ca["ca_file"] = "no-such-ca.pem";
  CHECK(LoadOidcProviders(config.WriteConfig(bad_ca))
            .error()
            .message()
            .find("cannot load the trusted certificates") != std::string::npos);
  std::ofstream(config.dir.File("broken.json")) << "{\"providers\": [";
  CHECK_FALSE(LoadOidcProviders(config.dir.File("broken.json")).ok());
  json unknown = Provider();
  unknown["client_secret"] = "inline";
  Result<std::vector<LoadedOidcProvider>> refused = LoadOidcProviders(config.WriteConfig(unknown));
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().message().find("/providers/0/client_secret: is not a known") !=
        std::string::npos);
}

TEST_CASE("oidc_providers: serve refuses to start on a bad --oidc-config file") {
  ConfigDir config;
  config.WriteSecret("vneid.secret", "s3cret", 0644);
  const std::string file = config.WriteConfig(Provider());
  CliRun run = Cli({"serve", "--db", config.dir.File("motcua.db"), "--oidc-config", file});
  CHECK(run.status != 0);
  CHECK(run.err.find("motcua serve: --oidc-config " + file) != std::string::npos);
  CHECK(run.err.find("chmod 600") != std::string::npos);
  std::ifstream database(config.dir.File("motcua.db"));
  CHECK_FALSE(database.good());  // refused before anything was created
}

TEST_CASE("oidc_providers: the documented example is a valid configuration") {
  Result<nlohmann::json> example =
      ReadJsonFile(std::string(MOTCUA_SOURCE_DIR) + "/tools/oidc-providers.example.json");
  REQUIRE(example.ok());
  Result<std::vector<OidcProviderConfig>> providers = ParseOidcProviderConfig(*example);
  REQUIRE(providers.ok());
  CHECK(providers->size() == 2);
}

}  // namespace
}  // namespace motcua::cli
