// Fork and join through the dossier service (issue 22): two branches ending
// at the same moment join exactly once, branch claims hold the branch, and
// the queues follow the running branches. The race is forced with the memory
// store's BeforeNextCommit: the other branch commits between the service's
// decision and its commit.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>

#include "engine/domain/agency_roles.h"
#include "engine/domain/fork.h"
#include "engine/service/dossier_service.h"
#include "engine/service/workflow_catalog.h"
#include "tests/fakes/memory_store.h"
#include "tests/lienthong_fixture.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;

using namespace lienthong;

const Actor kApplicant{kCitizen, {"applicant"}, ""};
const Actor kClerk{"clerk", {"reception_clerk"}, kCommune};
const Actor kOfficer{"officer", {"civil_status_officer"}, kCommune};
const Actor kLeader{"leader", {"leader"}, kCommune};
const Actor kPoliceOfficer{"police-1", {"residence_officer"}, kPolice};
const Actor kPoliceOfficer2{"police-2", {"residence_officer"}, kPolice};
const Actor kInsuranceOfficer{"bhxh-1", {"insurance_officer"}, kInsurance};

// The birth group without signatures (this service verifies none): signing
// the birth certificate forks at once, and each branch's officer ends it
// without a sub-result for the branch's leader to sign.
json UnsignedBirthGroup() {
  json workflow = LoadJson(kBirthGroupFile);
  const std::set<std::string> signing_states{"residence_awaiting_signature",
                                             "insurance_awaiting_signature"};
  json& states = workflow.at("states");
  states.erase(std::remove_if(states.begin(), states.end(),
                              [&](const json& state) {
                                return signing_states.count(state.at("id").get<std::string>()) > 0;
                              }),
               states.end());
  json& actions = workflow.at("actions");
  actions.erase(
      std::remove_if(actions.begin(), actions.end(),
                     [&](const json& action) {
                       return signing_states.count(action.at("from").at(0).get<std::string>()) > 0;
                     }),
      actions.end());
  for (json& action : actions) {
    if (action.at("name") == "sign_result") action.erase("requires");
    if (action.at("name") == "register_residence") {
      action["to"] = "residence_registered";
      action.erase("requires");
    }
    if (action.at("name") == "issue_insurance_card") {
      action["to"] = "insurance_card_issued";
      action.erase("requires");
    }
  }
  return workflow;
}

struct World {
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}} +
                  std::chrono::hours{1}};
  MemoryStore store{&clock};
  WorkingCalendar calendar = BundledCalendar();
  WorkflowCatalog catalog{store, WorkflowSchema(), calendar, clock};
  DossierService service{store, catalog, calendar, clock};

  World() {
    REQUIRE(catalog.Publish(Actor{"test", {kSystemRole}, ""}, UnsignedBirthGroup()).ok());
    Result<AgencyRoleDirectory> roles = AgencyRoleDirectory::FromJson(AgencyRoles());
    REQUIRE(roles.ok());
    service.SetAgencyRoles(std::move(roles).value());
    for (char digit : {'1', '2', '3'}) {
      REQUIRE(store
                  .PutDocument({std::string(64, digit), 3, "application/pdf"}, "pdf", kCitizen,
                               clock.Now())
                  .ok());
    }
    REQUIRE(store
                .PutDocument({std::string(64, '9'), 3, "application/pdf"}, "pdf", "officer",
                             clock.Now())
                .ok());
  }

  Result<DossierView> Do(const Actor& actor, const std::string& code, const std::string& action,
                         std::optional<std::int64_t> expected_version = std::nullopt) {
    clock.Advance(std::chrono::minutes{10});
    ActionInput input;
    input.comment = "Đã kiểm tra";
    if (action == "propose_result") input.result_document = std::string(64, '9');
    return service.Act(actor, ActionCall{code, action, expected_version, std::move(input)});
  }

  std::string AtFork() {
    Result<DossierView> created = service.Submit(
        kApplicant,
        NewDossier{
            "LT-KHAISINH",
            kCommune,
            {{"form", LoadJson("tests/fixtures/sample_forms/LT-KHAISINH.json")},
             {"documents",
              {{"declaration", std::string(64, '1')}, {"birth_proof", std::string(64, '2')}}}},
            VerifiedIdentity{}});
    REQUIRE_MESSAGE(created.ok(), created.error().message());
    const std::string code = created->dossier.code;
    for (const auto& [actor, action] :
         {std::pair{kClerk, "receive"}, std::pair{kOfficer, "propose_result"},
          std::pair{kLeader, "sign_result"}}) {
      Result<DossierView> done = Do(actor, code, action);
      REQUIRE_MESSAGE(done.ok(), action << ": " << done.error().message());
    }
    return code;
  }

  int Joins(const std::string& code) {
    Result<Dossier> dossier = store.GetDossier(code);
    REQUIRE(dossier.ok());
    return static_cast<int>(
        std::count_if(dossier->history.begin(), dossier->history.end(),
                      [](const DossierEvent& e) { return e.action == kJoinAction; }));
  }

  std::vector<std::string> Queue(const Actor& actor, const std::string& role) {
    QueueQuery query;
    query.role = role;
    Result<std::vector<QueueItem>> items = service.Queue(actor, query);
    REQUIRE(items.ok());
    std::vector<std::string> codes;
    for (const QueueItem& item : *items) codes.push_back(item.summary.code);
    return codes;
  }
};

