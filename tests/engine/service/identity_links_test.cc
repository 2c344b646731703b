#include "engine/service/identity_links.h"

#include <doctest/doctest.h>

#include <string>

#include "engine/domain/workflow.h"
#include "tests/fakes/memory_identity_store.h"
#include "tests/fakes/memory_sign_in_store.h"
#include "tests/fakes/plain_token_crypto.h"

namespace motcua {
namespace {

const Instant kT0{std::chrono::seconds(1'800'000'000)};
constexpr const char* kAgencyA = "000.00.01.H26";
constexpr const char* kAgencyB = "000.00.02.H26";
constexpr const char* kIssuerA = "https://sso.agency-a.example/realms/staff";


struct LinkWorld {
  FakeClock clock{kT0};
  MemoryIdentityStore identities;
  MemorySignInStore store;
  PlainTokenCrypto crypto;
  TokenService tokens{identities, crypto, clock};
  UserAdministration users{identities, tokens, clock};
  std::unique_ptr<IdentityLinks> links;

  const Actor admin_a{"admin-a", {kAdminRole}, kAgencyA};
  const Actor admin_b{"admin-b", {kAdminRole}, kAgencyB};
  const Actor national{"root", {kAdminRole, kNationalAdminRole}, "000.00.00.H26"};
  const Actor applicant{"001090012345", {kApplicantRole}, ""};
  const Actor clerk{"clerk-a", {"reception_clerk"}, kAgencyA};

  LinkWorld() {
    OidcProviderConfig staff_a;
    staff_a.id = "keycloak-a";
    staff_a.kind = OidcProviderKind::kStaff;
    staff_a.issuer = kIssuerA;
    staff_a.agency = kAgencyA;
    OidcProviderConfig staff_b = staff_a;
    staff_b.id = "keycloak-b";
    staff_b.issuer = "https://sso.agency-b.example";
    staff_b.agency = kAgencyB;
    OidcProviderConfig citizen;
    citizen.id = "vneid";
    citizen.kind = OidcProviderKind::kCitizen;
    citizen.issuer = "https://vneid.example";
    citizen.identity_claim = "national_id";
    links = std::make_unique<IdentityLinks>(std::vector{staff_a, staff_b, citizen}, store, users,
                                            clock);
    for (const User& user :
         {User{"clerk-a", "Clerk A", {"reception_clerk"}, kAgencyA, std::nullopt, false, kT0},
          User{"clerk-a2", "Clerk A2", {"specialist"}, kAgencyA, std::nullopt, false, kT0},
          User{"001090012345", "Citizen", {kApplicantRole}, "", std::nullopt, false, kT0}}) {
      REQUIRE(identities.CreateUser(user).ok());
    }
  }
};

void CheckRefused(const Status& status, ErrorCode code, ErrorReason reason) {
  REQUIRE_FALSE(status.ok());
  CAPTURE(status.error().message());
  CHECK(status.error().code() == code);
  CHECK(status.error().reason() == reason);
}

TEST_CASE("identity links: an admin links their agency's staff to their agency's provider") {
  LinkWorld w;
  Result<ExternalIdentity> linked = w.links->Link(w.admin_a, "clerk-a", "keycloak-a", "sub-1");
  REQUIRE_MESSAGE(linked.ok(), (linked.ok() ? "" : linked.error().message()));
  CHECK(*linked == ExternalIdentity{kIssuerA, "sub-1", "clerk-a", "keycloak-a", kT0});
  CHECK(w.store.FindIdentity(kIssuerA, "sub-1")->user_id == "clerk-a");

  // Someone else's subject cannot be taken over.
  Result<ExternalIdentity> stolen = w.links->Link(w.admin_a, "clerk-a2", "keycloak-a", "sub-1");
  CheckRefused(stolen.ok() ? Status() : Status(stolen.error()), ErrorCode::kConflict,
               ErrorReason::kIdentityAlreadyLinked);
  CHECK(w.store.FindIdentity(kIssuerA, "sub-1")->user_id == "clerk-a");

  REQUIRE(w.links->Unlink(w.admin_a, "clerk-a", "keycloak-a").ok());
  CHECK_FALSE(w.store.FindIdentity(kIssuerA, "sub-1").ok());
  CheckRefused(w.links->Unlink(w.admin_a, "clerk-a", "keycloak-a"), ErrorCode::kNotFound,
               ErrorReason::kIdentityNotLinked);
}

TEST_CASE("identity links: who may not link, and to what") {
  struct Case {
    const char* name;
    const Actor LinkWorld::*admin;
    const char* user;
    const char* provider;
    const char* subject;
    ErrorCode code;
    ErrorReason reason;
  };
  const Case cases[] = {
      {"another agency's admin", &LinkWorld::admin_b, "clerk-a", "keycloak-a", "sub-1",
       ErrorCode::kNotFound, ErrorReason::kUserNotFound},
      {"another agency's admin, at their own provider", &LinkWorld::admin_b, "clerk-a",
       "keycloak-b", "sub-1", ErrorCode::kNotFound, ErrorReason::kUserNotFound},
      {"an applicant", &LinkWorld::applicant, "clerk-a", "keycloak-a", "sub-1",
       ErrorCode::kPermissionDenied, ErrorReason::kRoleNotAllowed},
      {"an applicant, at their own account", &LinkWorld::applicant, "001090012345", "keycloak-a",
       "sub-1", ErrorCode::kPermissionDenied, ErrorReason::kRoleNotAllowed},
      {"a clerk", &LinkWorld::clerk, "clerk-a", "keycloak-a", "sub-1", ErrorCode::kPermissionDenied,
       ErrorReason::kRoleNotAllowed},
      {"an applicant's account", &LinkWorld::admin_a, "001090012345", "keycloak-a", "sub-1",
       ErrorCode::kPermissionDenied, ErrorReason::kNotYourUser},
      {"the national admin, to another agency's provider", &LinkWorld::national, "clerk-a",
       "keycloak-b", "sub-1", ErrorCode::kPermissionDenied, ErrorReason::kWrongAgency},
      {"the citizen provider", &LinkWorld::admin_a, "clerk-a", "vneid", "sub-1",
       ErrorCode::kInvalidArgument, ErrorReason::kValidation},
      {"an unknown provider", &LinkWorld::admin_a, "clerk-a", "nobody", "sub-1",
       ErrorCode::kNotFound, ErrorReason::kUnknownIdentityProvider},
      {"an unknown user", &LinkWorld::admin_a, "ghost", "keycloak-a", "sub-1", ErrorCode::kNotFound,
       ErrorReason::kUserNotFound},
      {"an empty subject", &LinkWorld::admin_a, "clerk-a", "keycloak-a", "",
       ErrorCode::kInvalidArgument, ErrorReason::kNone},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    LinkWorld w;
    const Actor& admin = w.*(c.admin);
    Result<ExternalIdentity> linked = w.links->Link(admin, c.user, c.provider, c.subject);
    CheckRefused(linked.ok() ? Status() : Status(linked.error()), c.code, c.reason);
    if (c.code != ErrorCode::kInvalidArgument || c.reason != ErrorReason::kNone) {
      REQUIRE(w.store.LinkIdentity({kIssuerA, "sub-9", c.user, c.provider, kT0}).ok());
      CheckRefused(w.links->Unlink(admin, c.user, c.provider), c.code, c.reason);
    }
  }
  LinkWorld w;
  Result<ExternalIdentity> too_long =
      w.links->Link(w.admin_a, "clerk-a", "keycloak-a", std::string(256, 's'));
  CHECK_FALSE(too_long.ok());
  CHECK(w.links->Link(w.national, "clerk-a", "keycloak-a", "sub-1").ok());
}

}  // namespace
}  // namespace motcua
