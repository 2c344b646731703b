// Demo mode through the real server (serve --demo, the demo contract): off
// unless asked for, logged loudly, its accounts made once, its sign-in an
// ordinary browser session, and its gateway paying only the applicant's own
// fee, online, as the reports count it.
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

using nlohmann::json;

// The reason of a problem+json answer: the last segment of its type.
std::string Reason(const LiveReply& reply) {
  const std::string type = reply.Json().value("type", "");
  return type.substr(type.rfind('/') + 1);
}

constexpr const char* kCitizen = "001090000001";
constexpr const char* kServedAgency = "000.00.00.H26";  // serve's default --admin-agency
const std::set<std::string> kDemoIds = {kCitizen,  "demo-reception", "demo-specialist",
                                        "leader1", "demo-admin",     "demo-auditor"};

// A browser session: its cookie header and CSRF token.
struct Browser {
  std::string cookie;
  std::string csrf;

  std::string Headers(bool with_csrf = true) const {
    std::string headers = "Cookie: " + cookie + "\r\nOrigin: http://127.0.0.1\r\n";
    if (with_csrf) headers += "X-CSRF-Token: " + csrf + "\r\n";
    return headers;
  }
};

LiveReply DemoSignIn(const LiveServer& server, const json& body,
                     const std::string& origin = "http://127.0.0.1") {
  return server.Send("POST", "/v1/demo/sign-in", "", body.dump(), "application/json",
                     "Origin: " + origin + "\r\n");
}

Browser SignedIn(const LiveServer& server, const std::string& user_id) {
  const LiveReply reply = DemoSignIn(server, {{"user_id", user_id}});
  REQUIRE_MESSAGE(reply.status == 200, reply.body);
  const std::size_t at = reply.head.find("Set-Cookie: motcua_session=");
  REQUIRE(at != std::string::npos);
  const std::size_t start = at + std::string("Set-Cookie: ").size();
  const std::string cookie = reply.head.substr(start, reply.head.find(';', start) - start);
  return {cookie, reply.Json().at("csrf_token")};
}

std::string StderrOf(const LiveServer& server) {
  std::ifstream log(server.dir().File("stderr.log"));
  std::stringstream text;
  text << log.rdbuf();
  return text.str();
}

// How many users each demo id names in GET /v1/users (the admin's agency:
// the demo staff, not the citizen), and the citizen's count by its id.
std::map<std::string, int> DemoUserCounts(const LiveServer& server, std::size_t* total = nullptr) {
  const LiveReply users = server.Send("GET", "/v1/users", server.admin_token());
  REQUIRE(users.status == 200);
  const json items = users.Json().at("items");
  std::map<std::string, int> counts;
  for (const json& user : items) {
    const std::string id = user.at("id").get<std::string>();
    if (kDemoIds.count(id) != 0) ++counts[id];
  }
  if (server.Send("GET", std::string("/v1/users/") + kCitizen, server.admin_token()).status ==
      200) {
    ++counts[kCitizen];
  }
  if (total != nullptr) *total = items.size();
  return counts;
}

TEST_CASE("hostile demo: without --demo every demo route is the unknown-route 404") {
  LiveServer server;
  const std::string applicant = server.Token("001085000456", "applicant");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/demo/accounts"},
           {"POST", "/v1/demo/sign-in"},
           {"POST", "/v1/demo/gateway/000.00.00.H26-260302-000001/pay"}}) {
    CAPTURE(path);
    const LiveReply reply = server.Send(method, path, applicant, R"({"user_id":"001090000001"})");
    CHECK(reply.status == 404);
    CHECK(reply.HasHeader("application/problem+json"));
    const LiveReply unknown =
        server.Send(method, "/v1/demo/none", applicant, R"({"user_id":"001090000001"})");
    CHECK(unknown.status == 404);
    CHECK(Reason(reply) == Reason(unknown));
    CHECK(reply.Json().at("title") == unknown.Json().at("title"));
  }
  CHECK(DemoUserCounts(server).empty());
  CHECK(StderrOf(server).find("DEMO MODE:") == std::string::npos);
}

