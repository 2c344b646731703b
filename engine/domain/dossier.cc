#include "engine/domain/dossier.h"

#include <algorithm>

namespace motcua {

bool Actor::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

}  // namespace motcua
