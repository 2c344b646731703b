// Automatic actions that lead back where they started: a definition stored
// before lint refused such loops must not make the engine append events
// forever, on the request that triggers it nor on later timer sweeps.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "engine/service/dossier_service.h"
#include "engine/service/timer_service.h"
#include "engine/service/workflow_catalog.h"
#include "tests/fakes/memory_store.h"
#include "tests/service_fixture.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::ptrdiff_t CountAction(const Dossier& dossier, const std::string& action) {
  return std::count_if(dossier.history.begin(), dossier.history.end(),
                       [&](const DossierEvent& e) { return e.action == action; });
}

TEST_CASE("automatic actions: a loop stored before lint refused it halts once, visibly") {
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}} + 1h};
  MemoryStore store{&clock};
  const WorkingCalendar calendar = BundledCalendar();
  WorkflowCatalog catalog(store, WorkflowSchema(), calendar, clock);
  // Straight into the store, as a definition published by an older engine.
  REQUIRE(store
              .PublishDefinition("T-MINIMAL",
                                 LoadJson("tests/fixtures/workflows/bad/automatic-cycle.json"),
                                 "old-engine", clock.Now())
              .ok());
  REQUIRE(store.PutDocument({kApplication, 3, "application/pdf"}, "pdf", kOwner, clock.Now()).ok());
  DossierService service(store, catalog, calendar, clock);
  TimerService timers(store, catalog, service, clock);

  Result<DossierView> created =
      service.Submit(Actor{kOwner, {"applicant"}, ""},
                     NewDossier{"T-MINIMAL",
                                kAgency,
                                {{"form", {{"full_name", "Nguyễn Văn An"}}},
                                 {"documents", {{"application", kApplication}}}},
                                VerifiedIdentity{}});
  REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message()));
  const std::string code = created->dossier.code;
  const Actor clerk{"clerk-1", {"clerk"}, kAgency};
  REQUIRE(service.Act(clerk, ActionCall{code, "receive", std::nullopt, ActionInput{}}).ok());
  Result<DossierView> checked =
      service.Act(clerk, ActionCall{code, "check", std::nullopt, ActionInput{}});
  REQUIRE_MESSAGE(checked.ok(), (checked.ok() ? "" : checked.error().message()));

  // One automatic step into "rechecking"; the step back into "checking",
  // where this run already was, is refused and recorded on the dossier.
  const Dossier& dossier = checked->dossier;
  CHECK(dossier.state == "rechecking");
  CHECK(CountAction(dossier, "auto_recheck") == 1);
  CHECK(CountAction(dossier, "auto_check") == 0);
  REQUIRE(!dossier.history.empty());
  const DossierEvent& halted = dossier.history.back();
  CHECK(halted.action == kAutomaticHaltedAction);
  CHECK(halted.from_state == "rechecking");
  CHECK(halted.to_state == "rechecking");
  CHECK(halted.payload.value("action", "") == "auto_check");
  CHECK(IsBookkeepingEvent(halted));

  // Later sweeps leave the halted dossier alone, and say so in their log.
  const std::size_t events = dossier.history.size();
  for (int sweep = 0; sweep < 3; ++sweep) {
    clock.Advance(10min);
    Result<SweepResult> swept = timers.Sweep();
    REQUIRE(swept.ok());
    CHECK(swept->automatic_resumed == 0);
    REQUIRE(swept->failures.size() == 1);
    CHECK(swept->failures[0].find(code + " automatic: halted") == 0);
  }
  Result<Dossier> after = store.GetDossier(code);
  REQUIRE(after.ok());
  CHECK(after->history.size() == events);
  CHECK(after->state == "rechecking");

  // A person may still move it on: the halt concerns automatic actions only.
  Result<DossierView> closed =
      service.Act(clerk, ActionCall{code, "close", std::nullopt, ActionInput{}});
  REQUIRE_MESSAGE(closed.ok(), (closed.ok() ? "" : closed.error().message()));
  CHECK(closed->dossier.state == "stopped");
}

}  // namespace
}  // namespace motcua