TEST_CASE("hostile demo: accounts made once, sign-in refusals, and a restart reuses them") {
  LiveServer first({"--demo"});
  CHECK(StderrOf(first).find("DEMO MODE:") != std::string::npos);
  const LiveReply listed = first.Send("GET", "/v1/demo/accounts");
  REQUIRE(listed.status == 200);
  const json accounts = listed.Json().at("accounts");
  REQUIRE(accounts.size() == 6);
  for (const json& account : accounts) {
    CAPTURE(account);
    CHECK(kDemoIds.count(account.at("user_id")) == 1);
    if (account.at("user_id") == kCitizen) {
      CHECK(account.at("agency").is_null());
      CHECK(account.at("roles") == json{"applicant"});
    } else {
      CHECK(account.at("agency") == kServedAgency);
    }
  }

  // Refusals: another site, users that are not demo accounts, bad bodies.
  const LiveReply foreign = DemoSignIn(first, {{"user_id", kCitizen}}, "http://evil.example");
  CHECK(foreign.status == 403);
  CHECK(Reason(foreign) == "origin_refused");
  CHECK(foreign.head.find("Set-Cookie") == std::string::npos);
  first.Token("clerk-real", "reception_clerk", kServedAgency);
  for (const char* user : {"nobody", "clerk-real", "admin"}) {
    CAPTURE(user);
    const LiveReply refused = DemoSignIn(first, {{"user_id", user}});
    CHECK(refused.status == 422);
    CHECK(refused.Json().at("errors").at(0).at("pointer") == "/user_id");
  }
  CHECK(first.Send("POST", "/v1/demo/sign-in", "", "{\"user_id\":").status == 400);
  CHECK(first.Send("POST", "/v1/demo/sign-in", "", "[[[[").status == 400);

  // A disabled demo account cannot sign in.
  const LiveReply disabled =
      first.Send("PATCH", "/v1/users/demo-auditor", first.admin_token(), R"({"disabled":true})");
  REQUIRE_MESSAGE(disabled.status == 200, disabled.body);
  const LiveReply refused = DemoSignIn(first, {{"user_id", "demo-auditor"}});
  CHECK(refused.status == 409);
  CHECK(Reason(refused) == "user_disabled");

  std::size_t users_before = 0;
  CHECK(DemoUserCounts(first, &users_before).size() == 6);
  CHECK(users_before == 7);  // the first admin, clerk-real and the five demo staff
  first.Stop();
  LiveServer second({"--demo"}, first);
  std::size_t users_after = 0;
  const std::map<std::string, int> counts = DemoUserCounts(second, &users_after);
  CHECK(counts.size() == 6);
  for (const auto& [id, count] : counts) CHECK_MESSAGE(count == 1, id);
  CHECK(users_after == users_before);
  // Reused as they are: still disabled.
  CHECK(DemoSignIn(second, {{"user_id", "demo-auditor"}}).status == 409);
  CHECK(second.Send("GET", "/v1/demo/accounts").Json().at("accounts").size() == 5);
}

TEST_CASE("hostile demo: with agency roles, the liên thông agencies' staff are demo accounts too") {
  LiveServer server({"--demo", "--agency-roles",
                     std::string(MOTCUA_SOURCE_DIR) + "/tools/agency-roles.example.json"});
  const LiveReply listed = server.Send("GET", "/v1/demo/accounts");
  REQUIRE(listed.status == 200);
  std::map<std::string, json> by_id;
  const json accounts = listed.Json().at("accounts");
  for (const json& account : accounts) by_id[account.at("user_id")] = account;
  REQUIRE(by_id.size() == 11);
  for (const std::string& id : kDemoIds) CHECK(by_id.count(id) == 1);
  // The example's "*" entry: the police 000.00.21.H26, social insurance 000.00.31.H26.
  CHECK(by_id.at("demo-civil-status").at("agency") == kServedAgency);
  CHECK(by_id.at("demo-civil-status").at("roles") == json{"civil_status_officer"});
  CHECK(by_id.at("demo-police").at("agency") == "000.00.21.H26");
  CHECK(by_id.at("demo-police-leader").at("roles") == json{"leader"});
  CHECK(by_id.at("demo-insurance-leader").at("agency") == "000.00.31.H26");
  // The police leader signs in like any demo account, at the police.
  const LiveReply signed_in = DemoSignIn(server, {{"user_id", "demo-police-leader"}});
  CHECK_MESSAGE(signed_in.status == 200, signed_in.body);
}

