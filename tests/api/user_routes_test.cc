// Handler tests of /v1/users and /v1/tokens: admins manage their agency's
// staff, national admins every account (applicants included); tokens issued
// here authenticate at once and stop working when revoked or when the user is
// disabled.
#include "api/user_routes.h"

#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "api/http_message.h"
#include "api/request_authentication.h"
#include "engine/crypto/openssl_token_crypto.h"
#include "tests/fakes/memory_identity_store.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct Admin {
  FakeClock clock{Instant{std::chrono::sys_days{2026y / 3 / 2}}};
  MemoryIdentityStore identities;
  OpenSslTokenCrypto crypto;
  TokenService tokens{identities, crypto, clock};
  UserAdministration users{identities, tokens, clock};
  UserApi api{users,
              BearerOnly([this](std::string_view secret) { return tokens.Authenticate(secret); })};
  Router router;
  std::string admin_a;  // secrets
  std::string admin_b;
  std::string national;  // a national admin, of a third agency

  Admin() {
    REQUIRE(AddUserRoutes(router, api).ok());
    REQUIRE(
        identities.CreateUser({"admin-a", "A", {"admin"}, "000.00.01.H26", {}, false, {}}).ok());
    REQUIRE(
        identities.CreateUser({"admin-b", "B", {"admin"}, "000.00.02.H26", {}, false, {}}).ok());
    REQUIRE(identities.CreateUser({"clerk-b", "C", {"specialist"}, "000.00.02.H26", {}, false, {}})
                .ok());
    admin_a = tokens.Issue("admin-a", "test", 1h).value().secret;
    admin_b = tokens.Issue("admin-b", "test", 1h).value().secret;
    REQUIRE(identities
                .CreateUser({"national-1", "N", {"national_admin"}, "000.00.00.H26", {}, false, {}})
                .ok());
    national = tokens.Issue("national-1", "test", 1h).value().secret;
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& secret,
                    const json& body = nullptr) {
    HttpRequest request = MakeHttpRequest(method, target, body.is_null() ? "" : body.dump());
    if (!secret.empty()) request.headers.push_back({"Authorization", "Bearer " + secret});
    if (!body.is_null()) request.headers.push_back({"Content-Type", "application/json"});
    return router.Handle(request);
  }
};

TEST_CASE("user routes: an admin creates staff of their agency and issues tokens that work") {
  Admin t;
  HttpResponse created =
      t.Call("POST", "/v1/users", t.admin_a,
             {{"id", "clerk-a"}, {"name", "Lan"}, {"roles", {"reception_clerk"}}});
  REQUIRE_MESSAGE(created.status == 201, created.body);
  CHECK(json::parse(created.body).at("agency") == "000.00.01.H26");  // the admin's own
  CHECK(created.Header("Location") == "/v1/users/clerk-a");
  CHECK(t.Call("POST", "/v1/users", t.admin_a, {{"id", "clerk-a"}, {"roles", {"specialist"}}})
            .status == 409);

  HttpResponse issued =
      t.Call("POST", "/v1/tokens", t.admin_a, {{"user_id", "clerk-a"}, {"label", "desk 3"}});
  REQUIRE_MESSAGE(issued.status == 201, issued.body);
  CHECK(issued.Header("Cache-Control") == "no-store");
  const std::string secret = json::parse(issued.body).at("token");
  const std::string id = json::parse(issued.body).at("id");
  Result<Actor> clerk = t.tokens.Authenticate(secret);
  REQUIRE(clerk.ok());
  CHECK(clerk->agency == "000.00.01.H26");

  HttpResponse listed = t.Call("GET", "/v1/tokens?user=clerk-a", t.admin_a);
  REQUIRE(listed.status == 200);
  CHECK(listed.body.find(secret) == std::string::npos);  // secrets are never listed
  CHECK(json::parse(listed.body).at("items").size() == 1);

  CHECK(t.Call("DELETE", "/v1/tokens/" + id, t.admin_b).status == 404);  // not in B's scope
  CHECK(t.tokens.Authenticate(secret).ok());
  CHECK(t.Call("DELETE", "/v1/tokens/" + id, t.admin_a).status == 204);
  CHECK_FALSE(t.tokens.Authenticate(secret).ok());
}

