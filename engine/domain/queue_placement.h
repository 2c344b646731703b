// queue_placement.h: where a dossier in a state of its workflow stands, as the
// store indexes it with every commit: the roles whose queues show it, the
// agency whose queues those are, and its national status code. Pure lookups on
// the workflow; a state id the workflow lacks places the dossier in no queue,
// at the receiving agency, as submitted.
#pragma once

#include <string>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/workflow.h"

namespace motcua {

// Roles whose queue shows `state_id`; empty when the workflow has no such state.
std::vector<std::string> QueueRolesOf(const Workflow& workflow, const std::string& state_id);

// The agency whose queues show `dossier` in `state_id`: the agency that
// handles it there (HandlingAgency, agency_roles.h) when that is another
// agency; empty (the dossier's receiving agency) otherwise.
std::string QueueAgencyOf(const Workflow& workflow, const Dossier& dossier,
                          const std::string& state_id);

// A queue a running branch of a fork stands in (fork.h): the roles whose
// queues show the branch's state, in the agency that handles it there.
struct BranchQueueSlot {
  std::string branch;
  std::string state;
  std::vector<std::string> roles;
  std::string agency;  // HandlingAgency of `state`, never empty
};

// One slot per branch of the dossier's fork that has not ended and whose
// state queues to some role, by branch id; empty outside a fork.
std::vector<BranchQueueSlot> BranchQueueSlots(const Workflow& workflow, const Dossier& dossier);

// The national status code of `state_id`; kSubmitted when the workflow has no
// such state.
NationalStatus StatusOf(const Workflow& workflow, const std::string& state_id);

}  // namespace motcua
