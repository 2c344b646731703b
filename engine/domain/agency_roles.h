// agency_roles.h: which agency handles a dossier while it sits in a state.
//
// A state is handled by the dossier's receiving agency unless its workflow
// names another one: by ID (State::agency, as older definitions do) or by its
// role in the procedure (State::agency_role, e.g. "the police office that
// registers the child's permanent residence"). Roles are resolved once per
// dossier, when it is submitted, from the deployment's AgencyRoleDirectory,
// and recorded in the submit event's payload under "agency_roles". The record
// is part of the hash-chained audit trail, and a later change of the
// configuration never moves a dossier already in flight.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

// In the submit event's payload: {"<role>": "<agency ID>"} for every agency
// role of the workflow. Recorded by the engine, never sent by a client.
inline constexpr const char* kAgencyRolesField = "agency_roles";

// The deployment's answer to "for dossiers received by agency A, which agency
// fills role R?". Its JSON form (serve --agency-roles FILE):
//   {"000.00.01.H26": {"residence_police": "000.00.20.H26"},
//    "*":             {"social_insurance": "000.00.30.H26"}}
// A receiving agency's own entry wins over "*", the default for every agency.
// Immutable once built; safe to share between threads.
class AgencyRoleDirectory {
 public:
  AgencyRoleDirectory() = default;

  // kInvalidArgument (validation) naming the first bad member by JSON
  // pointer: a key that is neither an agency ID nor "*", a role that is not
  // lower_snake_case, an agency that is not an agency ID.
  static Result<AgencyRoleDirectory> FromJson(const nlohmann::json& document);

  // The agency that fills `role` for dossiers received by `receiving_agency`.
  std::optional<std::string> Find(const std::string& receiving_agency,
                                  const std::string& role) const;

 private:
  std::map<std::string, std::map<std::string, std::string>> by_receiving_agency_;
};

// Every agency role `workflow` declares, resolved for `receiving_agency`
// (empty when it declares none). kInvalidArgument (validation) at "/agency"
// naming the first role the directory cannot fill: the receiving agency
// cannot take the procedure until the deployment names that agency.
Result<std::map<std::string, std::string>> ResolveAgencyRoles(const Workflow& workflow,
                                                              const std::string& receiving_agency,
                                                              const AgencyRoleDirectory& directory);

// The agencies `dossier` recorded at submission, by role (empty for dossiers
// of workflows without agency roles, and for those submitted before them).
std::map<std::string, std::string> RecordedAgencyRoles(const Dossier& dossier);

// The agency that handles `dossier` while it sits in `state_id`: the state's
// agency ID, else the agency recorded for the state's role, else the
// dossier's receiving agency. Only a dossier whose trail was edited outside
// the engine lacks a role its workflow names (audit verify reports the edit);
// it is then handled by the receiving agency. The result refers into
// `workflow` or `dossier` and is valid while both are (it copies nothing, as
// access checks ask it for every event of a history).
const std::string& HandlingAgency(const Workflow& workflow, const Dossier& dossier,
                                  const std::string& state_id);

}  // namespace motcua
