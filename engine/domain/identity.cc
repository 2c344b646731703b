#include "engine/domain/identity.h"

#include <algorithm>

namespace motcua {

bool IsAuditorOnly(const Actor& actor) {
  return actor.roles.size() == 1 && actor.roles.front() == kAuditorRole;
}

bool User::HasRole(std::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool MayManageUser(const Actor& admin, const User& user) {
  if (admin.agency.empty() || admin.HasRole(kApplicantRole) || admin.HasRole(kSystemRole)) {
    return false;
  }
  if (admin.HasRole(kNationalAdminRole)) return true;
  return admin.HasRole(kAdminRole) && !user.agency.empty() && user.agency == admin.agency &&
         !user.HasRole(kApplicantRole) && !user.HasRole(kNationalAdminRole);
}

bool IsValidCitizenId(std::string_view id) {
  if (id.size() != 12) return false;
  if (!std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return false;
  }
  const int province = (id[0] - '0') * 100 + (id[1] - '0') * 10 + (id[2] - '0');
  return province >= 1 && province <= 96;
}

Status ValidateUser(const User& user) {
  std::vector<FieldError> problems;
  const bool applicant =
      std::find(user.roles.begin(), user.roles.end(), kApplicantRole) != user.roles.end();
  if (user.roles.empty()) problems.push_back({"/roles", "must name at least one role"});
  for (std::size_t i = 0; i < user.roles.size(); ++i) {
    const std::string& role = user.roles[i];
    const bool well_formed =
        !role.empty() && role.size() <= 64 && std::all_of(role.begin(), role.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        });
    if (!well_formed) {
      problems.push_back({"/roles/" + std::to_string(i), "must be a lower_snake_case role name"});
    } else if (role == kSystemRole) {
      problems.push_back({"/roles/" + std::to_string(i), "\"system\" is the engine's own role"});
    } else if (applicant && role != kApplicantRole) {
      problems.push_back(
          {"/roles/" + std::to_string(i), "an applicant cannot also hold a staff role"});
    }
  }
  if (applicant) {
    if (!IsValidCitizenId(user.id)) {
      problems.push_back({"/id", "must be a 12-digit citizen ID for an applicant"});
    }
    if (!user.agency.empty()) problems.push_back({"/agency", "must be empty for an applicant"});
  } else {
    const bool id_ok = !user.id.empty() && user.id.size() <= 64 &&
                       std::all_of(user.id.begin(), user.id.end(), [](char c) {
                         return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                       });
    if (!id_ok) {
      problems.push_back({"/id", "must be 1-64 letters, digits, '.', '_' or '-'"});
    } else if (user.id == kSystemRole) {
      // Timers, automatic actions and the gateway act as user "system".
      problems.push_back({"/id", "\"system\" is the engine's own user id"});
    }
    if (user.agency.empty()) problems.push_back({"/agency", "is required for staff"});
  }
  if (!problems.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the user is not valid", ErrorReason::kValidation,
                 std::move(problems));
  }
  return Status();
}

}  // namespace motcua
