// Browser sessions on the HTTP API, tested as an attacker would: the
// session routes, and the cookie's CSRF and Origin rules on any route
// (request_authentication.h).
#include "api/session_routes.h"

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/handler_support.h"
#include "api/problem.h"
#include "engine/domain/rfc3339.h"
#include "tests/api/route_test_support.h"
#include "tests/api/session_test_support.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

const std::map<std::string, Actor> kTokens = {
    {"t-citizen", Actor{"001090012345", {"applicant"}, ""}},
    {"t-clerk", Actor{"clerk-1", {"reception_clerk"}, "000.00.01.H26"}}};

// A router with the session routes and two routes that echo their caller.
struct SessionWorld {
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}}};
  SessionCallers callers{kTokens, clock};
  bool tls = false;
  Router router;
  std::vector<std::string> logout_asked;  // providers whose logout URL was asked for

  explicit SessionWorld(bool use_tls = false) : tls(use_tls) {
    const RequestAuthenticator authenticate(BearerTable(kTokens), &callers.service(), tls);
    REQUIRE(
        AddSessionRoutes(router, SessionApi{authenticate,
                                            [this](const std::string& provider) {
                                              logout_asked.push_back(provider);
                                              return std::optional<std::string>(
                                                  "https://idp.example/logout?client_id=motcua");
                                            }})
            .ok());
    for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH"}) {
      REQUIRE(router
                  .Add(method, "/v1/echo",
                       RequireActor(authenticate,
                                    [](const HttpRequest&, const PathParams&, const Actor& actor) {
                                      return JsonResponse(
                                          200, {{"caller", actor.user_id},
                                                {"by", AuthMethodName(actor.authenticated_by)}});
                                    }),
                       RouteAccess::kAuthenticated)
                  .ok());
    }
  }

  const StartedSession& Session(const std::string& token) { return callers.SessionOf(token); }
  std::string CookieName() const { return tls ? "__Host-motcua_session" : "motcua_session"; }
  std::string Origin() const { return std::string(tls ? "https://" : "http://") + kTestHost; }

  // A request from the browser holding `secret`, with `extra` headers.
  HttpResponse Send(const std::string& method, const std::string& target, const std::string& secret,
                    std::vector<HttpHeader> extra = {}) {
    HttpRequest request = MakeHttpRequest(method, target);
    request.headers.push_back({"Host", kTestHost});
    if (!secret.empty()) request.headers.push_back({"Cookie", CookieName() + "=" + secret});
    for (HttpHeader& header : extra) request.headers.push_back(std::move(header));
    return router.Handle(request);
  }
};

std::string ProblemType(const HttpResponse& response) {
  return json::parse(response.body).at("type").get<std::string>();
}

void CheckProblem(const HttpResponse& response, int status, const std::string& reason) {
  CHECK(response.status == status);
  CHECK(response.content_type == "application/problem+json");
  CHECK(ProblemType(response) == "https://motcua.example/problems/" + reason);
}