TEST_CASE("user routes: scope, roles and bad input") {
  Admin t;
  // Another agency's staff are invisible; creating staff there is denied.
  CHECK(t.Call("GET", "/v1/users/clerk-b", t.admin_a).status == 404);
  CHECK(t.Call("GET", "/v1/users/clerk-b", t.admin_b).status == 200);
  CHECK(t.Call("POST", "/v1/users", t.admin_a,
               {{"id", "x"}, {"roles", {"specialist"}}, {"agency", "000.00.02.H26"}})
            .status == 403);
  CHECK(t.Call("POST", "/v1/tokens", t.admin_a, {{"user_id", "clerk-b"}}).status == 404);
  json users = json::parse(t.Call("GET", "/v1/users", t.admin_a).body);
  REQUIRE(users.at("items").size() == 1);  // admin-a only
  // Applicants: a national admin only, a valid citizen ID, no agency.
  CHECK(t.Call("POST", "/v1/users", t.admin_a, {{"id", "001090012345"}, {"roles", {"applicant"}}})
            .status == 403);
  CHECK(t.Call("POST", "/v1/users", t.national, {{"id", "001090012345"}, {"roles", {"applicant"}}})
            .status == 201);
  HttpResponse bad_id =
      t.Call("POST", "/v1/users", t.admin_a, {{"id", "12345"}, {"roles", {"applicant"}}});
  CHECK(bad_id.status == 422);
  CHECK(bad_id.body.find("\"/id\"") != std::string::npos);
  CHECK(t.Call("POST", "/v1/users", t.admin_a, {{"id", "s"}, {"roles", {"system"}}}).status == 422);
  CHECK(t.Call("POST", "/v1/users", t.admin_a, {{"id", "s"}, {"roles", "admin"}}).status == 422);
  CHECK(t.Call("POST", "/v1/users", t.admin_a, {{"id", "s"}, {"roles", {"x"}}, {"bogus", 1}})
            .status == 422);
  CHECK(t.Call("POST", "/v1/tokens", t.admin_a, {{"user_id", "admin-a"}, {"ttl_seconds", 5}})
            .status == 422);
  CHECK(t.Call("GET", "/v1/tokens", t.admin_a).status == 422);  // ?user= missing

  // Disabling a user stops their token at once (no 30 s cache).
  const std::string clerk_secret = t.tokens.Issue("admin-b", "second", 1h).value().secret;
  REQUIRE(t.tokens.Authenticate(clerk_secret).ok());
  HttpResponse disabled = t.Call("PATCH", "/v1/users/admin-b", t.admin_b, {{"disabled", true}});
  REQUIRE(disabled.status == 200);
  CHECK_FALSE(t.tokens.Authenticate(clerk_secret).ok());

  // Non-admins are denied; no token is 401.
  const std::string specialist = t.tokens.Issue("clerk-b", "t", 1h).value().secret;
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/v1/users"},
                                                        {"GET", "/v1/users/clerk-b"},
                                                        {"GET", "/v1/tokens?user=clerk-b"},
                                                        {"DELETE", "/v1/tokens/abc"}}) {
    CHECK(t.Call(method, target, specialist).status == 403);
    CHECK(t.Call(method, target, "").status == 401);
  }
  CHECK(t.Call("POST", "/v1/users", specialist, {{"id", "y"}, {"roles", {"x"}}}).status == 403);
  CHECK(t.Call("POST", "/v1/tokens", specialist, {{"user_id", "clerk-b"}}).status == 403);
  CHECK(t.Call("PATCH", "/v1/users/clerk-b", specialist, {{"name", "z"}}).status == 403);
}

TEST_CASE("user routes: ttl_seconds must be a whole number") {
  Admin t;
  for (const json& ttl : {json(600.9), json("600"), json(true), json(6e2)}) {
    HttpResponse refused =
        t.Call("POST", "/v1/tokens", t.admin_a, {{"user_id", "admin-a"}, {"ttl_seconds", ttl}});
    INFO(ttl.dump() << ": " << refused.body);
    CHECK(refused.status == 422);
    CHECK(refused.body.find("\"/ttl_seconds\"") != std::string::npos);
  }
  CHECK(t.Call("POST", "/v1/tokens", t.admin_a, {{"user_id", "admin-a"}, {"ttl_seconds", 600}})
            .status == 201);
}

// Issue 14.7: an agency admin minted a working token for any citizen.
TEST_CASE("user routes: no agency admin impersonates a citizen or a national admin") {
  Admin t;
  REQUIRE(t.identities.CreateUser({"001090012345", "P", {"applicant"}, "", {}, false, {}}).ok());
  REQUIRE(t.identities
              .CreateUser({"national-a", "N", {"national_admin"}, "000.00.01.H26", {}, false, {}})
              .ok());
  const std::string citizen_token =
      t.tokens.Issue("001090012345", "x", 1h).value().record.token_hash;
  for (const std::string& target : {std::string("001090012345"), std::string("national-a")}) {
    for (const std::string& admin : {t.admin_a, t.admin_b}) {
      // National admin national-a is of agency A: invisible to B's admin.
      const int refused = target == "national-a" && admin == t.admin_b ? 404 : 403;
      HttpResponse minted = t.Call("POST", "/v1/tokens", admin, {{"user_id", target}});
      INFO(target << ": " << minted.body);
      CHECK(minted.status == refused);
      CHECK(minted.content_type == "application/problem+json");
      CHECK(minted.body.find("\"token\"") == std::string::npos);
      CHECK(t.Call("GET", "/v1/users/" + target, admin).status == refused);
      CHECK(t.Call("PATCH", "/v1/users/" + target, admin, {{"disabled", true}}).status == refused);
      CHECK(t.Call("GET", "/v1/tokens?user=" + target, admin).status == refused);
    }
  }
  CHECK(t.Call("DELETE", "/v1/tokens/" + citizen_token, t.admin_a).status == 403);
  CHECK_FALSE(t.identities.GetUser("001090012345")->disabled);
  CHECK_FALSE(t.identities.GetToken(citizen_token)->revoked_at.has_value());

  // Nor can an agency admin make one of their staff a national admin.
  CHECK(t.Call("POST", "/v1/users", t.admin_a, {{"id", "n2"}, {"roles", {"national_admin"}}})
            .status == 403);
  CHECK(t.Call("PATCH", "/v1/users/admin-a", t.admin_a, {{"roles", {"admin", "national_admin"}}})
            .status == 403);
  CHECK(t.identities.GetUser("admin-a")->roles == std::vector<std::string>{"admin"});

  // The national admin manages applicants and staff of every agency.
  HttpResponse minted = t.Call("POST", "/v1/tokens", t.national, {{"user_id", "001090012345"}});
  CHECK(minted.status == 201);
  CHECK(t.Call("GET", "/v1/users/clerk-b", t.national).status == 200);
  CHECK(t.Call("POST", "/v1/users", t.national,
               {{"id", "admin-c"}, {"roles", {"admin"}}, {"agency", "000.00.03.H26"}})
            .status == 201);
}

