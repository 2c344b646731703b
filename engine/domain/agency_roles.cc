#include "engine/domain/agency_roles.h"

#include <string_view>

#include "engine/domain/dossier_code.h"

namespace motcua {
namespace {

constexpr std::string_view kAnyReceivingAgency = "*";
constexpr std::size_t kMaxRoleLength = 64;

bool IsRoleId(std::string_view role) {
  if (role.empty() || role.size() > kMaxRoleLength || role[0] < 'a' || role[0] > 'z') return false;
  for (char c : role) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

// The submit event's record of agency roles, or nullptr when it has none.
const nlohmann::json* RecordedRolesOf(const Dossier& dossier) {
  if (dossier.history.empty()) return nullptr;
  const nlohmann::json& payload = dossier.history.front().payload;
  auto roles = payload.find(kAgencyRolesField);
  return roles != payload.end() && roles->is_object() ? &*roles : nullptr;
}

Error DirectoryError(const std::string& pointer, const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, "the agency role directory is invalid",
               ErrorReason::kValidation, {{pointer, message}});
}

}  // namespace

Result<AgencyRoleDirectory> AgencyRoleDirectory::FromJson(const nlohmann::json& document) {
  if (!document.is_object()) {
    return DirectoryError("", "must be an object keyed by receiving agency ID or \"*\"");
  }
  AgencyRoleDirectory directory;
  for (const auto& [receiving, roles] : document.items()) {
    const std::string at = "/" + receiving;
    if (receiving != kAnyReceivingAgency && !IsValidAgencyId(receiving)) {
      return DirectoryError(at, "must be an agency ID such as 000.00.01.H26, or \"*\"");
    }
    if (!roles.is_object()) return DirectoryError(at, "must be an object of role: agency ID");
    std::map<std::string, std::string>& filled = directory.by_receiving_agency_[receiving];
    for (const auto& [role, agency] : roles.items()) {
      if (!IsRoleId(role)) {
        return DirectoryError(at + "/" + role, "a role must be lower_snake_case");
      }
      if (!agency.is_string() || !IsValidAgencyId(agency.get_ref<const std::string&>())) {
        return DirectoryError(at + "/" + role, "must be an agency ID such as 000.00.20.H26");
      }
      filled.emplace(role, agency.get<std::string>());
    }
  }
  return directory;
}

std::optional<std::string> AgencyRoleDirectory::Find(const std::string& receiving_agency,
                                                     const std::string& role) const {
  for (const std::string& key : {receiving_agency, std::string(kAnyReceivingAgency)}) {
    auto agency = by_receiving_agency_.find(key);
    if (agency == by_receiving_agency_.end()) continue;
    auto filled = agency->second.find(role);
    if (filled != agency->second.end()) return filled->second;
  }
  return std::nullopt;
}

Result<std::map<std::string, std::string>> ResolveAgencyRoles(
    const Workflow& workflow, const std::string& receiving_agency,
    const AgencyRoleDirectory& directory) {
  std::map<std::string, std::string> resolved;
  for (const AgencyRole& role : workflow.procedure.agency_roles) {
    std::optional<std::string> agency = directory.Find(receiving_agency, role.id);
    if (!agency) {
      return Error(ErrorCode::kInvalidArgument,
                   "agency " + receiving_agency + " cannot take procedure " +
                       workflow.procedure.code + " yet: no agency is configured as its " + role.id,
                   ErrorReason::kValidation,
                   {{"/agency", "has no agency configured for the role " + role.id + " (" +
                                    role.names.en + ") of this procedure"}});
    }
    resolved.emplace(role.id, std::move(*agency));
  }
  return resolved;
}

std::map<std::string, std::string> RecordedAgencyRoles(const Dossier& dossier) {
  std::map<std::string, std::string> recorded;
  const nlohmann::json* roles = RecordedRolesOf(dossier);
  if (roles == nullptr) return recorded;
  for (const auto& [role, agency] : roles->items()) {
    if (agency.is_string()) recorded.emplace(role, agency.get<std::string>());
  }
  return recorded;
}

const std::string& HandlingAgency(const Workflow& workflow, const Dossier& dossier,
                                  const std::string& state_id) {
  const State* state = workflow.FindState(state_id);
  if (state == nullptr) return dossier.agency;
  if (state->agency) return *state->agency;
  if (const nlohmann::json* roles = state->agency_role ? RecordedRolesOf(dossier) : nullptr) {
    auto agency = roles->find(*state->agency_role);
    if (agency != roles->end() && agency->is_string()) {
      return agency->get_ref<const std::string&>();
    }
  }
  return dossier.agency;
}

}  // namespace motcua
