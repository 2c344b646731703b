// Demo mode's routes (serve --demo) through the /v1 handlers, tested as an
// attacker would: the demo sign-in only for demo accounts and only from this
// site, the session it starts is an ordinary browser session (cookie, CSRF
// token), and the demo gateway pays only the dossier's own applicant's fee.
#include "api/demo_routes.h"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/dossier_routes.h"
#include "api/session_cookie.h"
#include "api/session_routes.h"
#include "engine/crypto/openssl_token_crypto.h"
#include "tests/api/payment_test_support.h"
#include "tests/api/route_test_support.h"
#include "tests/api/session_test_support.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kCitizen = "001090000001";

// The permanent-residence service with payments, sessions and the demo
// routes on one router, as serve --demo wires them.
struct DemoWorld : PermanentResidenceService {
  SessionCallers callers{Tokens(), clock};
  OpenSslTokenCrypto crypto;
  std::unique_ptr<PaymentService> payments;
  std::unique_ptr<DemoService> demo;
  std::unique_ptr<DossierApi> api;
  Router router;

  DemoWorld() {
    payments = GatewayPayments(*this);
    demo = std::make_unique<DemoService>(
        DemoServices{callers.users(), callers.service(), *service, *payments, crypto, clock},
        [](std::string_view body) { return HmacSha256Hex(kGatewaySecret, body); }, kAgencyA);
    REQUIRE(demo->EnsureAccounts().ok());
    const RequestAuthenticator authenticate = callers.Authenticator(BearerTable(Tokens()));
    api = std::make_unique<DossierApi>(DossierApi{*service, *catalog, authenticate, *calendar});
    REQUIRE(AddDossierRoutes(router, *api).ok());
    REQUIRE(AddSessionRoutes(router, SessionApi{authenticate, LogoutUrl()}).ok());
    REQUIRE(AddDemoRoutes(router, DemoApi{*demo, authenticate, clock}).ok());
    for (const std::string& id : {std::string(64, '1'), std::string(64, '2')}) {
      for (const char* owner : {kOwnerId, kCitizen}) {
        REQUIRE(store.PutDocument({id, 3, "application/pdf"}, "pdf", owner, clock.Now()).ok());
      }
    }
  }

  HttpResponse Call(const std::string& method, const std::string& target, const std::string& token,
                    const std::string& body = {}, std::vector<HttpHeader> headers = {}) {
    clock.Advance(1min);
    return CallRoute(router, method, target, token, body, std::move(headers));
  }

  // POST /v1/demo/sign-in from this site's page.
  HttpResponse SignIn(const json& body, const std::string& origin = "http://motcua.test") {
    return Call("POST", "/v1/demo/sign-in", "", body.dump(),
                {{"Host", kTestHost}, {"Origin", origin}});
  }

  // A permanent-residence dossier of `applicant`, received, waiting for its
  // fee (status 6); submitted as `submit_headers` say (bearer or cookie).
  std::string AwaitingFee(const std::string& applicant, const std::string& token,
                          std::vector<HttpHeader> submit_headers = {}) {
    HttpResponse created =
        Call("POST", "/v1/dossiers", token,
             PermanentResidenceSubmission(applicant, kAgencyA).dump(), std::move(submit_headers));
    REQUIRE_MESSAGE(created.status == 201, created.body);
    const std::string code = json::parse(created.body).at("code");
    HttpResponse received = Call("POST", "/v1/dossiers/" + code + "/actions/receive", "t-clerk");
    REQUIRE_MESSAGE(received.status == 200, received.body);
    REQUIRE(json::parse(received.body).at("status") == 6);
    return code;
  }
};

// The headers of a request from the browser holding session `secret`.
std::vector<HttpHeader> Browser(const std::string& secret, const std::string& csrf = {}) {
  std::vector<HttpHeader> headers = {{"Cookie", "motcua_session=" + secret},
                                     {"Host", kTestHost},
                                     {"Origin", std::string("http://") + kTestHost}};
  if (!csrf.empty()) headers.push_back({"X-CSRF-Token", csrf});
  return headers;
}

// The secret in a Set-Cookie value "motcua_session=SECRET; ...".
std::string CookieSecret(const HttpResponse& response) {
  const std::string cookie(response.Header("Set-Cookie").value_or(""));
  const std::string prefix = "motcua_session=";
  REQUIRE(cookie.rfind(prefix, 0) == 0);
  return cookie.substr(prefix.size(), cookie.find(';') - prefix.size());
}

void CheckProblem(const HttpResponse& response, int status, const std::string& reason,
                  const std::string& pointer = {}) {
  CAPTURE(response.body);
  CHECK(response.status == status);
  CHECK(response.content_type == "application/problem+json");
  const json problem = json::parse(response.body);
  CHECK(problem.at("type") == "https://motcua.example/problems/" + reason);
  if (!pointer.empty()) CHECK(problem.at("errors").at(0).at("pointer") == pointer);
}

