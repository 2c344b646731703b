#include "engine/domain/queue_placement.h"

#include "engine/domain/agency_roles.h"
#include "engine/domain/fork.h"

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

std::vector<BranchQueueSlot> BranchQueueSlots(const Workflow& workflow, const Dossier& dossier) {
  std::vector<BranchQueueSlot> slots;
  for (const auto& [branch, position] : BranchPositionsOf(workflow, dossier)) {
    const State* state = workflow.FindState(position.state);
    if (state == nullptr || state->terminal || state->queue_roles.empty()) continue;
    slots.push_back(BranchQueueSlot{branch, state->id, state->queue_roles,
                                    HandlingAgency(workflow, dossier, state->id)});
  }
  return slots;
}

NationalStatus StatusOf(const Workflow& workflow, const std::string& state_id) {
  const State* state = workflow.FindState(state_id);
  return state == nullptr ? NationalStatus::kSubmitted : state->status;
}

}  // namespace motcua
