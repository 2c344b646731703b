// dossier_contents.h: what a dossier holds (its form, documents, result
// document and the signatures on results), as its events recorded them.
//
// The events are the record, and they already carry every one of these
// values: the creating event its form and documents, each later action the
// form fields and documents it changed, the result document it named and the
// signature it verified. The stores therefore keep none of them in the
// dossier's row (issue 18: no row repeats what another holds); they fold them
// from the history they load with the row. The state machine folds each new
// event the same way, so what a transition returns and what a later read
// rebuilds cannot differ.
//
// Which events count:
// - the first event (the submission): its payload's "form" object and
//   "documents" map, nothing else a client may have sent with them;
// - an action event (StateMachine::Apply): "form" fields are set one by one
//   over the form so far, "documents" keys over the documents so far, a
//   "result_document" replaces the dossier's result unless the event belongs
//   to a fork's branch (kBranchField), and a "signature" is appended to the
//   result signatures;
// - the engine's bookkeeping events (IsBookkeepingEvent), join and migrate
//   events change nothing.
#pragma once

#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"

namespace motcua {

// Folds the event at position `index` of its dossier's history into the
// contents of `dossier` (form, documents, result_document,
// result_signatures), which hold what the events before it left. An event
// the engine could not have written (a "signature" that is not signature
// evidence, documents that are not a map of ids) is kInternal corrupt_row.
Status FoldEventContents(const DossierEvent& event, std::size_t index, Dossier& dossier);

// Resets the contents of `dossier` and folds its whole history into them.
Status FoldHistoryContents(Dossier& dossier);

// The contents of a dossier on their own: what a store keeps next to a
// history it caches, so that loading the dossier again need not fold every
// event again. Valid for exactly the history they were folded from.
struct DossierContents {
  nlohmann::json form = nlohmann::json::object();
  std::map<std::string, std::string> documents;
  std::optional<std::string> result_document;
  std::vector<SignatureEvidence> result_signatures;
};

// A copy of the contents `dossier` holds.
DossierContents ContentsOf(const Dossier& dossier);
// Replaces the contents of `dossier` with `contents`.
void SetContents(const DossierContents& contents, Dossier& dossier);

}  // namespace motcua
