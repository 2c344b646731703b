#include "engine/domain/result_attachment.h"

#include <algorithm>
#include <string>

#include "engine/domain/action_input.h"
#include "engine/domain/fork.h"

namespace motcua {

std::optional<Instant> ResultAttachedAt(const Dossier& dossier) {
  if (!dossier.result_document) return std::nullopt;
  for (auto event = dossier.history.rbegin(); event != dossier.history.rend(); ++event) {
    if (!EventBranch(*event).empty()) continue;  // a branch's sub-result, not the dossier's
    const auto named = event->payload.find(kResultDocumentMember);
    if (named != event->payload.end() && named->is_string() &&
        named->get_ref<const std::string&>() == *dossier.result_document) {
      return event->at;
    }
  }
  return std::nullopt;
}

bool HasSignatureOver(const Dossier& dossier, const std::string& branch,
                      const std::string& document_id) {
  return std::any_of(dossier.result_signatures.begin(), dossier.result_signatures.end(),
                     [&](const SignatureEvidence& signature) {
                       return signature.branch == branch && signature.document_id == document_id;
                     });
}

bool CoversCurrentResult(const Workflow& workflow, const Dossier& dossier,
                         const SignatureEvidence& signature) {
  if (signature.branch.empty()) return dossier.result_document == signature.document_id;
  return BranchResultDocument(workflow, dossier, signature.branch) == signature.document_id;
}

bool IsSignedCurrentResult(const Workflow& workflow, const Dossier& dossier,
                           const std::string& document_id) {
  return std::any_of(dossier.result_signatures.begin(), dossier.result_signatures.end(),
                     [&](const SignatureEvidence& signature) {
                       return signature.document_id == document_id &&
                              CoversCurrentResult(workflow, dossier, signature);
                     });
}

std::vector<std::string> AttachedBranchResults(const Dossier& dossier) {
  std::vector<std::string> ids;
  for (const DossierEvent& event : dossier.history) {
    if (!event.payload.is_object() || EventBranch(event).empty()) continue;
    auto named = event.payload.find(kResultDocumentMember);
    if (named != event.payload.end() && named->is_string())
      ids.push_back(named->get<std::string>());
  }
  return ids;
}

}  // namespace motcua