TEST_CASE("session routes: GET /v1/session describes the cookie's session, only to it") {
  SessionWorld world;
  const StartedSession& clerk = world.Session("t-clerk");
  HttpResponse described = world.Send("GET", "/v1/session", clerk.secret);
  REQUIRE(described.status == 200);
  CHECK(described.Header("Cache-Control") == "no-store");
  const json body = json::parse(described.body);
  CHECK(body.at("user_id") == "clerk-1");
  CHECK(body.at("name") == "Name of clerk-1");
  CHECK(body.at("roles") == json::array({"reception_clerk"}));
  CHECK(body.at("agency") == "000.00.01.H26");
  CHECK(body.at("authenticated_by") == "oidc_session");
  CHECK(body.at("identity_provider") == "vneid");
  CHECK(body.at("csrf_token") == clerk.csrf_token);
  CHECK(body.at("expires_at") == FormatRfc3339DateTime(clerk.expires_at));
  CHECK(body.at("verified_identity").is_null());  // staff bring none
  CHECK(body.size() == 9);

  const json citizen =
      json::parse(world.Send("GET", "/v1/session", world.Session("t-citizen").secret).body);
  CHECK(citizen.at("agency").is_null());
  CHECK(citizen.at("verified_identity").is_null());

  // A citizen whose provider verified their data gets it back, to pre-fill forms.
  VerifiedIdentity identity;
  identity.claims[IdentityClaim::kName] = "Nguyễn Văn An";
  identity.claims[IdentityClaim::kBirthdate] = "1990-05-01";
  world.callers.SignInAgainWith("t-citizen", identity);
  const json verified =
      json::parse(world.Send("GET", "/v1/session", world.Session("t-citizen").secret).body);
  CHECK(verified.at("verified_identity") ==
        json{{"name", "Nguyễn Văn An"}, {"birthdate", "1990-05-01"}});

  CheckProblem(world.Send("GET", "/v1/session", ""), 401, "session_invalid");
  CheckProblem(world.Send("GET", "/v1/session", "forged-secret"), 401, "session_invalid");
  // A bearer token is not a browser session, with or without a cookie.
  CheckProblem(world.Send("GET", "/v1/session", "", {{"Authorization", "Bearer t-clerk"}}), 401,
               "session_invalid");
  CheckProblem(
      world.Send("GET", "/v1/session", clerk.secret, {{"Authorization", "Bearer t-clerk"}}), 401,
      "session_invalid");
}

TEST_CASE("session routes: logout ends the session, clears the cookie and names the provider's") {
  SessionWorld world;
  const StartedSession& clerk = world.Session("t-clerk");
  const StartedSession& citizen = world.Session("t-citizen");
  // Without the CSRF token a cross-site form could log the user out.
  CheckProblem(world.Send("POST", "/v1/session/logout", clerk.secret), 403, "csrf_token_invalid");
  CHECK(world.Send("GET", "/v1/echo", clerk.secret).status == 200);

  HttpResponse out = world.Send("POST", "/v1/session/logout", clerk.secret,
                                {{"X-CSRF-Token", clerk.csrf_token}, {"Origin", world.Origin()}});
  REQUIRE(out.status == 200);
  CHECK(json::parse(out.body) ==
        json{{"logout_url", "https://idp.example/logout?client_id=motcua"}});
  CHECK(world.logout_asked == std::vector<std::string>{"vneid"});
  CHECK(out.Header("Set-Cookie") == ClearSessionSetCookie(false));

  // Logged out: the cookie is worth nothing, anywhere.
  CheckProblem(world.Send("GET", "/v1/echo", clerk.secret), 401, "session_invalid");
  CheckProblem(world.Send("GET", "/v1/session", clerk.secret), 401, "session_invalid");
  CheckProblem(
      world.Send("POST", "/v1/session/logout", clerk.secret, {{"X-CSRF-Token", clerk.csrf_token}}),
      401, "session_invalid");
  // Another user's session is untouched.
  CHECK(world.Send("GET", "/v1/echo", citizen.secret).status == 200);
  // A bearer caller has no session to end.
  CheckProblem(
      world.Send("POST", "/v1/session/logout", "", {{"Authorization", "Bearer t-citizen"}}), 401,
      "session_invalid");
}

TEST_CASE("session routes: a demo session logs out without a provider logout URL") {
  SessionWorld world;
  const User demo_user{"001090012345", "An", {"applicant"}, "", {}, false, world.clock.Now()};
  Result<StartedSession> demo =
      world.callers.service().Start(demo_user, AuthMethod::kDemoSession, "");
  REQUIRE(demo.ok());
  HttpResponse out =
      world.Send("POST", "/v1/session/logout", demo->secret, {{"X-CSRF-Token", demo->csrf_token}});
  REQUIRE(out.status == 200);
  CHECK(json::parse(out.body).at("logout_url").is_null());
  CHECK(world.logout_asked.empty());
}

