#include "engine/domain/queue_placement.h"

#include "engine/domain/agency_roles.h"

namespace motcua {

std::vector<std::string> QueueRolesOf(const Workflow& workflow, const std::string& state_id) {
  const State* state = workflow.FindState(state_id);
  return state == nullptr ? std::vector<std::string>{} : state->queue_roles;
}

std::string QueueAgencyOf(const Workflow& workflow, const Dossier& dossier,
                          const std::string& state_id) {
  const std::string& agency = HandlingAgency(workflow, dossier, state_id);
  return agency == dossier.agency ? std::string() : agency;
}

NationalStatus StatusOf(const Workflow& workflow, const std::string& state_id) {
  const State* state = workflow.FindState(state_id);
  return state == nullptr ? NationalStatus::kSubmitted : state->status;
}

}  // namespace motcua
