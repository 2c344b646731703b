#include "engine/domain/fully_online.h"

#include <algorithm>
#include <set>

#include "engine/domain/fork.h"
#include "engine/domain/result_attachment.h"

namespace motcua {
namespace {

// A step counts as online when it was recorded with the online channel. A
// step recorded without a channel was performed by the engine itself (the
// "system" role, e.g. a payment gateway callback or an automatic electronic
// return), so nothing happened in person.
bool HappenedOnline(const DossierEvent& event) {
  return !event.channel.has_value() || *event.channel == Channel::kOnline;
}

std::string ChannelPhrase(const DossierEvent& event) {
  return event.channel.has_value() ? std::string(" (channel ") + ChannelName(*event.channel) + ")"
                                   : std::string();
}

// True for a state in which the procedure's result has been issued: national
// status 9 or 10 and not a refusal, withdrawal or stop.
bool IssuesResult(const State& state) {
  const bool result_status =
      state.status == NationalStatus::kProcessed || state.status == NationalStatus::kResultReturned;
  const bool positive = state.outcome == Outcome::kApproved || state.outcome == Outcome::kNone;
  return result_status && positive;
}

// True when a recorded signature of `branch` covers its current sub-result.
bool IsBranchResultSigned(const Workflow& workflow, const Dossier& dossier,
                          const std::string& branch) {
  const std::optional<BranchResult> result = BranchResultOf(workflow, dossier, branch);
  return result && HasSignatureOver(dossier, branch, result->document);
}

}  // namespace

const char* NotOnlineReasonName(NotOnlineReason reason) {
  switch (reason) {
    case NotOnlineReason::kPartialProcedure: return "partial_procedure";
    case NotOnlineReason::kSubmittedAtDesk: return "submitted_at_desk";
    case NotOnlineReason::kSupplementInPerson: return "supplement_in_person";
    case NotOnlineReason::kFeePaidInPerson: return "fee_paid_in_person";
    case NotOnlineReason::kResultNotSigned: return "result_not_signed";
    case NotOnlineReason::kResultCollectedInPerson: return "result_collected_in_person";
  }
  return "unknown";
}

FullyOnlineVerdict JudgeFullyOnline(const Workflow& workflow, const Dossier& dossier) {
  FullyOnlineVerdict verdict;
  const State* current = workflow.FindState(dossier.state);
  verdict.final = current != nullptr && current->terminal;

  if (workflow.procedure.online_level == OnlineLevel::kPartial) {
    verdict.reasons.push_back(
        {NotOnlineReason::kPartialProcedure, std::nullopt,
         "The procedure " + workflow.procedure.code + " is only offered partially online."});
  }

  bool result_checked = false;
  std::set<std::string> branches_checked;
  for (std::size_t i = 0; i < dossier.history.size(); ++i) {
    const DossierEvent& event = dossier.history[i];
    switch (event.step) {
      case ApplicantStep::kNone: break;
      case ApplicantStep::kSubmission:
        if (!HappenedOnline(event)) {
          verdict.reasons.push_back(
              {NotOnlineReason::kSubmittedAtDesk, i,
               "The dossier was not submitted online" + ChannelPhrase(event) + "."});
        }
        break;
      case ApplicantStep::kSupplement:
        if (!HappenedOnline(event)) {
          verdict.reasons.push_back({NotOnlineReason::kSupplementInPerson, i,
                                     "A supplement was not sent online" + ChannelPhrase(event) +
                                         " (action " + event.action + ")."});
        }
        break;
      case ApplicantStep::kPayment:
        if (!HappenedOnline(event)) {
          verdict.reasons.push_back({NotOnlineReason::kFeePaidInPerson, i,
                                     "A fee was not paid online" + ChannelPhrase(event) +
                                         " (action " + event.action + ")."});
        }
        break;
      case ApplicantStep::kResultReturn:
        if (event.channel == Channel::kDesk) {
          verdict.reasons.push_back({NotOnlineReason::kResultCollectedInPerson, i,
                                     "The result was collected in person at the desk."});
        }
        break;
    }

    // The signature is judged once, where the result was first issued; a
    // fork's branch issues its own sub-result, judged once per branch.
    const State* reached = workflow.FindState(event.to_state);
    const std::string branch = EventBranch(event);
    if (!branch.empty()) {
      if (reached != nullptr && IssuesResult(*reached) && branches_checked.insert(branch).second &&
          !IsBranchResultSigned(workflow, dossier, branch)) {
        verdict.reasons.push_back(
            {NotOnlineReason::kResultNotSigned, i,
             "The result of branch " + branch +
                 " carries no verified digital signature over its result document."});
      }
    } else if (!result_checked && reached != nullptr && IssuesResult(*reached)) {
      result_checked = true;
      if (!dossier.result_document || !HasSignatureOver(dossier, "", *dossier.result_document)) {
        verdict.reasons.push_back(
            {NotOnlineReason::kResultNotSigned, i,
             "The result carries no verified digital signature over the result document."});
      }
    }
  }

  verdict.fully_online = verdict.reasons.empty();
  return verdict;
}

}  // namespace motcua
