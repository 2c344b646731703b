#include "engine/domain/dossier.h"

#include <algorithm>

namespace motcua {

bool Actor::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool IsDocumentId(std::string_view id) {
  return id.size() == 64 && std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool IsAssignmentEvent(const DossierEvent& event) {
  return event.from_state == event.to_state &&
         (event.action == kClaimAction || event.action == kReleaseAction);
}

}  // namespace motcua