TEST_CASE("demo routes: without demo mode every /v1/demo path is an unknown route") {
  PermanentResidenceService world;
  Router router;
  DossierApi api{*world.service, *world.catalog, TokenTable(Tokens()), *world.calendar};
  REQUIRE(AddDossierRoutes(router, api).ok());
  for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v1/demo/accounts"},
           {"POST", "/v1/demo/sign-in"},
           {"POST", "/v1/demo/gateway/000.00.01.H26-260302-000001/pay"}}) {
    CAPTURE(target);
    HttpResponse response =
        CallRoute(router, method, target, "t-owner", R"({"user_id":"001090000001"})");
    CHECK(response.status == 404);
    CHECK(response.content_type == "application/problem+json");
  }
}

TEST_CASE("demo routes: the accounts are listed as stored, agency null for the citizen") {
  DemoWorld world;
  HttpResponse listed = world.Call("GET", "/v1/demo/accounts", "");
  REQUIRE(listed.status == 200);
  const json accounts = json::parse(listed.body).at("accounts");
  REQUIRE(accounts.size() == 6);
  CHECK(accounts[0] == json{{"user_id", kCitizen},
                            {"name", "Nguyễn Văn An"},
                            {"roles", {"applicant"}},
                            {"agency", nullptr},
                            {"label_vi", "Công dân"},
                            {"label_en", "Citizen"}});
  std::vector<std::string> ids;
  for (const json& account : accounts) {
    ids.push_back(account.at("user_id"));
    if (account.at("user_id") != kCitizen) CHECK(account.at("agency") == kAgencyA);
  }
  CHECK(ids == std::vector<std::string>{kCitizen, "demo-reception", "demo-specialist", "leader1",
                                        "demo-admin", "demo-auditor"});
  // leader1 existed before (the route tests' leader): reused as stored.
  CHECK(accounts[3].at("name") == "Name of leader1");
}

TEST_CASE("demo routes: sign-in starts a browser session that works with its CSRF token") {
  DemoWorld world;
  HttpResponse signed_in = world.SignIn({{"user_id", kCitizen}});
  REQUIRE_MESSAGE(signed_in.status == 200, signed_in.body);
  const std::string cookie(signed_in.Header("Set-Cookie").value_or(""));
  CHECK(cookie.find("; HttpOnly; SameSite=Lax") != std::string::npos);
  CHECK(cookie.find("Max-Age=43200") != std::string::npos);
  CHECK(signed_in.Header("Cache-Control") == "no-store");
  const json session = json::parse(signed_in.body);
  CHECK(session.at("user_id") == kCitizen);
  CHECK(session.at("name") == "Nguyễn Văn An");
  CHECK(session.at("roles") == json{"applicant"});
  CHECK(session.at("agency").is_null());
  CHECK(session.at("authenticated_by") == "demo_session");
  CHECK(session.at("identity_provider").is_null());
  const std::string secret = CookieSecret(signed_in);
  const std::string csrf = session.at("csrf_token");

  // The same body as GET /v1/session gives for the cookie.
  HttpResponse asked = world.Call("GET", "/v1/session", "", "", Browser(secret));
  REQUIRE(asked.status == 200);
  CHECK(json::parse(asked.body) == session);

  // State changes need the CSRF token, as for any cookie session.
  CheckProblem(world.Call("POST", "/v1/session/logout", "", "", Browser(secret)), 403,
               "csrf_token_invalid");
  const std::string code = world.AwaitingFee(kCitizen, "", Browser(secret, csrf));
  HttpResponse mine = world.Call("GET", "/v1/dossiers/" + code, "", "", Browser(secret));
  CHECK(json::parse(mine.body).at("applicant_id") == kCitizen);

  HttpResponse out = world.Call("POST", "/v1/session/logout", "", "", Browser(secret, csrf));
  REQUIRE(out.status == 200);
  CHECK(json::parse(out.body).at("logout_url").is_null());
  CheckProblem(world.Call("GET", "/v1/session", "", "", Browser(secret)), 401, "session_invalid");
}

TEST_CASE("demo routes: staff sign in with their roles and agency") {
  DemoWorld world;
  HttpResponse signed_in = world.SignIn({{"user_id", "demo-reception"}});
  REQUIRE(signed_in.status == 200);
  const json session = json::parse(signed_in.body);
  CHECK(session.at("roles") == json{"reception_clerk"});
  CHECK(session.at("agency") == kAgencyA);
  HttpResponse queue = world.Call("GET", "/v1/queue", "", "", Browser(CookieSecret(signed_in)));
  CHECK(queue.status == 200);
}

