#include "engine/domain/dossier_replay.h"

#include "engine/domain/fork.h"
#include "engine/domain/workflow_migration.h"

namespace motcua {
namespace {

Error Inconsistent(std::size_t index, const DossierEvent& event, const std::string& why) {
  return Error(ErrorCode::kFailedPrecondition,
               "event " + std::to_string(index) + " (" + event.action + ") " + why,
               ErrorReason::kHistoryInconsistent);
}

std::string Quoted(const std::optional<std::string>& value) {
  return value ? "\"" + *value + "\"" : "nobody";
}

}  // namespace

std::optional<std::int64_t> MigrateEventVersion(const DossierEvent& event, const char* member) {
  if (event.action != kMigrateAction || !event.payload.is_object()) return std::nullopt;
  auto it = event.payload.find(member);
  if (it == event.payload.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::int64_t StartingVersion(std::int64_t pinned_version, const std::vector<DossierEvent>& history) {
  for (const DossierEvent& event : history) {
    if (event.action == kMigrateAction) return MigrateEventVersion(event, "from_version").value_or(-1);
  }
  return pinned_version;
}

Result<ReplayedDossier> ReplayHistory(const Workflow& workflow,
                                      const std::vector<DossierEvent>& history) {
  Result<ReplayedDossier> replayed =
      ReplayHistory([&workflow](std::int64_t) { return &workflow; }, 0, history);
  if (replayed.ok()) replayed->definition_version = 0;
  return replayed;
}

Result<ReplayedDossier> ReplayHistory(const WorkflowOfVersion& workflow_of,
                                      std::int64_t pinned_version,
                                      const std::vector<DossierEvent>& history) {
  if (history.empty()) {
    return Error(ErrorCode::kFailedPrecondition, "the dossier has no events",
                 ErrorReason::kHistoryInconsistent);
  }
  std::int64_t version = StartingVersion(pinned_version, history);
  const Workflow* workflow = workflow_of(version);
  const DossierEvent& created = history.front();
  if (workflow == nullptr) {
    return Inconsistent(0, created,
                        "starts on version " + std::to_string(version) + ", which is not stored");
  }
  if (created.action != "submit" || !created.from_state.empty() ||
      created.to_state != workflow->initial_state) {
    return Inconsistent(0, created,
                        "is not the submission into initial state " + workflow->initial_state);
  }
  ReplayedDossier dossier;
  dossier.state = created.to_state;
  dossier.version = 1;
  BranchPositions branches;  // of the fork the dossier stands in, if any
  // The join the branches call for, once every one of them has ended: the
  // next event must be it.
  auto due_join = [&]() -> std::optional<JoinDecision> {
    const State* state = workflow->FindState(dossier.state);
    if (state == nullptr || !state->fork) return std::nullopt;
    return DecideJoin(*workflow, *state->fork, branches);
  };
  for (std::size_t i = 1; i < history.size(); ++i) {
    const DossierEvent& event = history[i];
    const std::optional<JoinDecision> join = due_join();
    if (join && event.action != kJoinAction) {
      return Inconsistent(
          i, event,
          "follows the end of every branch of " + dossier.state + " instead of their join");
    }
    if (event.action == kJoinAction && !EventBranch(event).empty()) {
      return Inconsistent(i, event, "joins from inside a branch");
    }
    if (const std::string branch = EventBranch(event); !branch.empty()) {
      if (std::optional<std::string> why = AdvanceBranch(branches, event)) {
        return Inconsistent(i, event, *why);
      }
      if (!IsBookkeepingEvent(event)) {
        const Action* action = workflow->FindAction(event.action);
        const State* from = workflow->FindState(event.from_state);
        if (action == nullptr || action->branch != branch) {
          return Inconsistent(i, event, "is not an action of branch " + branch);
        }
        if (from == nullptr || from->terminal || !action->AllowedFrom(event.from_state)) {
          return Inconsistent(i, event, "is not allowed from state " + event.from_state);
        }
        if (event.to_state != action->to) {
          return Inconsistent(i, event, "goes to " + event.to_state + ", not to " + action->to);
        }
      }
      ++dossier.version;
      continue;
    }
    if (event.action == kJoinAction) {
      if (event.from_state != dossier.state || !join) {
        return Inconsistent(i, event, "joins branches that have not all ended");
      }
      if (event.to_state != join->target) {
        return Inconsistent(i, event, "goes to " + event.to_state + ", not to " + join->target);
      }
      branches.clear();
      dossier.assignee.reset();
      dossier.state = event.to_state;
      ++dossier.version;
      continue;
    }
    if (event.from_state != dossier.state) {
      return Inconsistent(i, event,
                          "starts in state " + event.from_state + ", but the events before it " +
                              "leave the dossier in " + dossier.state);
    }
    const State* state = workflow->FindState(dossier.state);
    if (event.action == kMigrateAction) {
      if (state == nullptr || state->terminal) {
        return Inconsistent(i, event, "follows the end of processing in " + dossier.state);
      }
      if (MigrateEventVersion(event, "from_version") != version) {
        return Inconsistent(i, event,
                            "does not start on version " + std::to_string(version) +
                                ", where the events before it leave the dossier");
      }
      const std::optional<std::int64_t> to = MigrateEventVersion(event, "to_version");
      const Workflow* next = to ? workflow_of(*to) : nullptr;
      if (next == nullptr) {
        return Inconsistent(i, event, "names a to_version that is not stored");
      }
      if (next->FindState(event.to_state) == nullptr) {
        return Inconsistent(
            i, event,
            "goes to " + event.to_state + ", not a state of version " + std::to_string(*to));
      }
      workflow = next;
      version = *to;
      dossier.assignee.reset();
      dossier.state = event.to_state;
      branches.clear();  // a migration never enters a fork (MigrationBlock)
    } else if (IsBookkeepingEvent(event)) {
      if (event.action == kClaimAction) {
        dossier.assignee = event.actor.user_id;
      } else if (event.action == kReleaseAction) {
        dossier.assignee.reset();
      }
    } else {
      const Action* action = workflow->FindAction(event.action);
      if (action == nullptr) return Inconsistent(i, event, "is not an action of the workflow");
      if (state == nullptr || state->terminal) {
        return Inconsistent(i, event, "follows the end of processing in " + dossier.state);
      }
      if (!action->AllowedFrom(dossier.state)) {
        return Inconsistent(i, event, "is not allowed from state " + dossier.state);
      }
      if (event.to_state != action->to) {
        return Inconsistent(i, event, "goes to " + event.to_state + ", not to " + action->to);
      }
      if (action->to != dossier.state) {
        dossier.assignee.reset();
        // Entering a fork's state from another one starts its branches; the
        // dossier's own self-loops keep them.
        const State* entered = workflow->FindState(action->to);
        branches.clear();
        if (entered != nullptr && entered->fork) {
          if (std::optional<std::string> why = CheckStartedBranches(*entered, event)) {
            return Inconsistent(i, event, *why);
          }
          branches = StartBranches(*entered, event);
        }
      }
      dossier.state = action->to;
    }
    ++dossier.version;
  }
  if (due_join()) {
    return Inconsistent(history.size() - 1, history.back(),
                        "ends every branch of " + dossier.state + ", but no join follows");
  }
  dossier.definition_version = version;
  return dossier;
}

std::vector<std::string> DifferencesFromReplay(const Dossier& row,
                                               const ReplayedDossier& replayed) {
  std::vector<std::string> differences;
  if (replayed.definition_version != 0 && row.definition_version != replayed.definition_version) {
    differences.push_back("the row is pinned to version " + std::to_string(row.definition_version) +
                          ", but its events leave it on " +
                          std::to_string(replayed.definition_version));
  }
  if (row.state != replayed.state) {
    differences.push_back("the row's state is " + row.state + ", but its events lead to " +
                          replayed.state);
  }
  if (row.version != replayed.version) {
    differences.push_back("the row's version is " + std::to_string(row.version) + ", but it has " +
                          std::to_string(replayed.version) + " events");
  }
  if (row.assignee != replayed.assignee) {
    differences.push_back("the row's assignee is " + Quoted(row.assignee) +
                          ", but its events leave it with " + Quoted(replayed.assignee));
  }
  return differences;
}

}  // namespace motcua
