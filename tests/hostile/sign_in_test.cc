// Sign-in through the real server (issue 16): `serve --oidc-config` wires
// the providers into the routes, a provider that cannot be reached is a 503
// problem rather than a hang or a crash, and a forged callback is refused
// with the plain page and its one line on standard error.
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

using nlohmann::json;

// A configuration naming one citizen provider on 127.0.0.1 port 1, where
// nothing listens.
std::string WriteUnreachableProvider(const TempDirectory& dir) {
  const std::string secret = dir.File("client-secret");
  std::ofstream(secret) << "s3cret";
  REQUIRE(chmod(secret.c_str(), 0600) == 0);
  const json config = {{"providers",
                        {{{"id", "local"},
                          {"kind", "citizen"},
                          {"issuer", "http://127.0.0.1:1"},
                          {"client_id", "motcua"},
                          {"client_secret_file", secret},
                          {"redirect_uri", "http://127.0.0.1:8080/v1/auth/local/callback"},
                          {"identity_claim", "national_id"},
                          {"allow_loopback_http", true}}}}};
  const std::string path = dir.File("oidc.json");
  std::ofstream(path) << config.dump();
  return path;
}

TEST_CASE("hostile sign-in: the configured providers are served, refusals are pages and lines") {
  TempDirectory config_dir;
  LiveServer server({"--oidc-config", WriteUnreachableProvider(config_dir)});

  const LiveReply providers = server.Send("GET", "/v1/auth/providers");
  REQUIRE(providers.status == 200);
  CHECK(providers.Json() == json::parse(R"({"providers":[
          {"id":"local","kind":"citizen","login_url":"/v1/auth/local/login"}]})"));

  const LiveReply login = server.Send("GET", "/v1/auth/local/login?return_to=/me");
  CHECK(login.status == 503);
  CHECK(login.HasHeader("application/problem+json"));
  CHECK(server.Send("GET", "/v1/auth/nobody/login").status == 404);
  CHECK(server.Send("GET", "/v1/auth/local/login?return_to=//evil.example").status == 400);

  const LiveReply forged = server.Send("GET", "/v1/auth/local/callback?code=c&state=forged", "", "",
                                       "application/json", "Cookie: motcua_login=forged\r\n");
  CHECK(forged.status == 400);
  CHECK(forged.HasHeader("text/html; charset=utf-8"));
  CHECK(forged.body.find("Error code: login_attempt_invalid") != std::string::npos);
  CHECK(server.Alive());
  server.Stop();
  std::ifstream log(server.dir().File("stderr.log"));
  std::stringstream text;
  text << log.rdbuf();
  CHECK(text.str().find("sign-in refused: provider=local reason=login_attempt_invalid detail=") !=
        std::string::npos);
}

}  // namespace
}  // namespace motcua
