#include "engine/domain/result_attachment.h"

#include <string>

#include "engine/domain/action_input.h"

namespace motcua {

std::optional<Instant> ResultAttachedAt(const Dossier& dossier) {
  if (!dossier.result_document) return std::nullopt;
  for (auto event = dossier.history.rbegin(); event != dossier.history.rend(); ++event) {
    const auto named = event->payload.find(kResultDocumentMember);
    if (named != event->payload.end() && named->is_string() &&
        named->get_ref<const std::string&>() == *dossier.result_document) {
      return event->at;
    }
  }
  return std::nullopt;
}

}  // namespace motcua
