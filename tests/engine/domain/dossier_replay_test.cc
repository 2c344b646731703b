#include "engine/domain/dossier_replay.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/source_tree.h"

namespace motcua {
namespace {

DossierEvent Event(const std::string& action, const std::string& from, const std::string& to,
                   const std::string& actor = "clerk-1") {
  DossierEvent event;
  event.action = action;
  event.from_state = from;
  event.to_state = to;
  event.actor = Actor{actor, {"clerk"}, "000.00.01.H26"};
  return event;
}

// T-MINIMAL: submitted -receive-> in_review -approve-> returned.
std::vector<DossierEvent> Received() {
  return {Event("submit", "", "submitted", "001099012345"),
          Event("receive", "submitted", "in_review")};
}

TEST_CASE("replay: submission, transitions and claims give state, version and assignee") {
  const Workflow workflow = BundledWorkflow("tests/fixtures/workflows/good/minimal.json");
  std::vector<DossierEvent> history = Received();
  history.push_back(Event(kClaimAction, "in_review", "in_review", "clerk-2"));
  Result<ReplayedDossier> claimed = ReplayHistory(workflow, history);
  REQUIRE(claimed.ok());
  CHECK(claimed->state == "in_review");
  CHECK(claimed->version == 3);
  CHECK(claimed->assignee == std::optional<std::string>("clerk-2"));

  history.push_back(Event("approve", "in_review", "returned", "clerk-2"));
  Result<ReplayedDossier> approved = ReplayHistory(workflow, history);
  REQUIRE(approved.ok());
  CHECK(approved->state == "returned");
  CHECK(approved->version == 4);
  CHECK_FALSE(approved->assignee.has_value());
  // A rating after the end stays in the state.
  history.push_back(Event(kRateAction, "returned", "returned", "001099012345"));
  CHECK(ReplayHistory(workflow, history)->version == 5);
}

TEST_CASE("replay: events the workflow does not allow are named by index") {
  const Workflow workflow = BundledWorkflow("tests/fixtures/workflows/good/minimal.json");
  struct Case {
    std::vector<DossierEvent> history;
    const char* message;
  };
  const Case cases[] = {
      {{}, "the dossier has no events"},
      {{Event("receive", "", "in_review")}, "event 0 (receive) is not the submission"},
      {{Event("submit", "", "submitted"), Event("approve", "submitted", "returned")},
       "event 1 (approve) is not allowed from state submitted"},
      {{Event("submit", "", "submitted"), Event("receive", "in_review", "in_review")},
       "event 1 (receive) starts in state in_review, but the events before it leave the dossier "
       "in submitted"},
      {{Event("submit", "", "submitted"), Event("receive", "submitted", "returned")},
       "event 1 (receive) goes to returned, not to in_review"},
      {{Event("submit", "", "submitted"), Event("rubber_stamp", "submitted", "returned")},
       "event 1 (rubber_stamp) is not an action of the workflow"},
  };
  for (const Case& c : cases) {
    Result<ReplayedDossier> replayed = ReplayHistory(workflow, c.history);
    REQUIRE_FALSE(replayed.ok());
    CHECK(replayed.error().reason() == ErrorReason::kHistoryInconsistent);
    CHECK_MESSAGE(replayed.error().message().find(c.message) == 0, replayed.error().message());
  }
}

TEST_CASE("replay: a row that its events do not produce differs in each field") {
  const Workflow workflow = BundledWorkflow("tests/fixtures/workflows/good/minimal.json");
  Result<ReplayedDossier> replayed = ReplayHistory(workflow, Received());
  REQUIRE(replayed.ok());
  Dossier row;
  row.state = "in_review";
  row.version = 2;
  CHECK(DifferencesFromReplay(row, *replayed).empty());
  row.state = "returned";
  row.version = 3;
  row.assignee = "mallory";
  const std::vector<std::string> differences = DifferencesFromReplay(row, *replayed);
  REQUIRE(differences.size() == 3);
  CHECK(differences[0] == "the row's state is returned, but its events lead to in_review");
  CHECK(differences[1] == "the row's version is 3, but it has 2 events");
  CHECK(differences[2] == "the row's assignee is \"mallory\", but its events leave it with nobody");
}

}  // namespace
}  // namespace motcua
