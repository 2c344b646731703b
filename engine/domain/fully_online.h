// fully_online.h: did a dossier run fully online, and if not, why not.
//
// A dossier ran fully online when every applicant-facing step happened
// online: submitted online, every supplement sent online, every fee paid
// online, the result issued as an electronic document with a verified digital
// signature and delivered electronically or by public post, for a procedure
// offered fully online. Each branch of a fork (fork.h) that issues its own
// sub-result must carry a verified signature on it too. Any other step makes
// it not fully online, and the verdict names each such step.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/workflow.h"

namespace motcua {

enum class NotOnlineReason {
  kPartialProcedure,    // the procedure is only offered partially online
  kSubmittedAtDesk,     // or by post
  kSupplementInPerson,  // a supplement brought to the desk or posted
  kFeePaidInPerson,     // a fee paid in cash at the desk
  kResultNotSigned,     // the result carries no verified digital signature
  kResultCollectedInPerson,
};
const char* NotOnlineReasonName(NotOnlineReason reason);  // e.g. "submitted_at_desk"

struct NotOnlineStep {
  NotOnlineReason reason;
  std::optional<std::size_t> event_index;  // index into Dossier::history, if a step caused it
  std::string message;                     // a plain sentence for people
};

struct FullyOnlineVerdict {
  // True when no step so far broke the rule. For a dossier still in
  // progress this is a verdict "so far"; `final` says whether it can change.
  bool fully_online = true;
  bool final = false;
  std::vector<NotOnlineStep> reasons;  // in history order; empty iff fully_online
};

FullyOnlineVerdict JudgeFullyOnline(const Workflow& workflow, const Dossier& dossier);

}  // namespace motcua
