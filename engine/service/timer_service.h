// timer_service.h: the engine's own clockwork. Workflow timers ("after N
// working days in state S, perform action A") and automatic actions that
// could not run at once are performed as role "system", and dossiers that
// overstay a state's SLA are escalated to the workflow's supervisor role.
//
// Nothing is scheduled in memory: every sweep derives what is due from the
// stored dossiers (their state and when they entered it, see
// DossierStore::ListInState) and the injected clock, so a restarted server
// picks up where it left off and a timer that fell due while it was down
// fires at the next sweep. A dossier that changed meanwhile makes its action
// fail with a conflict and is looked at again by the next sweep. Sweeps also
// give dossiers created before report facts existed their facts, a page at a
// time.
//
// Thread-safe as DossierService is; one sweep at a time is expected.
#pragma once

#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/service/dossier_service.h"
#include "engine/service/workflow_catalog.h"

namespace motcua {

struct SweepResult {
  int timers_fired = 0;               // timer actions performed
  int automatic_resumed = 0;          // dossiers moved on by a pending automatic action
  int escalated = 0;                  // dossiers that overstayed their state's SLA, escalated now
  int report_facts_added = 0;         // dossiers from before report facts, given theirs now
  std::vector<std::string> failures;  // "CODE action: reason", tried again next sweep
};

// What a sweep did, as log lines: counts of what happened, and at most
// `max_failures` failures followed by how many more there were (a missing
// seal leaves every dossier waiting for it failing on every sweep). Empty
// when the sweep did nothing.
std::vector<std::string> SweepLogLines(const SweepResult& result, std::size_t max_failures = 5);

class TimerService {
 public:
  // `per_state_limit` bounds the dossiers examined per procedure and state in
  // one sweep (the longest waiting first); the rest wait for the next sweep.
  TimerService(DossierStore& store, WorkflowCatalog& catalog, DossierService& dossiers,
               const Clock& clock, int per_state_limit = 200)
      : store_(store),
        catalog_(catalog),
        dossiers_(dossiers),
        clock_(clock),
        per_state_limit_(per_state_limit) {}

  // One pass over every published procedure. Errors of single dossiers are
  // collected in `failures`; only a failing store read is an error.
  Result<SweepResult> Sweep();

 private:
  Status SweepProcedure(const std::string& procedure_code, Instant now, SweepResult& result);
  void FireDue(const std::string& code, Instant now, SweepResult& result);

  void EscalateOverdue(const std::string& procedure_code, const std::string& state,
                       Instant entered_before, SweepResult& result);

  DossierStore& store_;
  WorkflowCatalog& catalog_;
  DossierService& dossiers_;
  const Clock& clock_;
  int per_state_limit_;
  // Report facts upkeep (DossierService::BackfillReportFacts): up to 10,000
  // dossiers per sweep from this code on, until a page comes back short; then
  // never again in this process, since every write since migration 0006
  // carries facts.
  std::string facts_after_;
  bool facts_complete_ = false;
};

}  // namespace motcua
