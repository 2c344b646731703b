#include "engine/domain/fork.h"

#include <set>

#include "engine/domain/action_input.h"

namespace motcua {

std::string EventBranch(const DossierEvent& event) {
  if (!event.payload.is_object()) return {};
  auto it = event.payload.find(kBranchField);
  return it != event.payload.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::vector<std::string> ChosenBranches(const Fork& fork, const nlohmann::json& form) {
  std::vector<std::string> chosen;
  for (const ForkBranch& branch : fork.branches) {
    if (branch.when.empty()) {
      chosen.push_back(branch.id);
      continue;
    }
    if (!form.is_object()) continue;
    auto field = form.find(branch.when);
    if (field != form.end() && field->is_boolean() && field->get<bool>()) {
      chosen.push_back(branch.id);
    }
  }
  return chosen;
}

namespace {

// The started-branches record of `entry`; nullptr when it has none.
const nlohmann::json* StartedRecord(const DossierEvent& entry) {
  if (!entry.payload.is_object()) return nullptr;
  auto it = entry.payload.find(kStartedBranchesField);
  return it != entry.payload.end() && it->is_array() ? &*it : nullptr;
}

}  // namespace

BranchPositions StartBranches(const State& fork_state, const DossierEvent& entry) {
  BranchPositions positions;
  if (!fork_state.fork) return positions;
  const nlohmann::json* started = StartedRecord(entry);
  if (started == nullptr) return positions;
  for (const nlohmann::json& id : *started) {
    if (!id.is_string()) continue;
    if (const ForkBranch* branch = fork_state.fork->FindBranch(id.get<std::string>())) {
      positions[branch->id] = BranchPosition{branch->initial, std::nullopt};
    }
  }
  return positions;
}

std::optional<std::string> CheckStartedBranches(const State& fork_state,
                                                const DossierEvent& entry) {
  if (!fork_state.fork) return std::nullopt;
  const nlohmann::json* started = StartedRecord(entry);
  if (started == nullptr) {
    return "enters the fork of " + fork_state.id + " without recording the branches it started";
  }
  std::set<std::string> seen;
  for (const nlohmann::json& id : *started) {
    const std::string name = id.is_string() ? id.get<std::string>() : id.dump();
    if (!id.is_string() || fork_state.fork->FindBranch(name) == nullptr) {
      return "starts branch " + name + ", which the fork of " + fork_state.id + " does not have";
    }
    if (!seen.insert(name).second) return "starts branch " + name + " twice";
  }
  for (const ForkBranch& branch : fork_state.fork->branches) {
    if (branch.when.empty() && seen.count(branch.id) == 0) {
      return "leaves out branch " + branch.id + ", which always runs";
    }
  }
  return std::nullopt;
}

std::optional<std::string> AdvanceBranch(BranchPositions& positions, const DossierEvent& event) {
  const std::string branch = EventBranch(event);
  auto it = positions.find(branch);
  if (it == positions.end()) return "belongs to branch " + branch + ", which is not running";
  BranchPosition& position = it->second;
  if (event.from_state != position.state) {
    return "starts branch " + branch + " in state " + event.from_state +
           ", but the events before it leave the branch in " + position.state;
  }
  if (IsBookkeepingEvent(event)) {
    if (event.action == kClaimAction) position.assignee = event.actor.user_id;
    if (event.action == kReleaseAction) position.assignee.reset();
    return std::nullopt;
  }
  if (event.to_state != position.state) position.assignee.reset();
  position.state = event.to_state;
  return std::nullopt;
}

namespace {

// The index of the latest event before `end` that entered `fork_state` from
// another state (not a branch's event); nullopt when there is none.
std::optional<std::size_t> EntryBefore(const std::vector<DossierEvent>& history,
                                       const std::string& fork_state, std::size_t end) {
  for (std::size_t i = end; i-- > 0;) {
    const DossierEvent& event = history[i];
    if (event.to_state == fork_state && event.from_state != fork_state &&
        EventBranch(event).empty()) {
      return i;
    }
  }
  return std::nullopt;
}

// The events of `run`'s branches after its entry, up to its join or the end.
template <typename Visit>
void ForEachBranchEvent(const Dossier& dossier, const ForkRun& run, Visit visit) {
  const auto& history = dossier.history.get();
  const std::size_t end = run.join.value_or(history.size());
  for (std::size_t i = run.entry + 1; i < end && i < history.size(); ++i) {
    if (!EventBranch(history[i]).empty()) visit(history[i]);
  }
}

}  // namespace

const DossierEvent* ForkEntry(const Workflow& workflow, const Dossier& dossier) {
  const State* state = workflow.FindState(dossier.state);
  if (state == nullptr || !state->fork) return nullptr;
  const auto& history = dossier.history.get();
  const std::optional<std::size_t> entry = EntryBefore(history, dossier.state, history.size());
  return entry ? &history[*entry] : nullptr;
}

std::optional<ForkRun> LatestForkRun(const Workflow& workflow, const Dossier& dossier) {
  const auto& history = dossier.history.get();
  if (const DossierEvent* entry = ForkEntry(workflow, dossier)) {
    return ForkRun{workflow.FindState(dossier.state),
                   static_cast<std::size_t>(entry - history.data()), std::nullopt};
  }
  for (std::size_t i = history.size(); i-- > 0;) {
    if (history[i].action != kJoinAction || !EventBranch(history[i]).empty()) continue;
    const State* fork_state = workflow.FindState(history[i].from_state);
    if (fork_state == nullptr || !fork_state->fork) return std::nullopt;
    const std::optional<std::size_t> entry = EntryBefore(history, fork_state->id, i);
    if (!entry) return std::nullopt;
    return ForkRun{fork_state, *entry, i};
  }
  return std::nullopt;
}

BranchPositions BranchPositionsIn(const Dossier& dossier, const ForkRun& run) {
  if (run.fork_state == nullptr || run.entry >= dossier.history.size()) return {};
  BranchPositions positions = StartBranches(*run.fork_state, dossier.history[run.entry]);
  ForEachBranchEvent(dossier, run,
                     [&](const DossierEvent& event) { AdvanceBranch(positions, event); });
  return positions;
}

std::map<std::string, BranchResult> BranchResultsIn(const Dossier& dossier, const ForkRun& run) {
  std::map<std::string, BranchResult> results;
  ForEachBranchEvent(dossier, run, [&](const DossierEvent& event) {
    if (!event.payload.is_object()) return;
    auto named = event.payload.find(kResultDocumentMember);
    if (named != event.payload.end() && named->is_string()) {
      results[EventBranch(event)] = BranchResult{named->get<std::string>(), event.at};
    }
  });
  return results;
}

std::optional<BranchResult> BranchResultOf(const Workflow& workflow, const Dossier& dossier,
                                           const std::string& branch) {
  const std::optional<ForkRun> run = LatestForkRun(workflow, dossier);
  if (!run) return std::nullopt;
  std::map<std::string, BranchResult> results = BranchResultsIn(dossier, *run);
  auto found = results.find(branch);
  if (found == results.end()) return std::nullopt;
  return std::move(found->second);
}

std::optional<std::string> BranchResultDocument(const Workflow& workflow, const Dossier& dossier,
                                                const std::string& branch) {
  std::optional<BranchResult> result = BranchResultOf(workflow, dossier, branch);
  if (!result) return std::nullopt;
  return std::move(result->document);
}

BranchPositions BranchPositionsOf(const Workflow& workflow, const Dossier& dossier) {
  const std::optional<ForkRun> run = LatestForkRun(workflow, dossier);
  if (!run || run->join) return {};
  return BranchPositionsIn(dossier, *run);
}

std::optional<JoinDecision> DecideJoin(const Workflow& workflow, const Fork& fork,
                                       const BranchPositions& positions) {
  JoinDecision decision;
  bool any_approved = false;
  bool any_refused = false;
  if (positions.empty()) return std::nullopt;
  for (const auto& [branch, position] : positions) {
    const State* state = workflow.FindState(position.state);
    if (state == nullptr || !state->terminal) return std::nullopt;
    const Outcome outcome =
        state->outcome == Outcome::kApproved ? Outcome::kApproved : Outcome::kRefused;
    (outcome == Outcome::kApproved ? any_approved : any_refused) = true;
    decision.outcomes[branch] = outcome;
  }
  if (!any_refused) {
    decision.target = fork.join;
  } else if (fork.on_refused == RefusedBranchRule::kContinuePartial && any_approved) {
    decision.target = fork.join;
    decision.partial = true;
  } else {
    decision.target = fork.refused;
  }
  return decision;
}

nlohmann::json JoinPayload(const JoinDecision& decision) {
  nlohmann::json outcomes = nlohmann::json::object();
  for (const auto& [branch, outcome] : decision.outcomes) outcomes[branch] = OutcomeName(outcome);
  nlohmann::json payload{{kBranchOutcomesField, std::move(outcomes)}};
  if (decision.partial) payload[kPartialField] = true;
  return payload;
}

}  // namespace motcua
