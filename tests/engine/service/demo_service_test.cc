#include "engine/service/demo_service.h"

#include <doctest/doctest.h>

#include <map>
#include <set>
#include <string>

#include "tests/fakes/memory_identity_store.h"
#include "tests/fakes/memory_session_store.h"
#include "tests/fakes/spelled_out_token_crypto.h"
#include "tests/service_fixture.h"

namespace motcua {
namespace {

// The demo service on the permanent-residence fixture, with sessions on
// fakes; `gateway` false: no payment secret (online payments refused).
struct DemoFixture : PermanentResidenceService {
  MemoryIdentityStore users;
  MemorySessionStore session_store;
  SpelledOutCrypto crypto;
  SessionService sessions{users, session_store, crypto, clock};
  std::unique_ptr<PaymentService> payments;
  std::unique_ptr<DemoService> demo;

  explicit DemoFixture(bool gateway = true) {
    CallbackVerifier verify;
    if (gateway)
      verify = [](std::string_view, std::string_view signature) { return signature == "ok"; };
    payments = std::make_unique<PaymentService>(*service, store, std::move(verify));
    demo = std::make_unique<DemoService>(
        DemoServices{users, sessions, *service, *payments, crypto, clock},
        [](std::string_view) { return std::string("ok"); }, kAgency);
  }
};

TEST_CASE("demo accounts: one citizen and one member of staff per role, all valid users") {
  const std::vector<DemoAccount> accounts = DemoAccountTable(kAgency);
  REQUIRE(accounts.size() == 6);
  std::set<std::string> roles;
  for (const DemoAccount& account : accounts) {
    CAPTURE(account.user_id);
    const User user{account.user_id, account.name, account.roles, account.agency, {}, false, {}};
    CHECK(ValidateUser(user).ok());
    CHECK(account.roles.size() == 1);
    roles.insert(account.roles.front());
    CHECK_FALSE(account.label_vi.empty());
    CHECK_FALSE(account.label_en.empty());
  }
  CHECK(roles == std::set<std::string>{"applicant", "reception_clerk", "specialist", "leader",
                                       "admin", "auditor"});
  CHECK(accounts.front().user_id == "001090000001");
  CHECK(IsValidCitizenId(accounts.front().user_id));
  CHECK(accounts.front().agency.empty());
  // The demo PKI's leader certificate has UID=leader1 (pki_demo.h).
  CHECK(accounts[3].user_id == "leader1");
  CHECK(accounts[3].roles == std::vector<std::string>{"leader"});
  CHECK(accounts[3].agency == kAgency);
}

TEST_CASE("demo accounts: with the liên thông agencies, their officers and leaders join") {
  const std::string police = "000.00.21.H26";
  const std::string insurance = "000.00.31.H26";
  const std::vector<DemoAccount> accounts = DemoAccountTable(
      kAgency, {{kDemoResidencePoliceRole, police}, {kDemoSocialInsuranceRole, insurance}});
  REQUIRE(accounts.size() == 11);
  // The six of the plain table first, in their order.
  const std::vector<DemoAccount> plain = DemoAccountTable(kAgency);
  for (std::size_t i = 0; i < plain.size(); ++i) CHECK(accounts[i].user_id == plain[i].user_id);
  std::set<std::string> ids;
  for (const DemoAccount& account : accounts) {
    CAPTURE(account.user_id);
    CHECK(ids.insert(account.user_id).second);
    const User user{account.user_id, account.name, account.roles, account.agency, {}, false, {}};
    CHECK(ValidateUser(user).ok());
  }
  std::map<std::string, std::pair<std::string, std::string>> added;  // id -> role, agency
  for (std::size_t i = plain.size(); i < accounts.size(); ++i) {
    added[accounts[i].user_id] = {accounts[i].roles.front(), accounts[i].agency};
  }
  CHECK(added.at("demo-civil-status") ==
        std::pair<std::string, std::string>{"civil_status_officer", kAgency});
  CHECK(added.at("demo-police") ==
        std::pair<std::string, std::string>{"residence_officer", police});
  CHECK(added.at("demo-police-leader") == std::pair<std::string, std::string>{"leader", police});
  CHECK(added.at("demo-insurance") ==
        std::pair<std::string, std::string>{"insurance_officer", insurance});
  CHECK(added.at("demo-insurance-leader") ==
        std::pair<std::string, std::string>{"leader", insurance});
  // Only the agencies given get staff.
  const std::vector<DemoAccount> police_only =
      DemoAccountTable(kAgency, {{kDemoResidencePoliceRole, police}});
  CHECK(police_only.size() == 9);
  CHECK(police_only.back().user_id == "demo-police-leader");
}

TEST_CASE("demo accounts: made once, enabled, existing users reused as they are") {
  DemoFixture world;
  const User kept{"leader1", "Bound Leader", {"leader"}, kAgency, std::string(64, 'f'), true, {}};
  REQUIRE(world.users.CreateUser(kept).ok());
  REQUIRE(world.demo->EnsureAccounts().ok());
  CHECK(world.users.CountUsers().value() == 6);
  REQUIRE(world.demo->EnsureAccounts().ok());
  CHECK(world.users.CountUsers().value() == 6);
  const User reception = world.users.GetUser("demo-reception").value();
  CHECK_FALSE(reception.disabled);
  CHECK(reception.roles == std::vector<std::string>{"reception_clerk"});
  CHECK(reception.agency == kAgency);
  const User leader = world.users.GetUser("leader1").value();
  CHECK(leader.name == "Bound Leader");
  CHECK(leader.disabled);
  CHECK(leader.certificate_fingerprint == std::string(64, 'f'));
  // Disabled accounts are not offered.
  Result<std::vector<DemoAccount>> listed = world.demo->Accounts();
  REQUIRE(listed.ok());
  CHECK(listed->size() == 5);
  CHECK(world.demo->SignIn("leader1").error().reason() == ErrorReason::kUserDisabled);
}

TEST_CASE("demo sign-in: a demo session for demo accounts only") {
  DemoFixture world;
  REQUIRE(
      world.users.CreateUser({"clerk-real", "Real", {"reception_clerk"}, kAgency, {}, false, {}})
          .ok());
  REQUIRE(world.demo->EnsureAccounts().ok());
  Result<DemoSignIn> signed_in = world.demo->SignIn("demo-specialist");
  REQUIRE(signed_in.ok());
  CHECK(signed_in->session.actor.user_id == "demo-specialist");
  CHECK(signed_in->session.actor.authenticated_by == AuthMethod::kDemoSession);
  CHECK(signed_in->session.actor.identity_provider.empty());
  CHECK(world.sessions.Authenticate(signed_in->secret).ok());
  for (const char* user : {"clerk-real", "nobody", "", "LEADER1"}) {
    CAPTURE(user);
    Result<DemoSignIn> refused = world.demo->SignIn(user);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().reason() == ErrorReason::kValidation);
    CHECK(refused.error().fields().at(0).pointer == "/user_id");
  }
}

TEST_CASE("demo sign-in: a demo account that was never made is refused like a stranger") {
  DemoFixture world;  // EnsureAccounts not run
  Result<DemoSignIn> refused = world.demo->SignIn("demo-admin");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason() == ErrorReason::kValidation);
}