TEST_CASE("hostile demo: a demo session works, and the citizen pays online through the gateway") {
  LiveServer server({"--demo"});
  const Browser citizen = SignedIn(server, kCitizen);
  const LiveReply session =
      server.Send("GET", "/v1/session", "", "", "", "Cookie: " + citizen.cookie + "\r\n");
  REQUIRE(session.status == 200);
  CHECK(session.Json().at("user_id") == kCitizen);
  CHECK(session.Json().at("authenticated_by") == "demo_session");

  // State changes by cookie need the CSRF token.
  CHECK(server
            .Send("POST", "/v1/documents", "", "%PDF-1.4 a", "application/pdf",
                  citizen.Headers(false))
            .status == 403);
  std::vector<std::string> documents;
  for (const char* text : {"%PDF-1.4 declaration", "%PDF-1.4 lease"}) {
    const LiveReply uploaded =
        server.Send("POST", "/v1/documents", "", text, "application/pdf", citizen.Headers());
    REQUIRE_MESSAGE(uploaded.status == 201, uploaded.body);
    documents.push_back(uploaded.Json().at("id"));
  }
  const json submission = {
      {"procedure", "1.004222"},
      {"agency", kServedAgency},
      {"form", {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kCitizen}, {"address", "Huế"}}},
      {"documents", {{"declaration", documents[0]}, {"legal_residence_proof", documents[1]}}}};
  const LiveReply submitted = server.Send("POST", "/v1/dossiers", "", submission.dump(),
                                          "application/json", citizen.Headers());
  REQUIRE_MESSAGE(submitted.status == 201, submitted.body);
  const std::string code = submitted.Json().at("code");
  const std::string pay = "/v1/demo/gateway/" + code + "/pay";

  // The demo clerk receives it; the fee is due (status 6).
  const Browser clerk = SignedIn(server, "demo-reception");
  const LiveReply received = server.Send("POST", "/v1/dossiers/" + code + "/actions/receive", "",
                                         "{}", "application/json", clerk.Headers());
  REQUIRE_MESSAGE(received.status == 200, received.body);
  REQUIRE(received.Json().at("status") == 6);

  // Nobody but the applicant pays: another citizen, the clerk, a forged call.
  const std::string other = server.Token("001085000456", "applicant");
  CHECK(server.Send("POST", pay, other).status == 404);
  CHECK(server.Send("POST", pay, "", "", "application/json", clerk.Headers()).status == 404);
  CHECK(server.Send("POST", pay, "", "", "application/json", citizen.Headers(false)).status == 403);

  const LiveReply paid = server.Send("POST", pay, "", "", "application/json", citizen.Headers());
  REQUIRE_MESSAGE(paid.status == 200, paid.body);
  const json view = paid.Json();
  CHECK(view.at("code") == code);
  CHECK(view.at("state") == "in_review");
  for (const json& reason : view.at("fully_online").at("reasons")) {
    CHECK(reason.at("reason") != "fee_paid_in_person");
  }
  // The reports count it as a fee paid online.
  const LiveReply summary =
      server.Send("GET", "/v1/reports/summary?to=2099-01-01", server.admin_token());
  REQUIRE(summary.status == 200);
  CAPTURE(summary.body);
  CHECK(summary.Json().at("total").at("counts").at("paid_online") == 1);
  CHECK(summary.Json().at("total").at("counts").at("fee_bearing") == 1);

  // Nothing is due any more.
  const LiveReply again = server.Send("POST", pay, "", "", "application/json", citizen.Headers());
  CHECK(again.status == 409);
  CHECK(Reason(again) == "not_awaiting_payment");

  // Logout ends the demo session, with no provider logout URL.
  const LiveReply out =
      server.Send("POST", "/v1/session/logout", "", "", "application/json", citizen.Headers());
  REQUIRE(out.status == 200);
  CHECK(out.Json().at("logout_url").is_null());
  CHECK(
      server.Send("GET", "/v1/session", "", "", "", "Cookie: " + citizen.cookie + "\r\n").status ==
      401);
  CHECK(server.Alive());
}

}  // namespace
}  // namespace motcua
