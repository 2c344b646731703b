#include "engine/service/provider_discovery.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/fakes/fake_jwks_fetcher.h"

namespace motcua {
namespace {

constexpr const char* kIssuer = "https://idp.example";

std::string Document(const std::string& token_endpoint = "https://idp.example/token") {
  return nlohmann::json{{"issuer", kIssuer},
                        {"authorization_endpoint", "https://idp.example/auth"},
                        {"token_endpoint", token_endpoint},
                        {"jwks_uri", "https://idp.example/certs"},
                        {"response_types_supported", {"code"}},
                        {"id_token_signing_alg_values_supported", {"RS256"}}}
      .dump();
}

struct Fixture {
  FakeJwksFetcher fetcher;
  FakeClock clock{Instant(std::chrono::seconds(1'800'000'000))};
  std::vector<std::string> logged;
  ProviderDiscovery discovery{
      {.issuer = kIssuer,
       .allowed_algorithms = {JwsAlgorithm::kRs256},
       .allow_loopback_http = false},
      fetcher,
      clock,
      {.refresh_interval = std::chrono::hours(1),
       .retry_interval = std::chrono::seconds(30),
       .log = [this](std::string_view line) { logged.emplace_back(line); }}};
};

TEST_CASE("provider_discovery: fetched once, served from the cache, refreshed when old") {
  Fixture f;
  f.fetcher.Serve(Document());
  REQUIRE(f.discovery.Metadata().ok());
  CHECK(f.discovery.Metadata()->token_endpoint == "https://idp.example/token");
  CHECK(f.fetcher.fetches() == 1);
  f.fetcher.Serve(Document("https://idp.example/token2"));
  f.clock.Advance(std::chrono::minutes(59));
  CHECK(f.discovery.Metadata()->token_endpoint == "https://idp.example/token");
  f.clock.Advance(std::chrono::minutes(2));
  CHECK(f.discovery.Metadata()->token_endpoint == "https://idp.example/token2");
  CHECK(f.fetcher.fetches() == 2);
}

TEST_CASE("provider_discovery: a failed refresh keeps the cached metadata and retries later") {
  Fixture f;
  f.fetcher.Serve(Document());
  REQUIRE(f.discovery.Metadata().ok());
  f.clock.Advance(std::chrono::hours(2));
  // A document that turned bad (another issuer) does not replace good metadata.
  f.fetcher.Serve(R"({"issuer":"https://evil.example"})");
  CHECK(f.discovery.Metadata()->token_endpoint == "https://idp.example/token");
  CHECK(f.fetcher.fetches() == 2);
  REQUIRE(f.logged.size() == 1);
  CHECK(f.logged[0].find("keeping the metadata fetched before") != std::string::npos);
  CHECK(f.discovery.Metadata().ok());
  CHECK(f.fetcher.fetches() == 2);  // not on every call
  f.clock.Advance(std::chrono::seconds(31));
  f.fetcher.Serve(Document("https://idp.example/token2"));
  CHECK(f.discovery.Metadata()->token_endpoint == "https://idp.example/token2");
  CHECK(f.fetcher.fetches() == 3);
}

TEST_CASE("provider_discovery: without a cache a failure is returned and rate-limited") {
  Fixture f;
  f.fetcher.Fail();
  Result<ProviderMetadata> first = f.discovery.Metadata();
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code() == ErrorCode::kUnavailable);
  for (int i = 0; i < 10; ++i) CHECK_FALSE(f.discovery.Metadata().ok());
  CHECK(f.fetcher.fetches() == 1);
  f.clock.Advance(std::chrono::seconds(30));
  f.fetcher.Serve(Document("http://idp.example/token"));  // refused: not https
  Result<ProviderMetadata> refused = f.discovery.Metadata();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason() == ErrorReason::kOidcDiscoveryRefused);
  CHECK(f.fetcher.fetches() == 2);
  f.clock.Advance(std::chrono::seconds(30));
  f.fetcher.Serve(Document());
  CHECK(f.discovery.Metadata().ok());
  CHECK(f.fetcher.fetches() == 3);
}

}  // namespace
}  // namespace motcua
