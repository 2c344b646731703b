// dossier_replay.h: what a dossier's row must say, given its event log.
//
// The event log is the record; the dossier row (state, version, assignee) is
// derived from it. Replaying the events through the workflow version the
// dossier is pinned to gives the row back, so an auditor can tell a row edited
// behind the engine's back (a state changed directly) or a log cut short (the
// row's version counts events that are gone) from an honest database.
//
// The replay checks the structure of the history only: each event starts in
// the state the previous one left, names an action of the workflow allowed
// from there and goes where that action goes; bookkeeping events (claim,
// release, rate, escalate, automatic_halted) stay in the state. It does not
// re-check roles, payloads or the legal clock (the audit chain covers what
// each event says).
//
// Example:
//   Result<ReplayedDossier> replayed = ReplayHistory(workflow, dossier.history);
//   for (const std::string& d : DifferencesFromReplay(dossier, *replayed)) Report(d);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

struct ReplayedDossier {
  std::string state;
  std::int64_t version = 0;  // one per event
  std::optional<std::string> assignee;
};

// kFailedPrecondition "history_inconsistent", naming the first event (by its
// index) that could not have happened after the ones before it, or an empty
// history.
Result<ReplayedDossier> ReplayHistory(const Workflow& workflow,
                                      const std::vector<DossierEvent>& history);

// How the stored `row` differs from `replayed`, one sentence per field
// (state, version, assignee); empty when they agree.
std::vector<std::string> DifferencesFromReplay(const Dossier& row, const ReplayedDossier& replayed);

}  // namespace motcua
