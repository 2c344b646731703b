#include "engine/domain/report_facts.h"

#include <algorithm>
#include <map>
#include <set>

#include "engine/domain/agency_roles.h"
#include "engine/domain/fork.h"
#include "engine/domain/fully_online.h"
#include "engine/domain/identity_claims.h"
#include "engine/domain/result_attachment.h"
#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

// "YYYY-MM" of a local date.
std::string MonthKey(LocalDate date) {
  return FormatRfc3339Date(date).substr(0, 7);
}

std::optional<ReportOutcome> OutcomeOf(const State& state) {
  if (!state.terminal) return std::nullopt;
  if (state.status == NationalStatus::kNotReceived) return ReportOutcome::kNotReceived;
  switch (state.outcome) {
    case Outcome::kApproved: return ReportOutcome::kApproved;
    case Outcome::kRefused: return ReportOutcome::kRefused;
    case Outcome::kWithdrawn: return ReportOutcome::kWithdrawn;
    case Outcome::kStopped: return ReportOutcome::kStopped;
    case Outcome::kNone: return std::nullopt;  // lint forbids this on terminal states
  }
  return std::nullopt;
}

bool PaidOnline(const Dossier& dossier) {
  return std::any_of(dossier.history.begin(), dossier.history.end(), [](const DossierEvent& e) {
    return e.step == ApplicantStep::kPayment &&
           (!e.channel.has_value() || *e.channel == Channel::kOnline);
  });
}

bool ChargesFee(const Procedure& procedure) {
  return std::any_of(procedure.fees.begin(), procedure.fees.end(),
                     [](const Fee& fee) { return fee.desk_amount > 0 || fee.online_amount > 0; });
}

// Attached documents some event recorded as reused (kReusedDocumentsField).
std::int64_t CountReused(const Dossier& dossier) {
  std::set<std::string> reused;
  for (const DossierEvent& event : dossier.history) {
    auto ids = event.payload.find(kReusedDocumentsField);
    if (ids == event.payload.end() || !ids->is_array()) continue;
    for (const nlohmann::json& id : *ids) {
      if (id.is_string()) reused.insert(id.get<std::string>());
    }
  }
  std::int64_t count = 0;
  for (const auto& [key, id] : dossier.documents) count += reused.count(id) > 0 ? 1 : 0;
  return count;
}

}  // namespace

const char* ReportOutcomeName(ReportOutcome outcome) {
  switch (outcome) {
    case ReportOutcome::kApproved: return "approved";
    case ReportOutcome::kRefused: return "refused";
    case ReportOutcome::kWithdrawn: return "withdrawn";
    case ReportOutcome::kStopped: return "stopped";
    case ReportOutcome::kNotReceived: return "not_received";
  }
  return "unknown";
}

std::optional<ReportOutcome> ReportOutcomeFromName(const std::string& name) {
  for (ReportOutcome outcome :
       {ReportOutcome::kApproved, ReportOutcome::kRefused, ReportOutcome::kWithdrawn,
        ReportOutcome::kStopped, ReportOutcome::kNotReceived}) {
    if (name == ReportOutcomeName(outcome)) return outcome;
  }
  return std::nullopt;
}

ReportFacts ComputeReportFacts(const Workflow& workflow, const Dossier& dossier,
                               const WorkingCalendar& calendar) {
  ReportFacts facts;
  if (std::optional<SatisfactionRating> rating = RatingOf(dossier)) facts.rating = rating->score;
  facts.dossier_code = dossier.code;
  facts.agency = dossier.agency;
  facts.procedure_code = dossier.procedure_code;
  const Instant now = dossier.history.empty() ? Instant{} : dossier.history.back().at;
  facts.submitted_at = dossier.history.empty() ? Instant{} : dossier.history.front().at;
  facts.submitted_month = MonthKey(calendar.LocalDateOf(facts.submitted_at));
  for (const DossierEvent& event : dossier.history) {
    if (event.step == ApplicantStep::kSubmission) {
      facts.submitted_online = event.channel == Channel::kOnline;
      break;
    }
  }

  const LegalClock& clock = dossier.clock;
  facts.received_at = clock.received_at;
  facts.due_at = clock.due_at;
  if (!clock.paused.empty() && !clock.paused.back().to) facts.paused_at = clock.paused.back().from;

  const State* state = workflow.FindState(dossier.state);
  if (state != nullptr) facts.outcome = OutcomeOf(*state);
  if (clock.finished_at) {
    facts.finished_at = clock.finished_at;
  } else if (state != nullptr && state->terminal) {
    facts.finished_at = EnteredCurrentState(dossier);
  }

  const DossierTimeliness timeliness = JudgeDossier(calendar, workflow, dossier, now);
  if (timeliness.started && timeliness.finished) facts.timeliness = timeliness.status;
  facts.counts_late_in_index = timeliness.counts_late_in_index;

  facts.fully_online =
      facts.finished_at.has_value() && JudgeFullyOnline(workflow, dossier).fully_online;
  facts.fee_bearing = ChargesFee(workflow.procedure);
  facts.paid_online = PaidOnline(dossier);

  facts.has_result = dossier.result_document.has_value();
  facts.electronic_result =
      facts.has_result && HasSignatureOver(dossier, "", *dossier.result_document);
  facts.documents_total = static_cast<std::int64_t>(dossier.documents.size());
  facts.documents_digitized = facts.documents_total;  // see ReportFacts::documents_digitized
  facts.documents_reused = CountReused(dossier);
  facts.population_data = IdentityVerifiedBy(dossier).has_value();
  return facts;
}

std::vector<BranchReportFacts> ComputeBranchReportFacts(const Workflow& workflow,
                                                        const Dossier& dossier,
                                                        const WorkingCalendar& calendar) {
  std::vector<BranchReportFacts> rows;
  const std::optional<ForkRun> run = LatestForkRun(workflow, dossier);
  if (!run || dossier.history.empty()) return rows;
  const Instant now = dossier.history.back().at;
  const std::map<std::string, BranchTime> times = BranchTimes(calendar, workflow, dossier, now);
  const auto& history = dossier.history.get();
  const std::size_t end = run->join.value_or(history.size());
  for (const auto& [branch, position] : BranchPositionsIn(dossier, *run)) {
    BranchReportFacts facts;
    facts.dossier_code = dossier.code;
    facts.branch = branch;
    facts.agency = HandlingAgency(workflow, dossier, position.state);
    facts.procedure_code = dossier.procedure_code;
    facts.started_at = history[run->entry].at;
    const State* state = workflow.FindState(position.state);
    if (state != nullptr && state->terminal) {
      facts.outcome =
          state->outcome == Outcome::kApproved ? ReportOutcome::kApproved : ReportOutcome::kRefused;
      for (std::size_t i = end; i-- > run->entry + 1;) {
        if (EventBranch(history[i]) == branch && history[i].to_state == position.state &&
            !IsBookkeepingEvent(history[i])) {
          facts.finished_at = history[i].at;
          break;
        }
      }
    }
    if (auto time = times.find(branch); time != times.end()) {
      facts.late = time->second.late;
      if (!facts.outcome) facts.due_at = time->second.due;
    }
    rows.push_back(std::move(facts));
  }
  return rows;
}

}  // namespace motcua
