// fork.h: parallel branches (fork and join) of inter-agency, "liên thông",
// procedures.
//
// A state with a Fork (workflow.h) runs its dossiers through several branches
// at once, each usually handled by another agency (its states' agency_role),
// each in that agency's queue. Meanwhile the dossier's own state stays the
// fork's state. Where each branch stands is not stored apart from the history,
// which stays the one record: BranchPositionsOf reads it from the events.
//
// Events of a branch carry the branch id in their payload under "branch"
// (recorded by the engine, never sent by a client). Their from_state and
// to_state are states of that branch. Claims and releases of a branch carry
// it too, and hold the branch, not the dossier.
//
// When an action brings the last running branch to a terminal state, the
// same transition appends the engine's "join" event (role system). It moves
// the dossier from the fork's state to Fork::join or Fork::refused, as
// DecideJoin says, and records every branch's outcome. Both events commit
// together. Of two branch endings racing, the store's version check lets one
// commit; the other is decided again on the new version and performs the
// join, so the join happens exactly once.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/workflow.h"

namespace motcua {

// In an event's payload: the branch the event belongs to.
inline constexpr const char* kBranchField = "branch";
// The engine's event that ends a fork (an action name workflows may not use).
inline constexpr const char* kJoinAction = "join";
// In the payload of the event that enters a fork's state: the ids of the
// branches it started (every branch without `when`, and those the form chose).
inline constexpr const char* kStartedBranchesField = "started_branches";
// In a join event's payload: {"<branch>": "approved" | "refused"}, and
// "partial": true when the dossier continued without its refused branches.
inline constexpr const char* kBranchOutcomesField = "branches";
inline constexpr const char* kPartialField = "partial";

// Where one branch stands: its current state, and who holds it (a claim).
struct BranchPosition {
  std::string state;
  std::optional<std::string> assignee;

  friend bool operator==(const BranchPosition&, const BranchPosition&) = default;
};
using BranchPositions = std::map<std::string, BranchPosition>;  // by branch id

// The branch `event` belongs to (its payload's "branch"); empty for the
// dossier's own events.
std::string EventBranch(const DossierEvent& event);

// The branches a dossier whose form is `form` runs in `fork`, in the fork's
// order: those without `when`, and those whose `when` field is true.
std::vector<std::string> ChosenBranches(const Fork& fork, const nlohmann::json& form);

// The branches `entry` (the event that entered `fork_state`) started, each at
// its initial state, held by no one: those its payload records under
// kStartedBranchesField that the fork declares. Empty for a state without a
// fork.
BranchPositions StartBranches(const State& fork_state, const DossierEvent& entry);

// Why `entry` cannot have entered `fork_state`'s fork as it records it (no
// record, an undeclared or repeated branch, a branch without `when` left
// out); nullopt when it can. For audit replays.
std::optional<std::string> CheckStartedBranches(const State& fork_state, const DossierEvent& entry);

// Moves `positions` by one branch event (EventBranch non-empty): a claim or
// release changes the holder, any other event the branch's state. Returns
// why the event cannot follow the positions (an unknown branch, another
// from-state), or nullopt when applied. Does not check the workflow's actions.
std::optional<std::string> AdvanceBranch(BranchPositions& positions, const DossierEvent& event);

// The event by which the dossier last entered its current state from another
// one, when that state has a fork: the start of its branches. nullptr
// otherwise.
const DossierEvent* ForkEntry(const Workflow& workflow, const Dossier& dossier);

// Where the branches of the dossier's current fork stand: started when the
// dossier last entered its state from another one (the dossier's own
// self-loops, such as an apology letter, keep them), then moved by every
// branch event since. Empty when the dossier's state has no fork.
BranchPositions BranchPositionsOf(const Workflow& workflow, const Dossier& dossier);

// One run of a fork's branches in a dossier's history: from the event that
// entered the fork's state (and started them) to the join, once joined.
struct ForkRun {
  const State* fork_state = nullptr;
  std::size_t entry = 0;            // index into Dossier::history
  std::optional<std::size_t> join;  // index of the join event, once joined
};

// The run the dossier is in, or else the last one it joined; nullopt when it
// never entered a fork (or its history lacks the entry).
std::optional<ForkRun> LatestForkRun(const Workflow& workflow, const Dossier& dossier);

// Where the branches of `run` stand, or stood when they were joined.
BranchPositions BranchPositionsIn(const Dossier& dossier, const ForkRun& run);

// A branch's sub-result: the document its actions attached last (an
// action's result_document, ActionInput), and when.
struct BranchResult {
  std::string document;  // SHA-256 id
  Instant attached_at;
};
// The sub-result of each branch of `run` that attached one, by branch id.
// A branch's result is its own: attaching one never replaces the dossier's
// result (Dossier::result_document) or another branch's.
std::map<std::string, BranchResult> BranchResultsIn(const Dossier& dossier, const ForkRun& run);

// The sub-result of `branch` in the dossier's latest fork run (LatestForkRun);
// nullopt when it attached none.
std::optional<BranchResult> BranchResultOf(const Workflow& workflow, const Dossier& dossier,
                                           const std::string& branch);
// Its document id alone.
std::optional<std::string> BranchResultDocument(const Workflow& workflow, const Dossier& dossier,
                                                const std::string& branch);

// Where a fork goes once every branch ended.
struct JoinDecision {
  std::string target;                       // Fork::join or Fork::refused
  std::map<std::string, Outcome> outcomes;  // by branch: approved or refused
  bool partial = false;                     // continued without refused branches
};

// The join `positions` (the branches started) call for: nullopt while some
// branch has not reached a terminal state (or stands in a state the workflow
// lacks), or none started. All approved:
// Fork::join. Some refused: refuse_all goes to Fork::refused; continue_partial
// goes to Fork::join, partial, unless every branch was refused.
std::optional<JoinDecision> DecideJoin(const Workflow& workflow, const Fork& fork,
                                       const BranchPositions& positions);

// The join event's payload for `decision`.
nlohmann::json JoinPayload(const JoinDecision& decision);

}  // namespace motcua
