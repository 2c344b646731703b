#include "engine/domain/dossier_replay.h"

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

Result<ReplayedDossier> ReplayHistory(const Workflow& workflow,
                                      const std::vector<DossierEvent>& history) {
  if (history.empty()) {
    return Error(ErrorCode::kFailedPrecondition, "the dossier has no events",
                 ErrorReason::kHistoryInconsistent);
  }
  const DossierEvent& created = history.front();
  if (created.action != "submit" || !created.from_state.empty() ||
      created.to_state != workflow.initial_state) {
    return Inconsistent(0, created,
                        "is not the submission into initial state " + workflow.initial_state);
  }
  ReplayedDossier dossier;
  dossier.state = created.to_state;
  dossier.version = 1;
  for (std::size_t i = 1; i < history.size(); ++i) {
    const DossierEvent& event = history[i];
    if (event.from_state != dossier.state) {
      return Inconsistent(i, event,
                          "starts in state " + event.from_state + ", but the events before it " +
                              "leave the dossier in " + dossier.state);
    }
    const State* state = workflow.FindState(dossier.state);
    if (IsBookkeepingEvent(event)) {
      if (event.action == kClaimAction) {
        dossier.assignee = event.actor.user_id;
      } else if (event.action == kReleaseAction) {
        dossier.assignee.reset();
      }
    } else {
      const Action* action = workflow.FindAction(event.action);
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
      if (action->to != dossier.state) dossier.assignee.reset();
      dossier.state = action->to;
    }
    ++dossier.version;
  }
  return dossier;
}

std::vector<std::string> DifferencesFromReplay(const Dossier& row,
                                               const ReplayedDossier& replayed) {
  std::vector<std::string> differences;
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