// Every endpoint x every kind of caller, against a specialist of agency A
// (and, in the last rows, an applicant account).
TEST_CASE("user routes: authorization matrix") {
  const char* kCallers[] = {"admin-a", "admin-b", "specialist", "applicant", "", "national"};
  struct Row {
    const char* method;
    const char* target;
    const char* body;
    int statuses[6];  // in the order of kCallers
  };
  const Row rows[] = {
      {"GET", "/v1/users", "", {200, 200, 403, 403, 401, 200}},
      {"GET", "/v1/users/staff-a", "", {200, 404, 403, 403, 401, 200}},
      {"PATCH", "/v1/users/staff-a", R"({"name":"N"})", {200, 404, 403, 403, 401, 200}},
      {"POST",
       "/v1/users",
       R"({"id":"new-a","roles":["specialist"],"agency":"000.00.01.H26"})",
       {201, 403, 403, 403, 401, 201}},
      {"GET", "/v1/tokens?user=staff-a", "", {200, 404, 403, 403, 401, 200}},
      {"POST", "/v1/tokens", R"({"user_id":"staff-a"})", {201, 404, 403, 403, 401, 201}},
      {"DELETE", "/v1/tokens/{token}", "", {204, 404, 403, 403, 401, 204}},
      // Applicant accounts: national admins only.
      {"GET", "/v1/users/001090012345", "", {403, 403, 403, 403, 401, 200}},
      {"PATCH", "/v1/users/001090012345", R"({"disabled":true})", {403, 403, 403, 403, 401, 200}},
      {"POST",
       "/v1/users",
       R"({"id":"001090054321","roles":["applicant"]})",
       {403, 403, 403, 403, 401, 201}},
      {"GET", "/v1/tokens?user=001090012345", "", {403, 403, 403, 403, 401, 200}},
      {"POST", "/v1/tokens", R"({"user_id":"001090012345"})", {403, 403, 403, 403, 401, 201}},
      {"DELETE", "/v1/tokens/{citizen-token}", "", {403, 403, 403, 403, 401, 204}},
  };
  for (const Row& row : rows) {
    for (int c = 0; c < 6; ++c) {
      Admin t;
      REQUIRE(
          t.identities.CreateUser({"staff-a", "S", {"specialist"}, "000.00.01.H26", {}, false, {}})
              .ok());
      REQUIRE(
          t.identities.CreateUser({"001090012345", "P", {"applicant"}, "", {}, false, {}}).ok());
      const std::string staff_token = t.tokens.Issue("staff-a", "x", 1h).value().record.token_hash;
      const std::string citizen_token =
          t.tokens.Issue("001090012345", "y", 1h).value().record.token_hash;
      const std::map<std::string, std::string> secrets = {
          {"admin-a", t.admin_a},
          {"admin-b", t.admin_b},
          {"specialist", t.tokens.Issue("clerk-b", "x", 1h).value().secret},
          {"applicant", t.tokens.Issue("001090012345", "x", 1h).value().secret},
          {"", ""},
          {"national", t.national}};
      std::string target = row.target;
      if (std::size_t at = target.find("{token}"); at != std::string::npos) {
        target.replace(at, 7, staff_token);
      }
      if (std::size_t at = target.find("{citizen-token}"); at != std::string::npos) {
        target.replace(at, 15, citizen_token);
      }
      const json body = *row.body ? json::parse(row.body) : json(nullptr);
      HttpResponse response = t.Call(row.method, target, secrets.at(kCallers[c]), body);
      INFO(row.method << " " << row.target << " as " << (*kCallers[c] ? kCallers[c] : "anonymous")
                      << ": " << response.body);
      CHECK(response.status == row.statuses[c]);
      if (response.status >= 400) CHECK(response.content_type == "application/problem+json");
    }
  }
}

}  // namespace
}  // namespace motcua
