// report_facts.h: one row of report facts per dossier, kept incrementally.
//
// Reports for admins and auditors (report_query.h, national_index.h) must
// stay fast at millions of dossiers, so they never replay histories: every
// CreateDossier and CommitTransition writes the dossier's facts row in the
// same store transaction, computed here from the dossier as it is after the
// write. A row therefore always describes the dossier's latest committed
// version. Facts that change with the passage of time alone (an in-progress
// dossier becoming overdue) are not stored: the row keeps `due_at` and
// `paused_at`, and the report query compares them with its own "now".
//
// Pure: no I/O, no clock. "Now" for the timeliness verdict is the time of the
// dossier's last event (the moment the row is written).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/calendar.h"
#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/rating.h"
#include "engine/domain/workflow.h"

namespace motcua {

// How a finished dossier ended. kNotReceived is a terminal state with
// national status 3 (refused at reception); the others are the terminal
// state's Outcome.
enum class ReportOutcome { kApproved, kRefused, kWithdrawn, kStopped, kNotReceived };
const char* ReportOutcomeName(ReportOutcome outcome);  // "approved", ..., "not_received"
std::optional<ReportOutcome> ReportOutcomeFromName(const std::string& name);

// Satisfaction ratings are rating.h's scores (kLowestScore..kHighestScore);
// from kSatisfiedFromScore up a rating counts as satisfied (national_index.h).

struct ReportFacts {
  std::string dossier_code;
  std::string agency;  // the receiving agency; reports are scoped by it
  std::string procedure_code;
  Instant submitted_at;         // the creating event's time
  std::string submitted_month;  // "YYYY-MM" of submitted_at in legal (UTC+7) time
  std::optional<Instant> received_at;
  bool submitted_online = false;  // the submission step's channel was online
  // Set once processing ended: the legal clock stopped (status 9 counts as
  // ended, DOMAIN.md), or the dossier reached a terminal state without
  // stopping a clock (e.g. refused at reception): then the time it got there.
  std::optional<Instant> finished_at;
  std::optional<ReportOutcome> outcome;  // set in terminal states only
  std::optional<Instant> due_at;
  // Start of the open pause while the dossier waits for the applicant; the
  // due date is frozen then, so an overdue check uses this instead of "now".
  std::optional<Instant> paused_at;
  // Early / on time / late of a finished, received dossier (paused time
  // excluded: JudgeDossier); empty otherwise.
  std::optional<Timeliness> timeliness;
  // JudgeDossier's verdict at the write: late, or a second supplement request.
  // For a dossier in progress the report query also counts it late once
  // `due_at` passes (see report_query.h).
  bool counts_late_in_index = false;
  // Finished, and JudgeFullyOnline found no step that happened in person.
  bool fully_online = false;
  bool fee_bearing = false;  // the procedure charges a fee (some amount > 0)
  // A payment step happened online: channel online, or recorded by the
  // engine itself without a channel (a payment gateway's callback), the same
  // rule as fully_online.h.
  bool paid_online = false;
  bool has_result = false;         // a result document is attached
  bool electronic_result = false;  // ... and a recorded signature covers it
  // Documents attached to the dossier (Dossier::documents). Every attached
  // document was uploaded electronically (the engine has no other way to
  // attach one), so all of them count as digitized.
  std::int64_t documents_total = 0;
  std::int64_t documents_digitized = 0;
  // Attached documents the applicant did not upload for this dossier: a
  // result issued to them, or a paper already attached to another dossier
  // (Dossier::reused_documents).
  std::int64_t documents_reused = 0;
  // The applicant submitted in their own session at an identity provider, so
  // their identity and data came from the national population database
  // (IdentityVerifiedBy, identity_claims.h).
  bool population_data = false;
  std::optional<int> rating;  // the applicant's score (rating.h), once rated
};

// The facts of `dossier` as it is now. `workflow` is the version the
// dossier is pinned to.
ReportFacts ComputeReportFacts(const Workflow& workflow, const Dossier& dossier,
                               const WorkingCalendar& calendar);

// One row of report facts per fork branch (fork.h) of a dossier, for the
// agency that handled the branch. Each agency's on-time figure counts only
// its own branch's time (BranchTimes, legal_clock.h); the dossier's row still
// judges the whole dossier for the receiving agency. Kept like ReportFacts:
// written with every transition of a dossier that forked, describing its
// latest fork run as it is after the write.
struct BranchReportFacts {
  std::string dossier_code;
  std::string branch;  // the branch's id in the fork
  std::string agency;  // the agency that handles (or handled) the branch
  std::string procedure_code;
  Instant started_at;                    // when the fork started it
  std::optional<Instant> finished_at;    // when it reached its end
  std::optional<ReportOutcome> outcome;  // kApproved or kRefused, once ended
  std::optional<Instant> due_at;         // the running branch's current step
  // A step of the branch ended late, or the current one was overdue when
  // the row was written; a running branch also counts late once `due_at`
  // passes (report_query.h).
  bool late = false;

  friend bool operator==(const BranchReportFacts&, const BranchReportFacts&) = default;
};

// The branch facts of `dossier`'s latest fork run (LatestForkRun), by branch
// id; empty when it never forked. "Now" is the time of its last event.
std::vector<BranchReportFacts> ComputeBranchReportFacts(const Workflow& workflow,
                                                        const Dossier& dossier,
                                                        const WorkingCalendar& calendar);

}  // namespace motcua
