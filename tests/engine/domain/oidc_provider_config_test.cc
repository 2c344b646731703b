#include "engine/domain/oidc_provider_config.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace motcua {
namespace {

using nlohmann::json;

json Citizen() {
  return {{"id", "vneid"},
          {"kind", "citizen"},
          {"issuer", "https://sso.dichvucong.gov.vn"},
          {"client_id", "motcua-h26"},
          {"client_secret_file", "vneid.secret"},
          {"redirect_uri", "https://motcua.example.gov.vn/auth/callback/vneid"},
          {"scopes", {"openid", "profile"}},
          {"identity_claim", "national_id"}};
}

json Staff() {
  return {{"id", "h26-staff"},
          {"kind", "staff"},
          {"issuer", "https://keycloak.h26.example/realms/staff"},
          {"client_id", "motcua"},
          {"client_secret_file", "/etc/motcua/h26.secret"},
          {"redirect_uri", "https://motcua.example.gov.vn/auth/callback/h26-staff"},
          {"agency", "000.00.01.H26"},
          {"allowed_algorithms", {"ES256", "RS256"}},
          {"clock_skew_seconds", 30},
          {"jwks_refetch_interval_seconds", 5},
          {"ca_file", "/etc/motcua/h26-ca.pem"}};
}

TEST_CASE("oidc_provider_config: a citizen and a staff provider with defaults filled in") {
  Result<std::vector<OidcProviderConfig>> providers =
      ParseOidcProviderConfig({{"providers", {Citizen(), Staff()}}});
  REQUIRE(providers.ok());
  REQUIRE(providers->size() == 2);
  const OidcProviderConfig& citizen = (*providers)[0];
  CHECK(citizen.id == "vneid");
  CHECK(citizen.kind == OidcProviderKind::kCitizen);
  CHECK(citizen.issuer == "https://sso.dichvucong.gov.vn");
  CHECK(citizen.client_id == "motcua-h26");
  CHECK(citizen.client_secret_file == "vneid.secret");
  CHECK(citizen.scopes == std::vector<std::string>{"openid", "profile"});
  CHECK(citizen.identity_claim == "national_id");
  CHECK(citizen.allowed_algorithms.size() == 4);
  CHECK(citizen.clock_skew == std::chrono::seconds(60));
  CHECK(citizen.jwks_refetch_interval == std::chrono::seconds(60));
  CHECK(citizen.ca_file.empty());
  CHECK_FALSE(citizen.allow_loopback_http);
  const OidcProviderConfig& staff = (*providers)[1];
  CHECK(staff.kind == OidcProviderKind::kStaff);
  CHECK(staff.agency == "000.00.01.H26");
  CHECK(staff.scopes == std::vector<std::string>{"openid"});
  CHECK(staff.allowed_algorithms ==
        std::vector<JwsAlgorithm>{JwsAlgorithm::kEs256, JwsAlgorithm::kRs256});
  CHECK(staff.clock_skew == std::chrono::seconds(30));
  CHECK(staff.jwks_refetch_interval == std::chrono::seconds(5));
  CHECK(staff.ca_file == "/etc/motcua/h26-ca.pem");
  const DiscoveryExpectations expectations = DiscoveryExpectationsOf(staff);
  CHECK(expectations.issuer == staff.issuer);
  CHECK(expectations.allowed_algorithms == staff.allowed_algorithms);
}

TEST_CASE("oidc_provider_config: each problem is refused with its JSON pointer") {
  struct Case {
    const char* name;
    json patch;  // merged into the citizen provider; null removes a member
    const char* pointer;
  };
  const Case cases[] = {
      {"unknown key", {{"client_secret", "hunter2"}}, "/providers/0/client_secret"},
      {"no id", {{"id", nullptr}}, "/providers/0/id"},
      {"bad id", {{"id", "VNeID!"}}, "/providers/0/id"},
      {"bad kind", {{"kind", "admin"}}, "/providers/0/kind"},
      {"no issuer", {{"issuer", nullptr}}, "/providers/0/issuer"},
      {"http issuer", {{"issuer", "http://sso.example"}}, "/providers/0/issuer"},
      {"loopback issuer without the test flag",
       {{"issuer", "http://127.0.0.1:9000"}},
       "/providers/0/issuer"},
      {"empty client id", {{"client_id", ""}}, "/providers/0/client_id"},
      {"no secret file", {{"client_secret_file", nullptr}}, "/providers/0/client_secret_file"},
      {"http redirect",
       {{"redirect_uri", "http://motcua.example/cb"}},
       "/providers/0/redirect_uri"},
      {"scopes without openid", {{"scopes", {"profile"}}}, "/providers/0/scopes"},
      {"scope with a space", {{"scopes", {"openid profile"}}}, "/providers/0/scopes"},
      {"citizen without identity claim",
       {{"identity_claim", nullptr}},
       "/providers/0/identity_claim"},
      {"citizen with an agency", {{"agency", "000.00.01.H26"}}, "/providers/0/agency"},
      {"HS256 allowed",
       {{"allowed_algorithms", {"RS256", "HS256"}}},
       "/providers/0/allowed_algorithms"},
      {"none allowed", {{"allowed_algorithms", {"none"}}}, "/providers/0/allowed_algorithms"},
      {"no algorithm", {{"allowed_algorithms", json::array()}}, "/providers/0/allowed_algorithms"},
      {"negative skew", {{"clock_skew_seconds", -1}}, "/providers/0/clock_skew_seconds"},
      {"huge skew", {{"clock_skew_seconds", 301}}, "/providers/0/clock_skew_seconds"},
      {"fractional skew", {{"clock_skew_seconds", 1.5}}, "/providers/0/clock_skew_seconds"},
      {"no refetch limit",
       {{"jwks_refetch_interval_seconds", 0}},
       "/providers/0/jwks_refetch_interval_seconds"},
      {"refetch limit over an hour",
       {{"jwks_refetch_interval_seconds", 3601}},
       "/providers/0/jwks_refetch_interval_seconds"},
      {"refetch limit a string",
       {{"jwks_refetch_interval_seconds", "5"}},
       "/providers/0/jwks_refetch_interval_seconds"},
      {"loopback flag a string",
       {{"allow_loopback_http", "yes"}},
       "/providers/0/allow_loopback_http"},
      {"empty CA file", {{"ca_file", ""}}, "/providers/0/ca_file"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    json provider = Citizen();
    provider.merge_patch(c.patch);
    Result<std::vector<OidcProviderConfig>> parsed =
        ParseOidcProviderConfig({{"providers", {provider}}});
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code() == ErrorCode::kInvalidArgument);
    CHECK(parsed.error().reason() == ErrorReason::kOidcConfigInvalid);
    REQUIRE(parsed.error().fields().size() == 1);
    CHECK(parsed.error().fields()[0].pointer == c.pointer);
    CHECK(parsed.error().message().find(c.pointer) == 0);
  }
}

TEST_CASE("oidc_provider_config: document-level problems, all reported at once") {
  json staff_without_agency = Staff();
  staff_without_agency.erase("agency");
  staff_without_agency["identity_claim"] = "sub";
  Result<std::vector<OidcProviderConfig>> parsed = ParseOidcProviderConfig(
      {{"providers", {Citizen(), Citizen(), staff_without_agency, 42}}, {"debug", true}});
  REQUIRE_FALSE(parsed.ok());
  std::vector<std::string> pointers;
  for (const FieldError& field : parsed.error().fields()) pointers.push_back(field.pointer);
  CHECK(pointers == std::vector<std::string>{"/debug", "/providers/1/id", "/providers/1/kind",
                                             "/providers/2/identity_claim", "/providers/2/agency",
                                             "/providers/3"});
  for (const json& document :
       {json::array(), json{{"providers", json::array()}}, json{{"providers", Citizen()}},
        json{{"providers", json::array({json::array()})}}}) {
    CHECK_FALSE(ParseOidcProviderConfig(document).ok());
  }
  json many = json::array();
  for (int i = 0; i < 33; ++i) {
    json staff = Staff();
    staff["id"] = "staff-" + std::to_string(i);
    many.push_back(staff);
  }
  CHECK(ParseOidcProviderConfig({{"providers", many}}).error().fields()[0].pointer == "/providers");
}

TEST_CASE("oidc_provider_config: loopback http only with allow_loopback_http") {
  json provider = Citizen();
  provider["issuer"] = "http://127.0.0.1:9000";
  provider["redirect_uri"] = "http://localhost:8080/auth/callback/vneid";
  provider["allow_loopback_http"] = true;
  Result<std::vector<OidcProviderConfig>> parsed =
      ParseOidcProviderConfig({{"providers", {provider}}});
  REQUIRE(parsed.ok());
  CHECK(parsed->front().allow_loopback_http);
  CHECK(DiscoveryExpectationsOf(parsed->front()).allow_loopback_http);
  provider["issuer"] = "http://sso.example:9000";
  CHECK(ParseOidcProviderConfig({{"providers", {provider}}}).error().fields()[0].pointer ==
        "/providers/0/issuer");
}

}  // namespace
}  // namespace motcua
