#include "engine/service/login_service.h"

#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/domain/id_token_refusal.h"
#include "engine/domain/workflow.h"
#include "tests/fakes/fake_oidc_provider.h"
#include "tests/fakes/memory_identity_store.h"
#include "tests/fakes/memory_sign_in_store.h"

namespace motcua {
namespace {

using nlohmann::json;
using std::chrono::minutes;
using std::chrono::seconds;

const Instant kT0{seconds(1'800'000'000)};
constexpr const char* kCitizenIssuer = "https://vneid.example";
constexpr const char* kStaffIssuer = "https://sso.agency-a.example/realms/staff";
constexpr const char* kAgencyA = "000.00.01.H26";
constexpr const char* kCitizenId = "001090012345";

// A stand-in SHA-256: 64 hex digits that differ for different inputs.
std::string FakeSha256Hex(std::string_view text) {
  char digits[17];
  std::snprintf(digits, sizeof digits, "%016zx", std::hash<std::string_view>{}(text));
  return std::string(digits) + digits + digits + digits;
}

ProviderMetadata Metadata(const std::string& issuer) {
  ProviderMetadata metadata = ProviderMetadataAt(issuer);
  metadata.authorization_endpoint += "?ui_locales=vi";  // a query of its own
  return metadata;
}

struct LoginWorld {
  FakeClock clock{kT0};
  MemorySignInStore store;
  MemoryIdentityStore identities;
  IdTokenVerifier verifier{clock};
  AcceptingKeySource keys;
  FakeTokenEndpoint tokens;
  int secrets_made = 0;
  std::vector<std::string> sessions_started;  // "user method provider"
  std::vector<VerifiedIdentity> identities_started;  // each session's, in order
  std::optional<ProviderMetadata> staff_metadata = Metadata(kStaffIssuer);
  std::unique_ptr<LoginService> login;
  // The claims the next token carries, per login; nonce filled per attempt.
  json claims;

  LoginWorld() {
    OidcProviderConfig citizen;
    citizen.id = "vneid";
    citizen.kind = OidcProviderKind::kCitizen;
    citizen.issuer = kCitizenIssuer;
    citizen.client_id = "motcua";
    citizen.redirect_uri = "https://motcua.example/v1/auth/vneid/callback";
    citizen.scopes = {"openid", "profile"};
    citizen.identity_claim = "national_id";
    OidcProviderConfig staff;
    staff.id = "keycloak-a";
    staff.kind = OidcProviderKind::kStaff;
    staff.issuer = kStaffIssuer;
    staff.client_id = "motcua-staff";
    staff.redirect_uri = "https://motcua.example/v1/auth/keycloak-a/callback";
    staff.agency = kAgencyA;
    std::vector<SignInProvider> providers;
    providers.push_back(
        {citizen, [] { return Result<ProviderMetadata>(Metadata(kCitizenIssuer)); }, keys, tokens});
    providers.push_back({staff,
                         [this]() -> Result<ProviderMetadata> {
                           if (staff_metadata) return *staff_metadata;
                           return Error(ErrorCode::kUnavailable, "discovery failed");
                         },
                         keys, tokens});
    login = std::make_unique<LoginService>(
        std::move(providers),
        LoginService::Dependencies{
            store, identities, verifier,
            [this](const User& user, AuthMethod method, const std::string& provider,
                   const VerifiedIdentity& verified) -> Result<StartedSession> {
              identities_started.push_back(verified);
              sessions_started.push_back(user.id + " " +
                                         (method == AuthMethod::kOidcSession ? "oidc" : "other") +
                                         " " + provider);
              return StartedSession{"session-secret", "csrf", clock.Now() + std::chrono::hours(12)};
            },
            [this] {
              ++secrets_made;
              const std::string n = std::to_string(secrets_made);
              return LoginSecrets{"state-" + n, "nonce-" + n, "verifier-" + n, "challenge-" + n,
                                  "binding-" + n};
            },
            &FakeSha256Hex, clock});
    tokens.answer = [this](const TokenExchange&) -> Result<TokenResponse> {
      return TokenResponse{ForgedIdToken(claims), ""};
    };
  }

  // Claims a provider would send for the latest attempt.
  json Claims(const std::string& issuer, const std::string& audience) const {
    const auto now = std::chrono::duration_cast<seconds>(clock.Now().time_since_epoch()).count();
    return {{"iss", issuer},   {"sub", "subject-1"},
            {"aud", audience}, {"exp", now + 300},
            {"iat", now},      {"nonce", "nonce-" + std::to_string(secrets_made)}};
  }
  json CitizenClaims() const {
    json c = Claims(kCitizenIssuer, "motcua");
    c["national_id"] = kCitizenId;
    c["name"] = "Nguyễn Văn A";
    return c;
  }

  Result<SignedIn> SignIn(const std::string& provider, const json& token_claims) {
    Result<LoginStart> start = login->Begin(provider, "/dossiers");
    REQUIRE(start.ok());
    claims = token_claims;
    claims["nonce"] = "nonce-" + std::to_string(secrets_made);
    return login->Complete(
        {provider, "state-" + std::to_string(secrets_made), "code", std::nullopt, start->binding});
  }
};

void CheckRefused(const Result<SignedIn>& result, ErrorReason reason, ErrorCode code) {
  REQUIRE_FALSE(result.ok());
  CAPTURE(result.error().message());
  CHECK(result.error().reason() == reason);
  CHECK(result.error().code() == code);
}

TEST_CASE("login: Begin keeps a hashed attempt and sends the provider every parameter") {
  LoginWorld w;
  Result<LoginStart> start = w.login->Begin("vneid", "/dossiers?page=2");
  REQUIRE(start.ok());
  CHECK(start->binding == "binding-1");
  CHECK(start->authorization_url ==
        "https://vneid.example/authorize?ui_locales=vi&response_type=code&client_id=motcua"
        "&redirect_uri=https%3A%2F%2Fmotcua.example%2Fv1%2Fauth%2Fvneid%2Fcallback"
        "&scope=openid+profile&state=state-1&nonce=nonce-1&code_challenge=challenge-1"
        "&code_challenge_method=S256");
  Result<LoginAttempt> kept = w.store.GetLoginAttempt(FakeSha256Hex("state-1"));
  REQUIRE(kept.ok());
  CHECK(kept->provider == "vneid");
  CHECK(kept->nonce == "nonce-1");
  CHECK(kept->code_verifier == "verifier-1");
  CHECK(kept->binding_hash == FakeSha256Hex("binding-1"));
  CHECK(kept->return_to == "/dossiers?page=2");
  CHECK(kept->created_at == kT0);
}

TEST_CASE("login: Begin refuses an unknown provider, a foreign return_to, and a provider down") {
  LoginWorld w;
  Result<LoginStart> unknown = w.login->Begin("nobody", "/");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code() == ErrorCode::kNotFound);
  CHECK(unknown.error().reason() == ErrorReason::kUnknownIdentityProvider);

  for (const char* foreign :
       {"//evil.example", "https://evil.example", "/\\evil.example", "%2F%2Fevil.example",
        "/\t/evil.example", "", "evil", "/a\r\nSet-Cookie: x=y", "/caf\xC3\xA9"}) {
    CAPTURE(foreign);
    CHECK_FALSE(IsLocalReturnPath(foreign));
    Result<LoginStart> refused = w.login->Begin("vneid", foreign);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().reason() == ErrorReason::kInvalidReturnTo);
  }
  CHECK_FALSE(IsLocalReturnPath("/" + std::string(kMaxReturnToBytes, 'a')));
  for (const char* local : {"/", "/dossiers/H26-1?tab=docs#top", "/%2F%2Fevil"}) {
    CAPTURE(local);
    CHECK(IsLocalReturnPath(local));
  }
  CHECK(w.store.AttemptCount() == 0);

  w.staff_metadata.reset();
  Result<LoginStart> down = w.login->Begin("keycloak-a", "/");
  REQUIRE_FALSE(down.ok());
  CHECK(down.error().code() == ErrorCode::kUnavailable);
}

TEST_CASE("login: a citizen's first sign-in provisions an applicant, the next reuses it") {
  LoginWorld w;
  Result<SignedIn> first = w.SignIn("vneid", w.CitizenClaims());
  REQUIRE_MESSAGE(first.ok(), (first.ok() ? "" : first.error().message()));
  CHECK(first->return_to == "/dossiers");
  CHECK(first->session.secret == "session-secret");
  CHECK(first->user.id == kCitizenId);
  CHECK(first->user.roles == std::vector<std::string>{kApplicantRole});
  CHECK(first->user.agency.empty());
  Result<User> stored = w.identities.GetUser(kCitizenId);
  REQUIRE(stored.ok());
  CHECK(stored->name == "Nguyễn Văn A");
  CHECK(stored->created_at == kT0);
  CHECK(w.sessions_started == std::vector<std::string>{std::string(kCitizenId) + " oidc vneid"});
  // The session keeps what the provider verified, for pre-filling forms.
  REQUIRE(w.identities_started.size() == 1);
  CHECK(w.identities_started[0].claims ==
        std::map<IdentityClaim, std::string>{{IdentityClaim::kName, "Nguyễn Văn A"},
                                             {IdentityClaim::kIdNumber, kCitizenId}});
  REQUIRE(w.tokens.exchanges.size() == 1);
  CHECK(w.tokens.exchanges[0].token_endpoint == "https://vneid.example/token");
  CHECK(w.tokens.exchanges[0].code == "code");
  CHECK(w.tokens.exchanges[0].code_verifier == "verifier-1");
  CHECK(w.tokens.exchanges[0].redirect_uri == "https://motcua.example/v1/auth/vneid/callback");

  w.clock.Advance(minutes(30));
  json again = w.CitizenClaims();
  again["name"] = "Someone Else";
  Result<SignedIn> second = w.SignIn("vneid", again);
  REQUIRE(second.ok());
  CHECK(second->user.id == kCitizenId);
  CHECK(second->user.created_at == kT0);
  CHECK(w.identities.GetUser(kCitizenId)->name == "Nguyễn Văn A");
  CHECK(w.identities.CountUsers().value() == 1);
  CHECK(w.sessions_started.size() == 2);
}

TEST_CASE("login: a replayed state is refused and the code is not redeemed again") {
  LoginWorld w;
  REQUIRE(w.SignIn("vneid", w.CitizenClaims()).ok());
  Result<SignedIn> replay =
      w.login->Complete({"vneid", "state-1", "code", std::nullopt, std::string("binding-1")});
  CheckRefused(replay, ErrorReason::kLoginAttemptInvalid, ErrorCode::kInvalidArgument);
  CHECK(w.tokens.exchanges.size() == 1);
  CHECK(w.sessions_started.size() == 1);
}

TEST_CASE("login: refusals before the token endpoint is asked") {
  struct Case {
    const char* name;
    std::function<LoginCallback(LoginWorld&)> callback;
    ErrorReason reason;
  };
  const Case cases[] = {
      {"the state of another provider",
       [](LoginWorld&) {
         return LoginCallback{"keycloak-a", "state-1", "code", std::nullopt,
                              std::string("binding-1")};
       },
       ErrorReason::kLoginAttemptInvalid},
      {"the cookie of another browser",
       [](LoginWorld&) {
         return LoginCallback{"vneid", "state-1", "code", std::nullopt,
                              std::string("binding-of-the-attacker")};
       },
       ErrorReason::kLoginAttemptInvalid},
      {"no login cookie",
       [](LoginWorld&) {
         return LoginCallback{"vneid", "state-1", "code", std::nullopt, std::nullopt};
       },
       ErrorReason::kLoginAttemptInvalid},
      {"no state",
       [](LoginWorld&) {
         return LoginCallback{"vneid", std::nullopt, "code", std::nullopt,
                              std::string("binding-1")};
       },
       ErrorReason::kLoginAttemptInvalid},
      {"an invented state",
       [](LoginWorld&) {
         return LoginCallback{"vneid", "state-999", "code", std::nullopt, std::string("binding-1")};
       },
       ErrorReason::kLoginAttemptInvalid},
      {"an attempt of exactly 10 minutes",
       [](LoginWorld& w) {
         w.clock.Advance(kLoginAttemptLifetime);
         return LoginCallback{"vneid", "state-1", "code", std::nullopt, std::string("binding-1")};
       },
       ErrorReason::kLoginAttemptInvalid},
      {"the provider's error",
       [](LoginWorld&) {
         return LoginCallback{"vneid", "state-1", std::nullopt, std::string("access_denied"),
                              std::string("binding-1")};
       },
       ErrorReason::kIdentityProviderError},
      {"no code",
       [](LoginWorld&) {
         return LoginCallback{"vneid", "state-1", std::nullopt, std::nullopt,
                              std::string("binding-1")};
       },
       ErrorReason::kLoginAttemptInvalid},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    LoginWorld w;
    REQUIRE(w.login->Begin("vneid", "/").ok());
    w.claims = w.CitizenClaims();
    Result<SignedIn> refused = w.login->Complete(c.callback(w));
    REQUIRE_FALSE(refused.ok());
    CAPTURE(refused.error().message());
    CHECK(refused.error().reason() == c.reason);
    CHECK(w.tokens.exchanges.empty());
    CHECK(w.sessions_started.empty());
  }
}

TEST_CASE("login: a wrong cookie does not burn the attempt of the right browser") {
  LoginWorld w;
  REQUIRE(w.login->Begin("vneid", "/").ok());
  w.claims = w.CitizenClaims();
  CHECK_FALSE(
      w.login->Complete({"vneid", "state-1", "code", std::nullopt, std::string("forged")}).ok());
  w.clock.Advance(minutes(9));
  w.claims = w.CitizenClaims();
  w.claims["nonce"] = "nonce-1";
  Result<SignedIn> right =
      w.login->Complete({"vneid", "state-1", "code", std::nullopt, std::string("binding-1")});
  CHECK_MESSAGE(right.ok(), (right.ok() ? "" : right.error().message()));
}

TEST_CASE("login: the ID token is verified: nonce, audience, issuer, signature") {
  struct Case {
    const char* name;
    std::function<void(json&)> spoil;
    IdTokenRefusal detail;
  };
  const Case cases[] = {
      {"nonce of another login", [](json& c) { c["nonce"] = "nonce-0"; },
       IdTokenRefusal::kWrongNonce},
      {"another client's token", [](json& c) { c["aud"] = "someone-else"; },
       IdTokenRefusal::kWrongAudience},
      {"another issuer", [](json& c) { c["iss"] = kStaffIssuer; }, IdTokenRefusal::kWrongIssuer},
      {"expired", [](json& c) { c["exp"] = c["iat"].get<std::int64_t>() - 3600; },
       IdTokenRefusal::kExpired},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    LoginWorld w;
    REQUIRE(w.login->Begin("vneid", "/").ok());
    w.tokens.answer = [&](const TokenExchange&) -> Result<TokenResponse> {
      json claims = w.CitizenClaims();
      c.spoil(claims);
      return TokenResponse{ForgedIdToken(claims), ""};
    };
    Result<SignedIn> refused =
        w.login->Complete({"vneid", "state-1", "code", std::nullopt, std::string("binding-1")});
    CheckRefused(refused, ErrorReason::kIdTokenRefused, ErrorCode::kUnauthenticated);
    CHECK(IdTokenRefusalOf(refused.error()) == c.detail);
    CHECK(w.sessions_started.empty());
    CHECK(w.identities.CountUsers().value() == 0);
  }
  LoginWorld w;
  REQUIRE(w.login->Begin("vneid", "/").ok());
  w.tokens.answer = [&](const TokenExchange&) -> Result<TokenResponse> {
    return TokenResponse{ForgedIdToken(w.CitizenClaims(), "forged"), ""};
  };
  Result<SignedIn> forged =
      w.login->Complete({"vneid", "state-1", "code", std::nullopt, std::string("binding-1")});
  CheckRefused(forged, ErrorReason::kIdTokenRefused, ErrorCode::kUnauthenticated);
  CHECK(IdTokenRefusalOf(forged.error()) == IdTokenRefusal::kBadSignature);
}

TEST_CASE("login: the token endpoint's refusal is the sign-in's") {
  LoginWorld w;
  REQUIRE(w.login->Begin("vneid", "/").ok());
  w.tokens.answer = [](const TokenExchange&) -> Result<TokenResponse> {
    return Error(ErrorCode::kUnauthenticated, "token endpoint: status 400, error \"invalid_grant\"",
                 ErrorReason::kTokenEndpointRefused);
  };
  CheckRefused(
      w.login->Complete({"vneid", "state-1", "code", std::nullopt, std::string("binding-1")}),
      ErrorReason::kTokenEndpointRefused, ErrorCode::kUnauthenticated);
}

TEST_CASE("login: a citizen claim that is not a citizen ID is refused, nobody is provisioned") {
  for (const json& claim : {json("12345"), json("999090012345"), json(1090012345), json()}) {
    CAPTURE(claim.dump());
    LoginWorld w;
    json claims = w.CitizenClaims();
    if (claim.is_null()) {
      claims.erase("national_id");
    } else {
      claims["national_id"] = claim;
    }
    CheckRefused(w.SignIn("vneid", claims), ErrorReason::kIdentityClaimInvalid,
                 ErrorCode::kPermissionDenied);
    CHECK(w.identities.CountUsers().value() == 0);
  }
}

TEST_CASE("login: a citizen ID that names a staff account does not sign in as that staff") {
  LoginWorld w;
  User staff{kCitizenId, "Clerk", {"reception_clerk"}, kAgencyA, std::nullopt, false, kT0};
  REQUIRE(w.identities.CreateUser(staff).ok());
  CheckRefused(w.SignIn("vneid", w.CitizenClaims()), ErrorReason::kIdentityNotLinked,
               ErrorCode::kPermissionDenied);
  CHECK(w.sessions_started.empty());
}

TEST_CASE("login: a disabled user is refused before any session starts") {
  LoginWorld w;
  User citizen{kCitizenId, "A", {kApplicantRole}, "", std::nullopt, true, kT0};
  REQUIRE(w.identities.CreateUser(citizen).ok());
  CheckRefused(w.SignIn("vneid", w.CitizenClaims()), ErrorReason::kUserDisabled,
               ErrorCode::kPermissionDenied);

  User clerk{"clerk-a", "Clerk", {"reception_clerk"}, kAgencyA, std::nullopt, true, kT0};
  REQUIRE(w.identities.CreateUser(clerk).ok());
  REQUIRE(w.store.LinkIdentity({kStaffIssuer, "subject-1", "clerk-a", "keycloak-a", kT0}).ok());
  CheckRefused(w.SignIn("keycloak-a", w.Claims(kStaffIssuer, "motcua-staff")),
               ErrorReason::kUserDisabled, ErrorCode::kPermissionDenied);
  CHECK(w.sessions_started.empty());
}

TEST_CASE("login: staff sign in as the linked user, with the user's roles, never the token's") {
  LoginWorld w;
  User clerk{"clerk-a", "Clerk", {"reception_clerk"}, kAgencyA, std::nullopt, false, kT0};
  REQUIRE(w.identities.CreateUser(clerk).ok());

  json claims = w.Claims(kStaffIssuer, "motcua-staff");
  claims["roles"] = {"admin", "national_admin"};
  claims["preferred_username"] = "clerk-a";
  claims["name"] = "Clerk's own name";
  CheckRefused(w.SignIn("keycloak-a", claims), ErrorReason::kIdentityNotLinked,
               ErrorCode::kPermissionDenied);

  REQUIRE(w.store.LinkIdentity({kStaffIssuer, "subject-1", "clerk-a", "keycloak-a", kT0}).ok());
  Result<SignedIn> signed_in = w.SignIn("keycloak-a", claims);
  REQUIRE_MESSAGE(signed_in.ok(), (signed_in.ok() ? "" : signed_in.error().message()));
  CHECK(signed_in->user.id == "clerk-a");
  CHECK(signed_in->user.roles == std::vector<std::string>{"reception_clerk"});
  CHECK(w.sessions_started.back() == "clerk-a oidc keycloak-a");
  // Staff bring no verified identity data: their token's claims are not a citizen's.
  CHECK(w.identities_started.back().empty());

  // Moved to another agency after being linked: the agency's provider no longer signs them in.
  clerk.agency = "000.00.02.H26";
  REQUIRE(w.identities.UpdateUser(clerk).ok());
  CheckRefused(w.SignIn("keycloak-a", claims), ErrorReason::kIdentityNotLinked,
               ErrorCode::kPermissionDenied);
}

TEST_CASE("login: the provider's logout URL, when its discovery document has one") {
  LoginWorld w;
  Result<std::optional<std::string>> none = w.login->EndSessionUrl("keycloak-a", "https://m/");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  w.staff_metadata->end_session_endpoint = std::string(kStaffIssuer) + "/logout";
  Result<std::optional<std::string>> url = w.login->EndSessionUrl("keycloak-a", "https://m/");
  REQUIRE(url.ok());
  CHECK(**url == std::string(kStaffIssuer) +
                     "/logout?client_id=motcua-staff&post_logout_redirect_uri=https%3A%2F%2Fm%2F");
  CHECK(w.login->EndSessionUrl("nobody", "https://m/").error().reason() ==
        ErrorReason::kUnknownIdentityProvider);
}

TEST_CASE("login: Begin prunes attempts nobody completed in time") {
  LoginWorld w;
  REQUIRE(w.login->Begin("vneid", "/").ok());
  REQUIRE(w.login->Begin("vneid", "/").ok());
  CHECK(w.store.AttemptCount() == 2);
  w.clock.Advance(kLoginAttemptLifetime + seconds(1));
  REQUIRE(w.login->Begin("vneid", "/").ok());
  CHECK(w.store.AttemptCount() == 1);
}

}  // namespace
}  // namespace motcua
