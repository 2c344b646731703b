#include "engine/service/timer_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

std::string Failure(const std::string& code, const std::string& action, const Error& error) {
  return code + " " + action + ": " +
         (error.reason() == ErrorReason::kNone ? error.message()
                                               : std::string(ErrorReasonName(error.reason())));
}

// The latest `action` event since the dossier entered its current state.
const DossierEvent* LastEvent(const Dossier& dossier, const std::string& action) {
  for (auto it = dossier.history.rbegin(); it != dossier.history.rend(); ++it) {
    if (it->action == action) return &*it;
    if (!IsBookkeepingEvent(*it)) return nullptr;
  }
  return nullptr;
}

}  // namespace

std::vector<std::string> SweepLogLines(const SweepResult& result, std::size_t max_failures) {
  std::vector<std::string> lines;
  if (result.timers_fired + result.automatic_resumed + result.escalated > 0) {
    lines.push_back(std::to_string(result.timers_fired) + " fired, " +
                    std::to_string(result.automatic_resumed) + " automatic actions resumed, " +
                    std::to_string(result.escalated) + " escalated");
  }
  if (result.report_facts_added > 0) {
    lines.push_back("report facts added for " + std::to_string(result.report_facts_added) +
                    " older dossiers");
  }
  const std::size_t shown = std::min(result.failures.size(), max_failures);
  lines.insert(lines.end(), result.failures.begin(),
               result.failures.begin() + static_cast<std::ptrdiff_t>(shown));
  if (result.failures.size() > shown) {
    lines.push_back("... and " + std::to_string(result.failures.size() - shown) +
                    " more failures, tried again next sweep");
  }
  return lines;
}

Result<SweepResult> TimerService::Sweep() {
  const Instant now = clock_.Now();
  ASSIGN_OR_RETURN(std::vector<StoredDefinition> procedures, store_.ListLatestDefinitions());
  SweepResult result;
  for (const StoredDefinition& procedure : procedures) {
    RETURN_IF_ERROR(SweepProcedure(procedure.procedure_code, now, result));
  }
  constexpr int kFactsPageSize = 500;
  constexpr int kFactsPagesPerSweep = 20;
  for (int page = 0; page < kFactsPagesPerSweep && !facts_complete_; ++page) {
    ASSIGN_OR_RETURN(DossierService::FactsBackfill backfill,
                     dossiers_.BackfillReportFacts(facts_after_, kFactsPageSize));
    result.report_facts_added += backfill.added;
    for (std::string& failure : backfill.failures) result.failures.push_back(std::move(failure));
    facts_after_ = backfill.next_after;
    facts_complete_ = backfill.examined < kFactsPageSize;
  }
  // After the backfill, so that its rows are folded in the same sweep.
  if (Result<std::int64_t> folded = store_.FoldReportChanges(); !folded.ok()) {
    result.failures.push_back("report counts: " + folded.error().message());
  }
  return result;
}