TEST_CASE("demo routes: sign-in refuses other sites, other users and malformed bodies") {
  DemoWorld world;
  CheckProblem(world.SignIn({{"user_id", kCitizen}}, "https://evil.example"), 403,
               "origin_refused");
  CheckProblem(world.SignIn({{"user_id", kCitizen}}, "https://motcua.test"), 403, "origin_refused");
  // No Origin (a non-browser client) is this site, as on every cookie route.
  CHECK(world.Call("POST", "/v1/demo/sign-in", "", json{{"user_id", kCitizen}}.dump()).status ==
        200);

  // Real users that are not demo accounts, and nobody at all.
  for (const char* user : {"admin-a", kOwnerId, "nobody", "", "DEMO-ADMIN", "leader1 "}) {
    CAPTURE(user);
    CheckProblem(world.SignIn({{"user_id", user}}), 422, "validation", "/user_id");
  }
  CheckProblem(world.SignIn({{"user_id", 7}}), 422, "validation", "/user_id");
  CheckProblem(world.SignIn(json::object()), 422, "validation", "/user_id");
  CheckProblem(world.SignIn({{"user_id", std::string(100'000, 'a')}}), 422, "validation",
               "/user_id");
  CheckProblem(world.SignIn({{"user_id", kCitizen}, {"roles", {"admin"}}}), 422, "validation");
  CheckProblem(world.SignIn(json::array({kCitizen})), 422, "validation");
  CheckProblem(world.Call("POST", "/v1/demo/sign-in", "", "{\"user_id\":"), 400, "malformed_json");
  CHECK(world.Call("POST", "/v1/demo/sign-in", "", "", {{"Content-Type", "application/json"}})
            .status == 400);
  HttpResponse as_text = CallRoute(world.router, "POST", "/v1/demo/sign-in", "",
                                   json{{"user_id", kCitizen}}.dump(), {}, "text/plain");
  CheckProblem(as_text, 415, "unsupported_media_type");
}

TEST_CASE("demo routes: a disabled demo account cannot sign in and is not listed") {
  DemoWorld world;
  User reception = world.callers.users().GetUser("demo-reception").value();
  reception.disabled = true;
  REQUIRE(world.callers.users().UpdateUser(reception).ok());
  HttpResponse refused = world.SignIn({{"user_id", "demo-reception"}});
  CheckProblem(refused, 409, "user_disabled");
  CHECK_FALSE(refused.Header("Set-Cookie").has_value());
  const json accounts = json::parse(world.Call("GET", "/v1/demo/accounts", "").body).at("accounts");
  CHECK(accounts.size() == 5);
  for (const json& account : accounts) CHECK(account.at("user_id") != "demo-reception");
}

TEST_CASE("demo routes: the applicant pays online through the demo gateway") {
  DemoWorld world;
  const std::string code = world.AwaitingFee(kOwnerId, "t-owner");
  const std::string pay = "/v1/demo/gateway/" + code + "/pay";

  // Nobody else pays it: staff who see it, other citizens, strangers.
  for (const char* token : {"t-other", "t-clerk", "t-admin", "t-clerk-b"}) {
    CAPTURE(token);
    CheckProblem(world.Call("POST", pay, token), 404, "dossier_not_found");
  }
  CheckProblem(world.Call("POST", pay, ""), 401, "missing_token");
  CheckProblem(world.Call("POST", "/v1/demo/gateway/000.00.01.H26-260302-999999/pay", "t-owner"),
               404, "dossier_not_found");
  CHECK(world.store.GetDossier(code)->state == "awaiting_fee");

  HttpResponse paid = world.Call("POST", pay, "t-owner");
  REQUIRE_MESSAGE(paid.status == 200, paid.body);
  const json view = json::parse(paid.body);
  CHECK(view.at("code") == code);
  CHECK(view.at("status") != 6);
  CHECK(paid.Header("ETag") == "\"" + std::to_string(view.at("version").get<int>()) + "\"");
  for (const json& reason : view.at("fully_online").at("reasons")) {
    CHECK(reason.at("reason") != "fee_paid_in_person");
  }
  const Dossier after = world.store.GetDossier(code).value();
  CHECK(after.history.back().channel == Channel::kOnline);
  CHECK(after.history.back().actor.user_id == "system");
  const std::string transaction = after.history.back().payload.at("payment").at("transaction_id");
  CHECK(transaction.rfind("demo-", 0) == 0);
  Result<std::optional<PaymentRecord>> recorded = world.store.FindPayment(transaction);
  REQUIRE(recorded.ok());
  REQUIRE(recorded->has_value());
  CHECK((*recorded)->amount == 10000);
  CHECK((*recorded)->channel == Channel::kOnline);

  // Nothing is due any more: the payment service's own refusal.
  CheckProblem(world.Call("POST", pay, "t-owner"), 409, "not_awaiting_payment");
}

TEST_CASE("demo routes: a cookie payment needs the CSRF token") {
  DemoWorld world;
  HttpResponse signed_in = world.SignIn({{"user_id", kCitizen}});
  REQUIRE(signed_in.status == 200);
  const std::string secret = CookieSecret(signed_in);
  const std::string csrf = json::parse(signed_in.body).at("csrf_token");
  const std::string code = world.AwaitingFee(kCitizen, "", Browser(secret, csrf));
  const std::string pay = "/v1/demo/gateway/" + code + "/pay";
  CheckProblem(world.Call("POST", pay, "", "", Browser(secret)), 403, "csrf_token_invalid");
  CheckProblem(world.Call("POST", pay, "", "", Browser(secret, "forged")), 403,
               "csrf_token_invalid");
  HttpResponse paid = world.Call("POST", pay, "", "", Browser(secret, csrf));
  CHECK_MESSAGE(paid.status == 200, paid.body);
}

}  // namespace
}  // namespace motcua