TEST_CASE("request authentication: a cookie request that changes state needs its own CSRF token") {
  SessionWorld world;
  const StartedSession& clerk = world.Session("t-clerk");
  const StartedSession& citizen = world.Session("t-citizen");
  for (const char* safe : {"GET"}) {
    HttpResponse read = world.Send(safe, "/v1/echo", clerk.secret);
    REQUIRE(read.status == 200);
    CHECK(json::parse(read.body) == json{{"caller", "clerk-1"}, {"by", "oidc_session"}});
  }
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH"}) {
    INFO(method);
    CheckProblem(world.Send(method, "/v1/echo", clerk.secret), 403, "csrf_token_invalid");
    CheckProblem(world.Send(method, "/v1/echo", clerk.secret, {{"X-CSRF-Token", ""}}), 403,
                 "csrf_token_invalid");
    // Another session's token, a token with a byte more, the secret itself.
    for (const std::string& wrong :
         {citizen.csrf_token, clerk.csrf_token + "0", clerk.csrf_token.substr(1), clerk.secret,
          std::string(1 << 16, 'a')}) {
      CheckProblem(world.Send(method, "/v1/echo", clerk.secret, {{"X-CSRF-Token", wrong}}), 403,
                   "csrf_token_invalid");
    }
    // The citizen's cookie with the clerk's token is not the clerk.
    CheckProblem(
        world.Send(method, "/v1/echo", citizen.secret, {{"X-CSRF-Token", clerk.csrf_token}}), 403,
        "csrf_token_invalid");
    HttpResponse allowed =
        world.Send(method, "/v1/echo", clerk.secret, {{"X-CSRF-Token", clerk.csrf_token}});
    CHECK(allowed.status == 200);
  }
}

TEST_CASE("request authentication: a cookie request from another origin is refused") {
  SessionWorld world;
  const StartedSession& clerk = world.Session("t-clerk");
  const std::vector<HttpHeader> with_token = {{"X-CSRF-Token", clerk.csrf_token}};
  for (const char* origin :
       {"https://evil.example", "http://motcua.test.evil.example", "https://motcua.test",
        "http://motcua.test:8080", "null", "", "http://motcua.test/"}) {
    INFO(origin);
    std::vector<HttpHeader> headers = with_token;
    headers.push_back({"Origin", origin});
    CheckProblem(world.Send("POST", "/v1/echo", clerk.secret, headers), 403, "origin_refused");
  }
  std::vector<HttpHeader> same = with_token;
  same.push_back({"Origin", "HTTP://MOTCUA.TEST"});
  CHECK(world.Send("POST", "/v1/echo", clerk.secret, same).status == 200);
  // Reads carry no CSRF risk: a cross-origin GET is answered (CORS keeps
  // the answer from the other site's script).
  CHECK(world.Send("GET", "/v1/echo", clerk.secret, {{"Origin", "https://evil.example"}}).status ==
        200);
  // Without a Host to compare with, no Origin is the server's.
  HttpRequest hostless = MakeHttpRequest("POST", "/v1/echo");
  hostless.headers = {{"Cookie", "motcua_session=" + clerk.secret},
                      {"X-CSRF-Token", clerk.csrf_token},
                      {"Origin", "http://motcua.test"}};
  CheckProblem(world.router.Handle(hostless), 403, "origin_refused");
}

TEST_CASE("request authentication: expired sessions are refused at the idle and absolute end") {
  SessionWorld world;
  const StartedSession& clerk = world.Session("t-clerk");
  world.clock.Advance(30min - 1s);
  CHECK(world.Send("GET", "/v1/echo", clerk.secret).status == 200);
  world.clock.Advance(30min);
  CheckProblem(world.Send("GET", "/v1/echo", clerk.secret), 401, "session_invalid");
  CheckProblem(world.Send("POST", "/v1/echo", clerk.secret, {{"X-CSRF-Token", clerk.csrf_token}}),
               401, "session_invalid");
  HttpResponse refused = world.Send("GET", "/v1/echo", clerk.secret);
  CHECK(json::parse(refused.body).at("detail").get<std::string>().find(clerk.secret) ==
        std::string::npos);
}

