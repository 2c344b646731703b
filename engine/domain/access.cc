#include "engine/domain/access.h"

#include <algorithm>

#include "engine/domain/identity.h"

namespace motcua {

bool IsApplicantOnly(const Actor& actor) {
  return !actor.roles.empty() &&
         std::all_of(actor.roles.begin(), actor.roles.end(),
                     [](const std::string& r) { return r == kApplicantRole; });
}

bool ReachesDossiers(const Actor& actor) {
  return std::any_of(actor.roles.begin(), actor.roles.end(),
                     [](const std::string& r) { return r != kPortalSyncRole; });
}

bool CanSeeDossier(const Actor& actor, const Dossier& dossier, const Workflow& workflow) {
  if (!ReachesDossiers(actor)) return false;
  if (actor.HasRole(kSystemRole)) return true;
  if (actor.HasRole(kApplicantRole) && actor.user_id == dossier.applicant_id) return true;
  if (IsApplicantOnly(actor) || actor.agency.empty()) return false;
  if (actor.agency == dossier.agency) return true;
  auto handled_by_actor_agency = [&](const std::string& state_id) {
    const State* state = workflow.FindState(state_id);
    return state != nullptr && state->agency && *state->agency == actor.agency;
  };
  if (handled_by_actor_agency(dossier.state)) return true;
  return std::any_of(dossier.history.begin(), dossier.history.end(),
                     [&](const DossierEvent& e) { return handled_by_actor_agency(e.to_state); });
}

}  // namespace motcua
