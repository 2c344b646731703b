#include "engine/service/procedure_ownership.h"

#include "engine/domain/identity.h"

namespace motcua {

bool ActsNationally(const Actor& actor) {
  return actor.HasRole(kSystemRole) || (actor.HasRole(kNationalAdminRole) &&
                                        !actor.agency.empty() && !actor.HasRole(kApplicantRole));
}

bool IsAgencyAdmin(const Actor& actor) {
  return actor.HasRole(kAdminRole) && !actor.agency.empty() && !actor.HasRole(kApplicantRole);
}

Status MayChangeProcedure(const Actor& actor, const std::string& code,
                          const std::string& owner_agency) {
  if (owner_agency.empty()) {
    if (ActsNationally(actor)) return Status();
    return Error(ErrorCode::kPermissionDenied,
                 "procedure " + code +
                     " is national: only a national admin publishes it; an agency "
                     "varies it under a local code of its own",
                 ErrorReason::kNotYourProcedure);
  }
  if ((IsAgencyAdmin(actor) && actor.agency == owner_agency) || actor.HasRole(kSystemRole)) {
    return Status();
  }
  return Error(
      ErrorCode::kPermissionDenied,
      "procedure " + code + " belongs to agency " + owner_agency + "; only its admins publish it",
      ErrorReason::kNotYourProcedure);
}

}  // namespace motcua
