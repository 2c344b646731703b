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
// Thread safety: a pure function.
//
// Example:
//   SigningMoment moment{clock.Now(), ResultAttachedAt(dossier)};
#pragma once

#include <optional>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"

namespace motcua {

// The time of the latest event in `dossier.history` whose payload names
// `dossier.result_document`; nullopt when the dossier has no result or no
// event names it (a history that was not loaded, or one written by hand).
std::optional<Instant> ResultAttachedAt(const Dossier& dossier);

}  // namespace motcua
