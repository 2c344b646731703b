#include "engine/domain/dossier.h"

#include <algorithm>

namespace motcua {

bool Actor::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool IsAssignmentEvent(const DossierEvent& event) {
  return event.from_state == event.to_state &&
         (event.action == kClaimAction || event.action == kReleaseAction);
}

}  // namespace motcua
