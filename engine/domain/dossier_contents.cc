#include "engine/domain/dossier_contents.h"

#include <string>
#include <utility>

#include "engine/domain/action_input.h"
#include "engine/domain/fork.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/workflow_migration.h"

namespace motcua {
namespace {

using nlohmann::json;

Error CorruptEvent(std::size_t index, const std::string& what) {
  return Error(ErrorCode::kInternal,
               "event " + std::to_string(index) + " of the history holds " + what,
               ErrorReason::kCorruptRow);
}

Status FoldDocuments(const json& payload, std::size_t index, Dossier& dossier) {
  auto documents = payload.find("documents");
  if (documents == payload.end()) return Status();
  if (!documents->is_object()) return CorruptEvent(index, "documents that are not a map");
  for (const auto& [key, id] : documents->items()) {
    if (!id.is_string()) return CorruptEvent(index, "a document id that is not text");
    dossier.documents[key] = id.get<std::string>();
  }
  return Status();
}

// Whether the event was made by StateMachine::Apply (a workflow action,
// in a branch or not) rather than by the engine's bookkeeping.
bool IsActionEvent(const DossierEvent& event) {
  return !IsBookkeepingEvent(event) && event.action != kJoinAction &&
         event.action != kMigrateAction;
}

}  // namespace

Status FoldEventContents(const DossierEvent& event, std::size_t index, Dossier& dossier) {
  const json& payload = event.payload;
  if (!payload.is_object()) return Status();
  if (index == 0) {
    auto form = payload.find("form");
    if (form != payload.end() && form->is_object()) dossier.form = *form;
    return FoldDocuments(payload, index, dossier);
  }
  if (!IsActionEvent(event)) return Status();

  if (auto form = payload.find("form"); form != payload.end() && form->is_object()) {
    if (!dossier.form.is_object()) dossier.form = json::object();
    for (const auto& [field, value] : form->items()) dossier.form[field] = value;
  }
  RETURN_IF_ERROR(FoldDocuments(payload, index, dossier));
  const bool in_branch = payload.contains(kBranchField);
  if (auto result = payload.find(kResultDocumentMember); !in_branch && result != payload.end()) {
    if (!result->is_string()) return CorruptEvent(index, "a result document that is not text");
    dossier.result_document = result->get<std::string>();
  }
  if (auto signature = payload.find("signature"); signature != payload.end()) {
    std::optional<SignatureEvidence> evidence = SignatureEvidenceFromJson(*signature);
    if (!evidence) return CorruptEvent(index, "a signature that is not signature evidence");
    dossier.result_signatures.push_back(std::move(*evidence));
  }
  return Status();
}

Status FoldHistoryContents(Dossier& dossier) {
  SetContents(DossierContents{}, dossier);
  const std::vector<DossierEvent>& events = dossier.history;
  for (std::size_t i = 0; i < events.size(); ++i) {
    RETURN_IF_ERROR(FoldEventContents(events[i], i, dossier));
  }
  return Status();
}

DossierContents ContentsOf(const Dossier& dossier) {
  return DossierContents{dossier.form, dossier.documents, dossier.result_document,
                         dossier.result_signatures};
}

void SetContents(const DossierContents& contents, Dossier& dossier) {
  dossier.form = contents.form;
  dossier.documents = contents.documents;
  dossier.result_document = contents.result_document;
  dossier.result_signatures = contents.result_signatures;
}

}  // namespace motcua