Status TimerService::SweepProcedure(const std::string& procedure_code, Instant now,
                                    SweepResult& result) {
  // Dossiers stay pinned to the version they started on: look at the timer
  // and automatic-action states of every version.
  ASSIGN_OR_RETURN(std::vector<StoredDefinition> versions,
                   store_.ListDefinitionVersions(procedure_code));
  std::map<std::string, int> timer_days;  // state -> the shortest timer, in working days
  std::set<std::string> automatic_states;
  std::map<std::string, std::chrono::minutes> sla_floor;  // state -> shortest SLA, wall time
  for (const StoredDefinition& version : versions) {
    ASSIGN_OR_RETURN(std::shared_ptr<const RunnableWorkflow> runnable,
                     catalog_.Get(procedure_code, version.version));
    for (const Timer& timer : runnable->workflow.timers) {
      auto [it, fresh] = timer_days.emplace(timer.state, timer.after_working_days);
      if (!fresh) it->second = std::min(it->second, timer.after_working_days);
    }
    for (const Action& action : runnable->workflow.actions) {
      if (action.automatic) automatic_states.insert(action.from.begin(), action.from.end());
    }
    if (runnable->workflow.supervisor_role.empty()) continue;
    for (const State& state : runnable->workflow.states) {
      if (!state.sla || state.terminal) continue;
      // N working hours or days last at least N hours or days of wall time.
      const std::chrono::minutes floor =
          state.sla->in_hours ? std::chrono::minutes(std::chrono::hours(state.sla->amount))
                              : std::chrono::minutes(std::chrono::days(state.sla->amount));
      auto [it, fresh] = sla_floor.emplace(state.id, floor);
      if (!fresh) it->second = std::min(it->second, floor);
    }
  }
  for (const auto& [state, floor] : sla_floor) {
    EscalateOverdue(procedure_code, state, now - floor, result);
  }

  for (const auto& [state, days] : timer_days) {
    // N working days last at least N calendar days: nothing that entered the
    // state later can be due yet.
    const Instant entered_before = now - std::chrono::days(days);
    ASSIGN_OR_RETURN(
        std::vector<DossierSummary> waiting,
        store_.ListInState({procedure_code, state, entered_before, per_state_limit_, {}, {}}));
    for (const DossierSummary& summary : waiting) FireDue(summary.code, now, result);
  }
  for (const std::string& state : automatic_states) {
    ASSIGN_OR_RETURN(std::vector<DossierSummary> waiting,
                     store_.ListInState({procedure_code, state, now, per_state_limit_, {}, {}}));
    for (const DossierSummary& summary : waiting) {
      Result<DossierView> resumed = dossiers_.ResumeAutomaticActions(summary.code);
      if (!resumed.ok()) {
        result.failures.push_back(Failure(summary.code, "automatic", resumed.error()));
      } else if (resumed->dossier.state != summary.state) {
        ++result.automatic_resumed;
      } else if (const DossierEvent* halted = LastEvent(resumed->dossier, kAutomaticHaltedAction)) {
        result.failures.push_back(summary.code + " automatic: halted in " + summary.state + " (" +
                                  halted->payload.value("reason", "") + ")");
      } else {
        const std::string why =
            resumed->automatic_pending ? " (" + resumed->automatic_pending->reason + ")" : "";
        result.failures.push_back(summary.code + " automatic: still in " + summary.state + why);
      }
    }
  }
  return Status();
}

void TimerService::EscalateOverdue(const std::string& procedure_code, const std::string& state,
                                   Instant entered_before, SweepResult& result) {
  // Dossiers escalated earlier stay in the state, so page past them; the
  // budget bounds one sweep's work and the next sweep starts over.
  constexpr int kMaxPages = 10;
  StateQuery query;
  query.procedure_code = procedure_code;
  query.state = state;
  query.entered_before = entered_before;
  query.limit = per_state_limit_;
  for (int page = 0; page < kMaxPages; ++page) {
    Result<std::vector<DossierSummary>> waiting = store_.ListInState(query);
    if (!waiting.ok()) {
      result.failures.push_back(procedure_code + " " + state +
                                " escalation: " + waiting.error().message());
      return;
    }
    for (const DossierSummary& summary : *waiting) {
      Result<bool> escalated = dossiers_.EscalateIfOverdue(summary.code);
      if (!escalated.ok()) {
        result.failures.push_back(Failure(summary.code, "escalate", escalated.error()));
      } else if (*escalated) {
        ++result.escalated;
      }
    }
    if (static_cast<int>(waiting->size()) < query.limit) return;
    Result<Dossier> last = store_.GetDossier(waiting->back().code);
    if (!last.ok()) return;
    query.after_entered = EnteredCurrentState(*last);
    query.after_code = waiting->back().code;
    if (!query.after_entered) return;
  }
}

void TimerService::FireDue(const std::string& code, Instant now, SweepResult& result) {
  Result<Dossier> dossier = store_.GetDossier(code);
  if (!dossier.ok()) {
    result.failures.push_back(Failure(code, "timer", dossier.error()));
    return;
  }
  Result<std::shared_ptr<const RunnableWorkflow>> runnable =
      catalog_.Get(dossier->procedure_code, dossier->definition_version);
  if (!runnable.ok()) {
    result.failures.push_back(Failure(code, "timer", runnable.error()));
    return;
  }
  for (const StateMachine::DueTimer& due : (*runnable)->machine->PendingTimers(*dossier)) {
    if (due.fires_at > now) break;  // earliest first: the rest are later still
    const Action* action = (*runnable)->workflow.FindAction(due.timer->action);
    ActionInput input;
    if (action != nullptr && action->requirements.comment) {
      input.comment = "Automatic: no progress for " +
                      std::to_string(due.timer->after_working_days) + " working days in state " +
                      dossier->state;
    }
    const Actor system{kSystemRole, {kSystemRole}, dossier->agency};
    Result<DossierView> fired = dossiers_.Act(
        system, ActionCall{code, due.timer->action, dossier->version, std::move(input)});
    if (fired.ok()) {
      ++result.timers_fired;
    } else {
      result.failures.push_back(Failure(code, due.timer->action, fired.error()));
    }
    return;  // the dossier left the state (or failed): its other timers no longer apply
  }
}

}  // namespace motcua
