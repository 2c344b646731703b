// Cross-scope token minting and revocation, against the real server: an
// agency admin must not act as a citizen (issue 14.7), and a token revoked
// with `motcua token revoke` must stop working at once (issue 14.10).
#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr const char* kAgencyX = "000.00.01.H26";
constexpr const char* kAgencyY = "000.00.02.H26";
constexpr const char* kCitizen = "001090012345";

TEST_CASE("token scope: an agency admin cannot mint, list, revoke or disable for a citizen") {
  LiveServer server;
  const std::string admin_x = server.Token("admin-x", "admin", kAgencyX);
  const std::string citizen = server.Token(kCitizen, "applicant");
  server.Token("clerk-y", "reception_clerk", kAgencyY);

  const LiveReply minted =
      server.Send("POST", "/v1/tokens", admin_x, json{{"user_id", kCitizen}}.dump());
  CHECK(minted.status == 403);
  CHECK(minted.HasHeader("application/problem+json"));
  CHECK(minted.body.find("\"token\"") == std::string::npos);
  CHECK(server.Send("GET", std::string("/v1/tokens?user=") + kCitizen, admin_x).status == 403);
  CHECK(server.Send("GET", std::string("/v1/users/") + kCitizen, admin_x).status == 403);
  CHECK(server
            .Send("PATCH", std::string("/v1/users/") + kCitizen, admin_x,
                  json{{"disabled", true}}.dump())
            .status == 403);
  CHECK(server
            .Send("POST", "/v1/users", admin_x,
                  json{{"id", "001090054321"}, {"roles", {"applicant"}}}.dump())
            .status == 403);
  CHECK(server.Send("GET", "/v1/dossiers", citizen).status == 200);  // not disabled

  // Another agency's staff stay out of reach too.
  CHECK(server.Send("POST", "/v1/tokens", admin_x, json{{"user_id", "clerk-y"}}.dump()).status ==
        404);
  CHECK(
      server.Send("PATCH", "/v1/users/clerk-y", admin_x, json{{"disabled", true}}.dump()).status ==
      404);
  // And no admin grants themselves the national role.
  CHECK(server
            .Send("PATCH", "/v1/users/admin-x", admin_x,
                  json{{"roles", {"admin", "national_admin"}}}.dump())
            .status == 403);

  // The installation's first admin is the national admin: it may.
  const LiveReply national =
      server.Send("POST", "/v1/tokens", server.admin_token(), json{{"user_id", kCitizen}}.dump());
  CHECK(national.status == 201);
}

TEST_CASE("token scope: a token revoked with the command line stops working at once") {
  LiveServer server;
  const std::string clerk = server.Token("clerk-x", "reception_clerk", kAgencyX);
  REQUIRE(server.Send("GET", "/v1/dossiers", clerk).status == 200);  // now cached
  const LiveReply tokens = server.Send("GET", "/v1/tokens?user=clerk-x", server.admin_token());
  REQUIRE(tokens.status == 200);
  const std::string hash = tokens.Json().at("items").at(0).at("id").get<std::string>();
  const std::string revoked = server.RunCli("token revoke --db " + server.db() + " --hash " + hash);
  REQUIRE_MESSAGE(revoked.find("revoked") != std::string::npos, revoked);
  CHECK(server.Send("GET", "/v1/dossiers", clerk).status == 401);
}

TEST_CASE("token scope: ttl_seconds is a whole number, and the first admin was created now") {
  LiveServer server;
  server.Token("clerk-x", "reception_clerk", kAgencyX);
  const LiveReply fractional =
      server.Send("POST", "/v1/tokens", server.admin_token(),
                  json{{"user_id", "clerk-x"}, {"ttl_seconds", 600.9}}.dump());
  CHECK(fractional.status == 422);
  CHECK(fractional.body.find("/ttl_seconds") != std::string::npos);

  const LiveReply admin = server.Send("GET", "/v1/users/admin", server.admin_token());
  REQUIRE(admin.status == 200);
  CHECK(admin.Json().at("created_at").get<std::string>().substr(0, 4) != "1970");
}

}  // namespace
}  // namespace motcua
