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
// A `migrate` event (workflow_migration.h) moves the dossier from one
// version of its workflow to another: it must start in the current state, a
// non-terminal one, on the version its payload's from_version names, and end
// in a state of its to_version; the events after it replay through that
// version. The history therefore starts on the first migrate event's
// from_version, or on the pinned version when it has none.
//
// Example:
//   Result<ReplayedDossier> replayed = ReplayHistory(workflow, dossier.history);
//   for (const std::string& d : DifferencesFromReplay(dossier, *replayed)) Report(d);
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

struct ReplayedDossier {
  // The workflow version the events leave the dossier on; 0 from the
  // single-workflow ReplayHistory, which does not know versions.
  std::int64_t definition_version = 0;
  std::string state;
  std::int64_t version = 0;  // one per event
  std::optional<std::string> assignee;
};

// kFailedPrecondition "history_inconsistent", naming the first event (by its
// index) that could not have happened after the ones before it, or an empty
// history.
Result<ReplayedDossier> ReplayHistory(const Workflow& workflow,
                                      const std::vector<DossierEvent>& history);

// The parsed workflow of one version of the dossier's procedure; nullptr when
// that version is not stored or does not parse.
using WorkflowOfVersion = std::function<const Workflow*(std::int64_t version)>;

// An integer member ("from_version", "to_version") of a migrate event's
// payload; nullopt for another event or when the member is absent.
std::optional<std::int64_t> MigrateEventVersion(const DossierEvent& event, const char* member);

// The workflow version a history starts on: its first migrate event's
// from_version (-1 when that event names none), or `pinned_version` (the
// row's definition_version) when it has no migrate event.
std::int64_t StartingVersion(std::int64_t pinned_version, const std::vector<DossierEvent>& history);

// The same across migrations: versions come from `workflow_of`, and
// `pinned_version` is the row's definition_version (where a history without
// migrate events starts). A version the history needs that `workflow_of`
// lacks is history_inconsistent.
Result<ReplayedDossier> ReplayHistory(const WorkflowOfVersion& workflow_of,
                                      std::int64_t pinned_version,
                                      const std::vector<DossierEvent>& history);

// How the stored `row` differs from `replayed`, one sentence per field
// (definition version when `replayed` knows it, state, version, assignee);
// empty when they agree.
std::vector<std::string> DifferencesFromReplay(const Dossier& row, const ReplayedDossier& replayed);

}  // namespace motcua
