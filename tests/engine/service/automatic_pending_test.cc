// An automatic action that cannot run (the agency seal without a seal
// configured) is logged and shown on the dossier, and retrying it on timer
// sweeps adds no events.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "engine/service/dossier_service.h"
#include "engine/service/workflow_catalog.h"
#include "tests/fakes/memory_store.h"
#include "tests/service_fixture.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// The minimal fixture workflow whose "check" leads to a state the engine
// leaves by sealing the result automatically.
json SealingWorkflow() {
  json workflow = LoadJson("tests/fixtures/workflows/bad/automatic-cycle.json");
  json actions = json::array();
  for (json& action : workflow.at("actions")) {
    if (action.at("name") == "auto_check") continue;
    if (action.at("name") == "auto_recheck") action["requires"] = {{"agency_seal", true}};
    actions.push_back(action);
  }
  workflow["actions"] = actions;
  return workflow;
}

// The sealing workflow published with a document to submit, and a dossier
// service without a seal, on a fake clock.
struct SealingFixture {
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}} + 1h};
  MemoryStore store{&clock};
  const WorkingCalendar calendar = BundledCalendar();
  WorkflowCatalog catalog{store, WorkflowSchema(), calendar, clock};
  DossierService service{store, catalog, calendar, clock};  // no signing: no seal

  SealingFixture() {
    REQUIRE(
        store.PublishDefinition("T-MINIMAL", SealingWorkflow(), "old-engine", clock.Now()).ok());
    REQUIRE(
        store.PutDocument({kApplication, 3, "application/pdf"}, "pdf", kOwner, clock.Now()).ok());
  }

  // A dossier its applicant submits.
  Result<DossierView> Submit() {
    return service.Submit(Actor{kOwner, {"applicant"}, ""},
                          NewDossier{"T-MINIMAL",
                                     kAgency,
                                     {{"form", {{"full_name", "Nguyễn Văn An"}}},
                                      {"documents", {{"application", kApplication}}}},
                                     VerifiedIdentity{}});
  }
};

TEST_CASE("automatic actions: one that cannot run is logged and shown, and retries add no events") {
  SealingFixture f;
  FakeClock& clock = f.clock;
  DossierService& service = f.service;
  std::vector<std::string> logged;
  service.SetProblemLog([&](std::string_view line) { logged.emplace_back(line); });

  Result<DossierView> created = f.Submit();
  REQUIRE(created.ok());
  CHECK_FALSE(created->automatic_pending.has_value());
  const std::string code = created->dossier.code;
  const Actor clerk{"clerk-1", {"clerk"}, kAgency};
  REQUIRE(service.Act(clerk, ActionCall{code, "receive", std::nullopt, ActionInput{}}).ok());
  CHECK(logged.empty());

  Result<DossierView> checked =
      service.Act(clerk, ActionCall{code, "check", std::nullopt, ActionInput{}});
  REQUIRE(checked.ok());
  CHECK(checked->dossier.state == "checking");
  REQUIRE(checked->automatic_pending.has_value());
  CHECK(checked->automatic_pending->action == "auto_recheck");
  CHECK(checked->automatic_pending->reason == "this server has no agency seal configured");
  REQUIRE(logged.size() == 1);
  CHECK(logged[0] == "dossier " + code +
                         ": automatic action auto_recheck waits in state checking: this server "
                         "has no agency seal configured");

  const std::size_t events = checked->dossier.history.size();
  for (int sweep = 0; sweep < 3; ++sweep) {
    clock.Advance(10min);
    Result<DossierView> resumed = service.ResumeAutomaticActions(code);
    REQUIRE(resumed.ok());
    CHECK(resumed->dossier.state == "checking");
    CHECK(resumed->automatic_pending.has_value());
  }
  Result<DossierView> later = service.Get(clerk, code);
  REQUIRE(later.ok());
  CHECK(later->dossier.history.size() == events);
  REQUIRE(later->automatic_pending.has_value());
  CHECK(later->automatic_pending->reason == "this server has no agency seal configured");
  CHECK(logged.size() == 1);  // the sweep reports its own failures
}

TEST_CASE(
    "automatic actions: a view to the next step shows the state and actions and judges nothing") {
  SealingFixture f;
  DossierService& service = f.service;
  Result<DossierView> created = f.Submit();
  REQUIRE(created.ok());
  const std::string code = created->dossier.code;
  const Actor clerk{"clerk-1", {"clerk"}, kAgency};
  REQUIRE(service.Act(clerk, ActionCall{code, "receive", std::nullopt, ActionInput{}}).ok());

  Result<DossierView> next = service.Act(
      clerk, ActionCall{code, "check", std::nullopt, ActionInput{}, ViewDepth::kNextStep});
  REQUIRE(next.ok());
  const Result<DossierView> full = service.Get(clerk, code);
  REQUIRE(full.ok());
  // What the next request needs is as the full view shows it.
  CHECK(next->dossier.state == "checking");
  CHECK(next->dossier.version == full->dossier.version);
  CHECK(next->dossier.history.size() == full->dossier.history.size());
  CHECK(next->status == full->status);
  CHECK(next->available_actions == full->available_actions);
  CHECK(next->workflow == full->workflow);
  // The rest is left out, where the full view has it.
  REQUIRE(full->automatic_pending.has_value());
  CHECK_FALSE(next->automatic_pending.has_value());
  REQUIRE(full->time_left.has_value());
  CHECK_FALSE(next->time_left.has_value());
}

}  // namespace
}  // namespace motcua