// A permanent-residence dossier of kOwner, received, waiting for its fee.
std::string AwaitingFee(DemoFixture& world) {
  for (const std::string& id : {std::string(64, '1'), std::string(64, '2')}) {
    REQUIRE(
        world.store.PutDocument({id, 3, "application/pdf"}, "pdf", kOwner, world.clock.Now()).ok());
  }
  Result<DossierView> created = world.service->Submit(
      Actor{kOwner, {"applicant"}, ""},
      NewDossier{
          "1.004222",
          kAgency,
          {{"form", {{"full_name", "Nguyễn Văn An"}, {"citizen_id", kOwner}, {"address", "Huế"}}},
           {"documents",
            {{"declaration", std::string(64, '1')},
             {"legal_residence_proof", std::string(64, '2')}}}},
          VerifiedIdentity{}});
  REQUIRE_MESSAGE(created.ok(), created.error().message());
  const std::string code = created->dossier.code;
  REQUIRE(world.service
              ->Act(Actor{"clerk-1", {"reception_clerk"}, kAgency},
                    ActionCall{code, "receive", std::nullopt, ActionInput{}})
              .ok());
  return code;
}

TEST_CASE("demo gateway: pays the amount due online, once, for the applicant only") {
  DemoFixture world;
  const std::string code = AwaitingFee(world);
  const Actor owner{kOwner, {"applicant"}, ""};
  CHECK(world.demo->PayOnline(Actor{"001090099999", {"applicant"}, ""}, code).error().reason() ==
        ErrorReason::kDossierNotFound);
  CHECK(world.demo->PayOnline(Actor{"clerk-1", {"reception_clerk"}, kAgency}, code)
            .error()
            .reason() == ErrorReason::kDossierNotFound);
  Result<DossierView> paid = world.demo->PayOnline(owner, code);
  REQUIRE_MESSAGE(paid.ok(), paid.error().message());
  CHECK(paid->dossier.state == "in_review");
  Result<std::optional<PaymentRecord>> recorded = world.store.FindPayment("demo-secret-1");
  REQUIRE(recorded.ok());
  REQUIRE(recorded->has_value());
  CHECK((*recorded)->amount == 10000);
  CHECK((*recorded)->channel == Channel::kOnline);
  CHECK(world.demo->PayOnline(owner, code).error().reason() == ErrorReason::kNotAwaitingPayment);
}

TEST_CASE("demo gateway: without a payment secret the payment service refuses") {
  DemoFixture world(/*gateway=*/false);
  const std::string code = AwaitingFee(world);
  Result<DossierView> paid = world.demo->PayOnline(Actor{kOwner, {"applicant"}, ""}, code);
  REQUIRE_FALSE(paid.ok());
  CHECK(paid.error().reason() == ErrorReason::kPaymentsUnavailable);
  CHECK(world.store.GetDossier(code)->state == "awaiting_fee");
}

}  // namespace
}  // namespace motcua
