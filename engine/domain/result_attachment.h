// result_attachment.h: when a dossier's current result document was attached.
//
// An action attaches a result document by naming it (ActionInput's
// result_document); its event records the name in its payload
// (ActionInputPayload, member kResultDocumentMember) and the dossier keeps the
// latest as Dossier::result_document. A later action may attach another
// result, which replaces it, or the same one again. ResultAttachedAt reads
// the history back: the time of the latest event whose payload names the
// dossier's current result. It is the one reader of that payload member.
//
// A signature's signing time is checked against it: a result cannot be
// signed before it was attached (ResultSigning, result_signing.h).
//
// Thread safety: pure functions.
//
// Example:
//   SigningMoment moment{clock.Now(), ResultAttachedAt(dossier)};
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/workflow.h"

namespace motcua {

// The time of the latest event in `dossier.history`, not a branch's (fork.h:
// BranchResultOf for those), whose payload names `dossier.result_document`; nullopt when the
// dossier has no result or no event names it (a history that was not loaded, or one written by
// hand).
std::optional<Instant> ResultAttachedAt(const Dossier& dossier);

// Whether a recorded signature (or seal) of `branch` (empty: the dossier's
// own) covers `document_id`.
bool HasSignatureOver(const Dossier& dossier, const std::string& branch,
                      const std::string& document_id);

// Whether `signature` covers the result it was made for as that result
// stands now: the dossier's current result for a signature of the dossier,
// its branch's current sub-result (BranchResultOf, fork.h) for a branch's.
// False once that result was replaced. `workflow` is the dossier's.
bool CoversCurrentResult(const Workflow& workflow, const Dossier& dossier,
                         const SignatureEvidence& signature);

// Whether `document_id` is a result the dossier issued: its current result or
// a branch's current sub-result, with a recorded signature covering it.
bool IsSignedCurrentResult(const Workflow& workflow, const Dossier& dossier,
                           const std::string& document_id);

// Every document an event of the dossier's history attached as a branch's
// sub-result (fork.h), in history order, replaced ones included.
std::vector<std::string> AttachedBranchResults(const Dossier& dossier);

}  // namespace motcua