TEST_CASE("fork service: the branch that loses the race is decided again, and joins once") {
  World world;
  const std::string code = world.AtFork();
  CHECK(world.Queue(kPoliceOfficer, "residence_officer") == std::vector<std::string>{code});
  CHECK(world.Queue(kInsuranceOfficer, "insurance_officer") == std::vector<std::string>{code});

  // While the police commit, social insurance gets in first.
  bool insurance_done = false;
  world.store.BeforeNextCommit(
      [&] { insurance_done = world.Do(kInsuranceOfficer, code, "issue_insurance_card").ok(); });
  Result<DossierView> police = world.Do(kPoliceOfficer, code, "register_residence");
  REQUIRE_MESSAGE(police.ok(), police.error().message());
  CHECK(insurance_done);
  CHECK(police->dossier.state == "result_ready");
  CHECK(world.Joins(code) == 1);
  CHECK(world.Queue(kPoliceOfficer, "residence_officer").empty());
  CHECK(world.Queue(kInsuranceOfficer, "insurance_officer").empty());
  CHECK(world.Queue(kClerk, "reception_clerk") == std::vector<std::string>{code});
}

TEST_CASE("fork service: a caller that pinned the version is told it changed, not retried") {
  World world;
  const std::string code = world.AtFork();
  const std::int64_t version = world.store.GetDossier(code)->version;
  world.store.BeforeNextCommit(
      [&] { REQUIRE(world.Do(kInsuranceOfficer, code, "issue_insurance_card").ok()); });
  Result<DossierView> pinned = world.Do(kPoliceOfficer, code, "register_residence", version);
  REQUIRE_FALSE(pinned.ok());
  CHECK(pinned.error().reason() == ErrorReason::kStaleVersion);
  CHECK(world.Joins(code) == 0);
  CHECK(BranchPositionsOf(world.catalog.Get("LT-KHAISINH", 1).value()->workflow,
                          world.store.GetDossier(code).value())
            .at("residence")
            .state == "residence_review");
}

TEST_CASE("fork service: a claim holds one branch, and its agency's colleague cannot take it") {
  World world;
  const std::string code = world.AtFork();
  Result<DossierView> claimed = world.service.Claim(kPoliceOfficer, code);
  REQUIRE_MESSAGE(claimed.ok(), claimed.error().message());
  CHECK_FALSE(claimed->dossier.assignee.has_value());
  CHECK(claimed->branches.at("residence").assignee == "police-1");
  // The police see only their own branch.
  CHECK(claimed->branches.size() == 1u);
  Result<DossierView> taken = world.service.Claim(kPoliceOfficer2, code);
  REQUIRE_FALSE(taken.ok());
  CHECK(taken.error().reason() == ErrorReason::kAlreadyClaimed);
  // The other branch is free for its own agency.
  Result<DossierView> other = world.service.Claim(kInsuranceOfficer, code);
  REQUIRE(other.ok());
  CHECK(other->branches.at("health_insurance").assignee == "bhxh-1");
  // Only the holder releases; the commune, which sees every branch, sees both holders.
  CHECK_FALSE(world.service.Release(kPoliceOfficer2, code).ok());
  REQUIRE(world.service.Release(kPoliceOfficer, code).ok());
  Result<DossierView> seen = world.service.Get(kOfficer, code);
  REQUIRE(seen.ok());
  CHECK(seen->branches.size() == 2u);
  CHECK_FALSE(seen->branches.at("residence").assignee.has_value());
  CHECK(seen->branches.at("health_insurance").assignee == "bhxh-1");
  // Claims stay in the branch's queue.
  CHECK(world.Queue(kInsuranceOfficer, "insurance_officer") == std::vector<std::string>{code});
}

}  // namespace
}  // namespace motcua