TEST_CASE("request authentication: the bearer header wins over the cookie, unchanged") {
  SessionWorld world;
  const StartedSession& clerk = world.Session("t-clerk");
  HttpResponse bearer =
      world.Send("POST", "/v1/echo", clerk.secret, {{"Authorization", "Bearer t-citizen"}});
  REQUIRE(bearer.status == 200);
  CHECK(json::parse(bearer.body) == json{{"caller", "001090012345"}, {"by", "system"}});
  // A wrong bearer token is not rescued by a good cookie.
  CheckProblem(world.Send("GET", "/v1/echo", clerk.secret, {{"Authorization", "Bearer nope"}}), 401,
               "invalid_token");
  CheckProblem(world.Send("GET", "/v1/echo", clerk.secret, {{"Authorization", "Basic abc"}}), 401,
               "missing_token");
  CheckProblem(world.Send("GET", "/v1/echo", ""), 401, "missing_token");
}

TEST_CASE("request authentication: cookies of the wrong name, doubled, or absurd are nobody") {
  SessionWorld plain;
  const StartedSession& clerk = plain.Session("t-clerk");
  // A duplicated cookie: nobody can toss in a second one to be read first.
  HttpRequest doubled = MakeHttpRequest("GET", "/v1/echo");
  doubled.headers = {{"Cookie", "motcua_session=" + clerk.secret + "; motcua_session=forged"}};
  CheckProblem(plain.router.Handle(doubled), 401, "missing_token");
  HttpRequest two_headers = MakeHttpRequest("GET", "/v1/echo");
  two_headers.headers = {{"Cookie", "motcua_session=forged"},
                         {"Cookie", "motcua_session=" + clerk.secret}};
  CheckProblem(plain.router.Handle(two_headers), 401, "missing_token");

  for (const std::string& absurd :
       {std::string(300, 'a'), std::string(1 << 20, 'a'), std::string("a\0b", 3)}) {
    CheckProblem(plain.Send("GET", "/v1/echo", absurd), 401, "session_invalid");
  }

  // Over TLS only the __Host- cookie counts: a plain-named one (which a man
  // in the middle on plain HTTP could have set) is ignored.
  SessionWorld tls(/*use_tls=*/true);
  const StartedSession& tls_clerk = tls.Session("t-clerk");
  HttpRequest plain_name = MakeHttpRequest("GET", "/v1/echo");
  plain_name.headers = {{"Cookie", "motcua_session=" + tls_clerk.secret}};
  CheckProblem(tls.router.Handle(plain_name), 401, "missing_token");
  CHECK(tls.Send("GET", "/v1/echo", tls_clerk.secret).status == 200);
  CHECK(tls.Send("POST", "/v1/echo", tls_clerk.secret,
                 {{"X-CSRF-Token", tls_clerk.csrf_token}, {"Origin", "https://motcua.test"}})
            .status == 200);
  CheckProblem(tls.Send("POST", "/v1/echo", tls_clerk.secret,
                        {{"X-CSRF-Token", tls_clerk.csrf_token}, {"Origin", "http://motcua.test"}}),
               403, "origin_refused");
}

TEST_CASE("request authentication: a disabled user's session stops at the next request") {
  SessionWorld world;
  const StartedSession& clerk = world.Session("t-clerk");
  User disabled = world.callers.users().GetUser("clerk-1").value();
  disabled.disabled = true;
  REQUIRE(world.callers.users().UpdateUser(disabled).ok());
  CheckProblem(world.Send("GET", "/v1/echo", clerk.secret), 401, "session_invalid");
}

TEST_CASE("request authentication: a large body is read for a cookie caller only with its token") {
  // What serve passes as HttpServerOptions::authenticate_body: the same
  // decision on the request's head.
  SessionWorld world;
  const RequestAuthenticator authenticate(BearerTable(kTokens), &world.callers.service(), false);
  const StartedSession& clerk = world.Session("t-clerk");
  HttpRequest head = MakeHttpRequest("POST", "/v1/documents");
  head.headers = {{"Host", kTestHost}, {"Cookie", "motcua_session=" + clerk.secret}};
  CHECK_FALSE(authenticate(head).ok());
  head.headers.push_back({"X-CSRF-Token", clerk.csrf_token});
  CHECK(authenticate(head).ok());
  head.headers.push_back({"Origin", "https://evil.example"});
  CHECK_FALSE(authenticate(head).ok());
}

}  // namespace
}  // namespace motcua
