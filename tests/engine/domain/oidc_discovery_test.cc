#include "engine/domain/oidc_discovery.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace motcua {
namespace {

using nlohmann::json;

constexpr const char* kIssuer = "https://idp.example/realms/agency";

json GoodDocument() {
  return {{"issuer", kIssuer},
          {"authorization_endpoint", "https://idp.example/realms/agency/auth"},
          {"token_endpoint", "https://idp.example/realms/agency/token"},
          {"jwks_uri", "https://idp.example/realms/agency/certs"},
          {"end_session_endpoint", "https://idp.example/realms/agency/logout"},
          {"response_types_supported", {"code", "id_token"}},
          {"code_challenge_methods_supported", {"plain", "S256"}},
          {"id_token_signing_alg_values_supported", {"HS256", "ES256", "RS256", "none"}},
          {"subject_types_supported", {"public"}}};
}

DiscoveryExpectations Expect(const std::string& issuer, bool allow_loopback_http = false) {
  DiscoveryExpectations expectations;
  expectations.issuer = issuer;
  expectations.allow_loopback_http = allow_loopback_http;
  return expectations;
}

Result<ProviderMetadata> Parse(const json& document,
                               const DiscoveryExpectations& expectations = Expect(kIssuer)) {
  return ParseDiscoveryDocument(document.dump(), expectations);
}

TEST_CASE("oidc_discovery: a good document gives the endpoints and the usable algorithms") {
  Result<ProviderMetadata> metadata = Parse(GoodDocument());
  REQUIRE(metadata.ok());
  CHECK(metadata->issuer == kIssuer);
  CHECK(metadata->authorization_endpoint == "https://idp.example/realms/agency/auth");
  CHECK(metadata->token_endpoint == "https://idp.example/realms/agency/token");
  CHECK(metadata->jwks_uri == "https://idp.example/realms/agency/certs");
  CHECK(metadata->end_session_endpoint == "https://idp.example/realms/agency/logout");
  CHECK_FALSE(metadata->userinfo_endpoint.has_value());
  // HS256 and none are never usable; the order is the configuration's.
  CHECK(metadata->id_token_algorithms ==
        std::vector<JwsAlgorithm>{JwsAlgorithm::kRs256, JwsAlgorithm::kEs256});
  CHECK(metadata->token_endpoint_auth_methods == std::vector<std::string>{"client_secret_basic"});

  Result<ProviderMetadata> only_es256 =
      Parse(GoodDocument(), {.issuer = kIssuer,
                             .allowed_algorithms = {JwsAlgorithm::kEs256},
                             .allow_loopback_http = false});
  REQUIRE(only_es256.ok());
  CHECK(only_es256->id_token_algorithms == std::vector<JwsAlgorithm>{JwsAlgorithm::kEs256});
}

TEST_CASE("oidc_discovery: each broken member is refused with its pointer") {
  struct Case {
    const char* name;
    json patch;  // merged into the good document; null removes a member
    const char* pointer;
  };
  const Case cases[] = {
      {"another issuer", {{"issuer", "https://evil.example/realms/agency"}}, "/issuer"},
      {"issuer with a trailing slash", {{"issuer", std::string(kIssuer) + "/"}}, "/issuer"},
      {"issuer not a string", {{"issuer", json::array({kIssuer})}}, "/issuer"},
      {"no issuer", {{"issuer", nullptr}}, "/issuer"},
      {"no authorization endpoint",
       {{"authorization_endpoint", nullptr}},
       "/authorization_endpoint"},
      {"no token endpoint", {{"token_endpoint", nullptr}}, "/token_endpoint"},
      {"no jwks_uri", {{"jwks_uri", nullptr}}, "/jwks_uri"},
      {"http token endpoint", {{"token_endpoint", "http://idp.example/token"}}, "/token_endpoint"},
      {"loopback http without the test flag",
       {{"jwks_uri", "http://127.0.0.1:9000/certs"}},
       "/jwks_uri"},
      {"jwks_uri not a string", {{"jwks_uri", 42}}, "/jwks_uri"},
      {"http logout endpoint",
       {{"end_session_endpoint", "http://idp.example/logout"}},
       "/end_session_endpoint"},
      {"user info in an endpoint",
       {{"authorization_endpoint", "https://a@idp.example/auth"}},
       "/authorization_endpoint"},
      {"no code flow", {{"response_types_supported", {"id_token"}}}, "/response_types_supported"},
      {"response types missing",
       {{"response_types_supported", nullptr}},
       "/response_types_supported"},
      {"response types not strings",
       {{"response_types_supported", {1, 2}}},
       "/response_types_supported"},
      {"PKCE without S256",
       {{"code_challenge_methods_supported", {"plain"}}},
       "/code_challenge_methods_supported"},
      {"no usable algorithm",
       {{"id_token_signing_alg_values_supported", {"HS256", "none"}}},
       "/id_token_signing_alg_values_supported"},
      {"algorithms missing",
       {{"id_token_signing_alg_values_supported", nullptr}},
       "/id_token_signing_alg_values_supported"},
      {"algorithms a string",
       {{"id_token_signing_alg_values_supported", "RS256"}},
       "/id_token_signing_alg_values_supported"},
      {"auth methods not an array",
       {{"token_endpoint_auth_methods_supported", "basic"}},
       "/token_endpoint_auth_methods_supported"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    json document = GoodDocument();
    document.merge_patch(c.patch);
    Result<ProviderMetadata> metadata = Parse(document);
    REQUIRE_FALSE(metadata.ok());
    CHECK(metadata.error().code() == ErrorCode::kUnavailable);
    CHECK(metadata.error().reason() == ErrorReason::kOidcDiscoveryRefused);
    REQUIRE(metadata.error().fields().size() == 1);
    CHECK(metadata.error().fields()[0].pointer == c.pointer);
    CHECK(metadata.error().message().find(std::string(kIssuer) + ": " + c.pointer) !=
          std::string::npos);
  }
}

TEST_CASE("oidc_discovery: loopback http endpoints only for a test provider") {
  json document = GoodDocument();
  document["issuer"] = "http://127.0.0.1:9000";
  document["jwks_uri"] = "http://127.0.0.1:9000/certs";
  document["token_endpoint"] = "http://localhost:9000/token";
  CHECK_FALSE(Parse(document, Expect("http://127.0.0.1:9000")).ok());
  CHECK(Parse(document, Expect("http://127.0.0.1:9000", true)).ok());
  document["token_endpoint"] = "http://idp.example/token";
  CHECK_FALSE(Parse(document, Expect("http://127.0.0.1:9000", true)).ok());
}

TEST_CASE("oidc_discovery: oversized, deep and non-object documents are refused") {
  json big = GoodDocument();
  big["padding"] = std::string(kDiscoveryJsonLimits.max_bytes, 'x');
  std::string deep(10'000, '[');
  deep += std::string(10'000, ']');
  for (const std::string& text : {big.dump(), std::string(R"({"issuer":)") + deep + "}",
                                  std::string("[]"), std::string("not json"), std::string()}) {
    Result<ProviderMetadata> metadata = ParseDiscoveryDocument(text, Expect(kIssuer));
    REQUIRE_FALSE(metadata.ok());
    CHECK(metadata.error().code() == ErrorCode::kUnavailable);
    CHECK(metadata.error().reason() == ErrorReason::kOidcDiscoveryRefused);
  }
  // The absent PKCE list is accepted: the provider does not say.
  json no_pkce = GoodDocument();
  no_pkce.erase("code_challenge_methods_supported");
  CHECK(Parse(no_pkce).ok());
}

TEST_CASE("oidc_discovery: the discovery URL of an issuer") {
  CHECK(DiscoveryUrl("https://idp.example/realms/a") ==
        "https://idp.example/realms/a/.well-known/openid-configuration");
  CHECK(DiscoveryUrl("https://idp.example/") ==
        "https://idp.example/.well-known/openid-configuration");
}

}  // namespace
}  // namespace motcua
