#include "engine/cli/agency_roles_file.h"

#include "engine/cli/files.h"
#include "engine/domain/status_macros.h"

namespace motcua::cli {

Result<AgencyRoleDirectory> LoadAgencyRoles(const std::string& path) {
  ASSIGN_OR_RETURN(nlohmann::json document, ReadJsonFile(path));
  Result<AgencyRoleDirectory> directory = AgencyRoleDirectory::FromJson(document);
  if (!directory.ok()) {
    std::string message = path + ": " + directory.error().message();
    for (const FieldError& field : directory.error().fields()) {
      message += "; at \"" + field.pointer + "\": " + field.message;
    }
    return Error(ErrorCode::kInvalidArgument, message, ErrorReason::kNone,
                 directory.error().fields());
  }
  return directory;
}

}  // namespace motcua::cli
