// agency_roles_file.h: loads serve --agency-roles, the deployment's answer to
// which agency fills each agency role of inter-agency procedures
// (engine/domain/agency_roles.h; tools/agency-roles.example.json).
#pragma once

#include <string>

#include "engine/domain/agency_roles.h"
#include "engine/domain/status.h"

namespace motcua::cli {

// The directory in the JSON file at `path`. Errors name the path and, for a
// bad member, its JSON pointer and what it must be.
Result<AgencyRoleDirectory> LoadAgencyRoles(const std::string& path);

}  // namespace motcua::cli
