#include "api/sign_in_routes.h"

#include <doctest/doctest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/problem.h"
#include "api/session_cookie.h"
#include "engine/crypto/oidc_login_secrets.h"
#include "engine/crypto/random.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/workflow.h"
#include "tests/api/route_test_support.h"
#include "tests/fakes/fake_oidc_provider.h"
#include "tests/fakes/memory_identity_store.h"
#include "tests/fakes/memory_sign_in_store.h"
#include "tests/fakes/plain_token_crypto.h"

namespace motcua {
namespace {

using nlohmann::json;

const Instant kT0{std::chrono::seconds(1'800'000'000)};
constexpr const char* kIssuer = "https://vneid.example";
constexpr const char* kStaffIssuer = "https://sso.agency-a.example";


// The routes over the real login service, with real secrets and hashes, a
// fake provider behind them and a session starter that records its calls.
struct SignInRoutesWorld {
  FakeClock clock{kT0};
  MemorySignInStore store;
  MemoryIdentityStore identities;
  PlainTokenCrypto no_crypto;
  TokenService tokens{identities, no_crypto, clock};
  UserAdministration users{identities, tokens, clock};
  IdTokenVerifier verifier{clock};
  AcceptingKeySource keys;
  FakeTokenEndpoint token_endpoint;
  std::vector<std::string> log;
  std::vector<std::string> sessions;
  std::unique_ptr<LoginService> login;
  std::unique_ptr<IdentityLinks> links;
  std::unique_ptr<SignInApi> api;
  Router router;
  std::string nonce;  // of the latest login, for the next token

  SignInRoutesWorld() {
    OidcProviderConfig citizen;
    citizen.id = "vneid";
    citizen.kind = OidcProviderKind::kCitizen;
    citizen.issuer = kIssuer;
    citizen.client_id = "motcua";
    citizen.redirect_uri = "https://motcua.example/v1/auth/vneid/callback";
    citizen.identity_claim = "national_id";
    OidcProviderConfig staff;
    staff.id = "keycloak-a";
    staff.kind = OidcProviderKind::kStaff;
    staff.issuer = kStaffIssuer;
    staff.client_id = "motcua";
    staff.redirect_uri = "https://motcua.example/v1/auth/keycloak-a/callback";
    staff.agency = kAgencyA;
    std::vector<SignInProvider> providers;
    for (const OidcProviderConfig& config : {citizen, staff}) {
      providers.push_back({config,
                           [issuer = config.issuer] {
                             return Result<ProviderMetadata>(ProviderMetadataAt(issuer));
                           },
                           keys, token_endpoint});
    }
    login = std::make_unique<LoginService>(
        std::move(providers),
        LoginService::Dependencies{
            store, identities, verifier,
            [this](const User& user, AuthMethod, const std::string&,
                   const VerifiedIdentity&) -> Result<StartedSession> {
              sessions.push_back(user.id);
              return StartedSession{"session-secret", "csrf", clock.Now() + std::chrono::hours(1)};
            },
            [] {
              OidcLoginSecrets secrets = NewOidcLoginSecrets();
              return LoginSecrets{secrets.state, secrets.nonce, secrets.code_verifier,
                                  secrets.code_challenge, RandomToken()};
            },
            &Sha256Hex, clock});
    links = std::make_unique<IdentityLinks>(std::vector{citizen, staff}, store, users, clock);
    api = std::make_unique<SignInApi>(
        SignInApi{*login, *links, TokenTable(Tokens()), clock, false,
                  [this](std::string_view line) { log.emplace_back(line); }});
    REQUIRE(AddSignInRoutes(router, *api).ok());
    token_endpoint.answer = [this](const TokenExchange&) -> Result<TokenResponse> {
      const auto now =
          std::chrono::duration_cast<std::chrono::seconds>(clock.Now().time_since_epoch()).count();
      return TokenResponse{ForgedIdToken({{"iss", kIssuer},
                                          {"sub", "s-1"},
                                          {"aud", "motcua"},
                                          {"exp", now + 300},
                                          {"iat", now},
                                          {"nonce", nonce},
                                          {"national_id", kOwnerId}}),
                           ""};
    };
    REQUIRE(identities
                .CreateUser(
                    {"clerk-a", "Clerk", {"reception_clerk"}, kAgencyA, std::nullopt, false, kT0})
                .ok());
  }

  struct Started {
    std::string state;
    std::string cookie;  // "motcua_login=VALUE"
  };
  // GET .../login; the state sent to the provider and the login cookie.
  Started StartLogin(const std::string& return_to = "/me") {
    HttpResponse response =
        CallRoute(router, "GET", "/v1/auth/vneid/login?return_to=" + return_to, "");
    REQUIRE(response.status == 302);
    const std::string location(response.Header("Location").value_or(""));
    HttpRequest parsed = MakeHttpRequest("GET", "/x" + location.substr(location.find('?')));
    nonce = QueryValue(parsed, "nonce").value_or("");
    const std::string set_cookie(response.Header("Set-Cookie").value_or(""));
    return {QueryValue(parsed, "state").value_or(""), set_cookie.substr(0, set_cookie.find(';'))};
  }

  HttpResponse Callback(const std::string& query, const std::string& cookie) {
    std::vector<HttpHeader> headers;
    if (!cookie.empty()) headers.push_back({"Cookie", cookie});
    return CallRoute(router, "GET", "/v1/auth/vneid/callback?" + query, "", "", headers);
  }
};

std::vector<std::string> SetCookies(const HttpResponse& response) {
  std::vector<std::string> values;
  for (const HttpHeader& header : response.headers) {
    if (EqualsIgnoreCase(header.name, "Set-Cookie")) values.push_back(header.value);
  }
  return values;
}

TEST_CASE("sign-in routes: the providers are listed with their login URLs") {
  SignInRoutesWorld w;
  HttpResponse response = CallRoute(w.router, "GET", "/v1/auth/providers", "");
  REQUIRE(response.status == 200);
  CHECK(json::parse(response.body) == json::parse(R"({"providers":[
          {"id":"vneid","kind":"citizen","login_url":"/v1/auth/vneid/login"},
          {"id":"keycloak-a","kind":"staff","login_url":"/v1/auth/keycloak-a/login"}]})"));
}

TEST_CASE("sign-in routes: login redirects to the provider and sets the login cookie") {
  SignInRoutesWorld w;
  HttpResponse response = CallRoute(w.router, "GET", "/v1/auth/vneid/login", "");
  REQUIRE(response.status == 302);
  const std::string location(response.Header("Location").value_or(""));
  CHECK(location.rfind("https://vneid.example/authorize?response_type=code&client_id=motcua&", 0) ==
        0);
  CHECK(location.find("&code_challenge_method=S256") != std::string::npos);
  CHECK(location.find("code_verifier") == std::string::npos);
  CHECK(response.Header("Set-Cookie").value_or("").rfind("motcua_login=", 0) == 0);
  CHECK(response.Header("Cache-Control") == "no-store");
  CHECK(w.store.AttemptCount() == 1);

  HttpResponse unknown = CallRoute(w.router, "GET", "/v1/auth/nobody/login", "");
  CHECK(unknown.status == 404);
  CHECK(json::parse(unknown.body)["type"] ==
        std::string(kProblemTypeBase) + "unknown_identity_provider");
}

TEST_CASE("sign-in routes: return_to must be a path on this server") {
  SignInRoutesWorld w;
  for (const char* foreign :
       {"//evil", "https://evil", "/\\evil", "%2F%2Fevil", "/%5Cevil", "%2F%09%2Fevil", "evil"}) {
    CAPTURE(foreign);
    HttpResponse response =
        CallRoute(w.router, "GET", std::string("/v1/auth/vneid/login?return_to=") + foreign, "");
    CHECK(response.status == 400);
    CHECK(json::parse(response.body)["type"] ==
          std::string(kProblemTypeBase) + "invalid_return_to");
    CHECK_FALSE(response.Header("Location").has_value());
  }
  CHECK(w.store.AttemptCount() == 0);
  // A percent-encoded path that stays a path is fine: it is never decoded into a host.
  CHECK(CallRoute(w.router, "GET", "/v1/auth/vneid/login?return_to=%2F%252F%252Fevil", "").status ==
        302);
}

TEST_CASE("sign-in routes: the callback signs in and returns to where the login started") {
  SignInRoutesWorld w;
  SignInRoutesWorld::Started started = w.StartLogin("%2Fdossiers%3Fmine%3D1");
  HttpResponse response = w.Callback("code=c-1&state=" + started.state, started.cookie);
  REQUIRE_MESSAGE(response.status == 303, response.body);
  CHECK(response.Header("Location") == "/dossiers?mine=1");
  CHECK(SetCookies(response) ==
        std::vector<std::string>{SessionSetCookie("session-secret", std::chrono::hours(1), false),
                                 ClearLoginSetCookie(false)});
  CHECK(w.sessions == std::vector<std::string>{kOwnerId});
  CHECK(w.log.empty());

  // The same redirect again (a replay) is refused.
  HttpResponse replay = w.Callback("code=c-1&state=" + started.state, started.cookie);
  CHECK(replay.status == 400);
  REQUIRE(w.log.size() == 1);
  CHECK(w.log[0].rfind("sign-in refused: provider=vneid reason=login_attempt_invalid detail=", 0) ==
        0);
}

TEST_CASE("sign-in routes: a refused callback is a plain bilingual page and one log line") {
  SignInRoutesWorld w;
  SignInRoutesWorld::Started started = w.StartLogin();
  struct Case {
    const char* name;
    std::string query;
    std::string cookie;
    int status;
    const char* reason;
  };
  const Case cases[] = {
      {"no login cookie", "code=c&state=" + started.state, "", 400, "login_attempt_invalid"},
      {"another browser's cookie", "code=c&state=" + started.state, "motcua_login=forged", 400,
       "login_attempt_invalid"},
      {"the provider's error", "error=access_denied&state=" + started.state, started.cookie, 401,
       "identity_provider_error"},
      {"an unknown state", "code=c&state=forged", started.cookie, 400, "login_attempt_invalid"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    w.log.clear();
    HttpResponse page = w.Callback(c.query, c.cookie);
    CHECK(page.status == c.status);
    CHECK(page.content_type == "text/html; charset=utf-8");
    const std::size_t vietnamese = page.body.find("Đăng nhập không thành công");
    const std::size_t english = page.body.find("Sign-in failed");
    CHECK(vietnamese != std::string::npos);
    CHECK(english != std::string::npos);
    CHECK(vietnamese < english);
    CHECK(page.body.find(std::string("Mã lỗi / Error code: ") + c.reason) != std::string::npos);
    CHECK(page.body.find(started.state) == std::string::npos);
    CHECK(SetCookies(page) == std::vector<std::string>{ClearLoginSetCookie(false)});
    REQUIRE(w.log.size() == 1);
    CHECK(w.log[0].rfind(
              std::string("sign-in refused: provider=vneid reason=") + c.reason + " detail=", 0) ==
          0);
    CHECK(w.log[0].find('\n') == std::string::npos);
  }
  CHECK(w.sessions.empty());
}

TEST_CASE("sign-in routes: the refusal page escapes and the log line stays one line") {
  SignInRoutesWorld w;
  HttpResponse page =
      CallRoute(w.router, "GET", "/v1/auth/%3Cscript%3Ealert(1)/callback?code=c", "");
  CHECK(page.status == 404);
  CHECK(page.body.find("<script>") == std::string::npos);
  CHECK(page.body.find("unknown_identity_provider") != std::string::npos);
  REQUIRE(w.log.size() == 1);
  CHECK(w.log[0].find("\n") == std::string::npos);

  w.log.clear();
  SignInRoutesWorld::Started started = w.StartLogin();
  HttpResponse cancelled =
      w.Callback("error=%3C%2Fp%3E%0D%0Aforged%20line&state=" + started.state, started.cookie);
  CHECK(cancelled.status == 401);
  CHECK(cancelled.body.find("forged") == std::string::npos);
  REQUIRE(w.log.size() == 1);
  CHECK(w.log[0].find('\n') == std::string::npos);
  CHECK(w.log[0].find('\r') == std::string::npos);
}

TEST_CASE("sign-in routes: admins link and unlink their staff's identities") {
  SignInRoutesWorld w;
  const std::string path = "/v1/users/clerk-a/identities/keycloak-a";
  HttpResponse linked = CallRoute(w.router, "PUT", path, "t-admin", R"({"subject":"kc-sub-1"})");
  REQUIRE_MESSAGE(linked.status == 200, linked.body);
  CHECK(json::parse(linked.body) == json{{"provider", "keycloak-a"},
                                         {"issuer", kStaffIssuer},
                                         {"subject", "kc-sub-1"},
                                         {"user_id", "clerk-a"}});

  REQUIRE(
      w.identities
          .CreateUser({"clerk-a2", "Clerk 2", {"specialist"}, kAgencyA, std::nullopt, false, kT0})
          .ok());
  CHECK(CallRoute(w.router, "PUT", "/v1/users/clerk-a2/identities/keycloak-a", "t-admin",
                  R"({"subject":"kc-sub-1"})")
            .status == 409);
  CHECK(CallRoute(w.router, "PUT", path, "t-admin-b", R"({"subject":"kc-sub-2"})").status == 404);
  CHECK(CallRoute(w.router, "PUT", path, "t-owner", R"({"subject":"kc-sub-2"})").status == 403);
  CHECK(CallRoute(w.router, "PUT", path, "", R"({"subject":"kc-sub-2"})").status == 401);
  CHECK(CallRoute(w.router, "PUT", path, "t-admin", R"({"subject":7})").status == 422);
  CHECK(CallRoute(w.router, "PUT", path, "t-admin", R"({"subject":"s","user":"x"})").status == 422);
  CHECK(CallRoute(w.router, "PUT", "/v1/users/clerk-a/identities/vneid", "t-admin",
                  R"({"subject":"s"})")
            .status == 422);

  CHECK(CallRoute(w.router, "DELETE", path, "t-admin-b").status == 404);
  CHECK(CallRoute(w.router, "DELETE", path, "t-admin").status == 204);
  CHECK(CallRoute(w.router, "DELETE", path, "t-admin").status == 404);
}

}  // namespace
}  // namespace motcua
