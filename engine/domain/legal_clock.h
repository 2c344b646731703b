// legal_clock.h: due dates, pauses, extensions and timeliness of dossiers.
//
// Rules (../shared/DOMAIN.md, "Legal time"):
//  - A deadline of N working days counts N x (working minutes per day) of
//    office time from reception. Reception outside office hours counts from
//    the next opening.
//  - Same-day procedures: received by the cut-off (15:00) on a working day,
//    due at that day's close; later, or on a non-working day, due at the close
//    of the next working day.
//  - While paused (waiting for the applicant) no time counts: on resume the
//    due date moves to resume time + the working time that was left at pause.
//  - An extension (apology letter) replaces the due date with a later one.
//  - Early: finished on a local date before the due date's; late: finished
//    after the due instant; otherwise on time.
//  - A second supplement request makes the dossier count as late in the
//    national index, whatever the dates say.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/calendar.h"
#include "engine/domain/dossier.h"
#include "engine/domain/dossier_replay.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

enum class Timeliness { kEarly, kOnTime, kLate };
const char* TimelinessName(Timeliness t);  // "early", "on_time", "late"

// The appointment date for a dossier received at `received_at`.
// kUnavailable "calendar_exhausted" when the days from reception to the due
// date are not all covered by the calendar's year documents: without next
// year's file its holidays would count as working days. The operator's fault
// (add workflows/calendars/<country>-<year>.json), not the applicant's.
Result<Instant> DueDateAtReception(const WorkingCalendar& calendar, const Deadline& deadline,
                                   Instant received_at);

// Arguments some effects need (kExtend: both fields).
struct ClockEffectArgs {
  std::optional<Instant> new_due;
  std::string reason;
};

// The clock after `effect` at `now`. Effects on a clock in the wrong mode are
// no-ops where harmless (pause when not started or already paused, resume when
// not paused, stop when stopped). kFailedPrecondition when extending a clock
// that has not started or has stopped; kInvalidArgument (pointer
// "/appointment_date") when the new due date is missing, not after the
// current one, on a day that is not a working day (weekend, holiday), or on
// a day the calendar does not cover. kUnavailable "calendar_exhausted" when
// starting or resuming would set a due date beyond the calendar
// (DueDateAtReception). kStart into a paused state is expressed as kStart
// then kPause.
Result<LegalClock> ApplyClockEffect(const WorkingCalendar& calendar, const Deadline& deadline,
                                    const LegalClock& clock, ClockEffect effect, Instant now,
                                    const ClockEffectArgs& args = {});

// Early / on time / late for something done at `done` against `due`.
Timeliness JudgeTimeliness(const WorkingCalendar& calendar, Instant done, Instant due);

// Timeliness of a whole dossier at `now`.
struct DossierTimeliness {
  bool started = false;   // received
  bool finished = false;  // processing ended
  // For finished dossiers the verdict; for ones in progress, kLate once overdue,
  // else kOnTime. Empty before reception.
  std::optional<Timeliness> status;
  int supplement_requests = 0;
  bool counts_late_in_index = false;  // late, or more than one supplement request
};
// When the dossier entered its current state: the last event into it that
// is not bookkeeping (claims, releases, ratings, escalations); nullopt for a
// dossier without history.
std::optional<Instant> EnteredCurrentState(const Dossier& dossier);

// The engine's escalation of the dossier during its current stay in its
// state (an "escalate" event since EnteredCurrentState), or null.
const DossierEvent* EscalationDuringStay(const Dossier& dossier);

// When a dossier that entered a state with `sla` at `entered` overstays it:
// `sla.amount` working hours or working days later on `calendar`.
Instant SlaDeadline(const WorkingCalendar& calendar, const Sla& sla, Instant entered);

DossierTimeliness JudgeDossier(const WorkingCalendar& calendar, const Workflow& workflow,
                               const Dossier& dossier, Instant now);

// Working time from `now` until `due` on `calendar` (or, once overdue, since
// `due`): whole working days of the calendar's office day, then whole hours
// and minutes of the rest. Weekends, holidays and time outside office hours
// do not count; compensating Saturdays do.
struct WorkingTimeLeft {
  bool overdue = false;  // `due` is before `now`
  std::int64_t days = 0;
  std::int64_t hours = 0;
  std::int64_t minutes = 0;        // of the last hour
  std::int64_t total_minutes = 0;  // the whole span, in working minutes
};
WorkingTimeLeft WorkingTimeUntil(const WorkingCalendar& calendar, Instant now, Instant due);

// The working time left on a dossier's legal clock at `now`, frozen at the
// start of a pause while the dossier waits for the applicant; empty without
// a due date or once processing has ended.
std::optional<WorkingTimeLeft> TimeLeftOn(const WorkingCalendar& calendar, const LegalClock& clock,
                                          Instant now);

// What a work queue shows of a dossier's current stay, taken when the dossier
// is written so that a queue listing need not load any history: whether the
// engine escalated it during the stay, and its legal clock as TimeLeftOn
// reads it.
struct QueueGlance {
  bool escalated = false;               // EscalationDuringStay
  std::optional<Instant> due_at;        // empty once processing has ended
  std::optional<Instant> paused_since;  // the open pause's start, if paused
};
QueueGlance GlanceAt(const Dossier& dossier);
// TimeLeftOn for the clock the glance kept.
std::optional<WorkingTimeLeft> TimeLeftOn(const WorkingCalendar& calendar,
                                          const QueueGlance& glance, Instant now);

// One hand-off of the process control slip: the dossier sat in `state` from
// `entered` until `left` (empty while it is still there), handled by the
// actor of the leaving event.
struct HandOff {
  std::string state;
  std::string action;      // the action that left the state; empty if still there
  std::string given_by;    // user who handed the dossier into the state
  std::string handled_by;  // user who took the leaving action
  std::string agency;
  Instant entered;
  std::optional<Instant> left;
  std::optional<Instant> due;            // state SLA, else the dossier's due date
  std::optional<Timeliness> timeliness;  // empty while not due-bound or pending
  // The workflow version whose `state` this is (0 from the single-workflow
  // ProcessControlSlip, which does not know versions).
  std::int64_t definition_version = 0;
  // The fork's branch (fork.h) this stay belongs to; empty for the dossier's
  // own states. A fork hands the dossier to each branch's initial state when
  // it is entered; each stay is left by the next event of its own branch.
  std::string branch;
};
std::vector<HandOff> ProcessControlSlip(const WorkingCalendar& calendar, const Workflow& workflow,
                                        const Dossier& dossier, Instant now);

// How one branch of the dossier's latest fork run (fork.h) stands on its own
// agency's time: the due time of its current stay (its state's SLA, as the
// slip judges it), and whether one of its stays since the fork was entered
// ended late or is overdue at `now`. Each agency is judged on its branch
// only; the dossier's own due date still judges the whole.
struct BranchTime {
  std::optional<Instant> due;  // of the current stay; empty once the branch ended
  bool late = false;
};
// By branch id, for the branches of the dossier's latest fork run
// (LatestForkRun, fork.h): running, or ended and joined. Empty when the
// dossier never forked.
std::map<std::string, BranchTime> BranchTimes(const WorkingCalendar& calendar,
                                              const Workflow& workflow, const Dossier& dossier,
                                              Instant now);

// The same for a dossier whose history may cross workflow versions (a
// migration, workflow_migration.h): each stay is judged by the state of the
// version the dossier was on then (from `workflow_of`, as ReplayHistory
// walks them), and HandOff::definition_version names that version. A version
// `workflow_of` lacks leaves its stays unjudged, at the receiving agency.
std::vector<HandOff> ProcessControlSlip(const WorkingCalendar& calendar,
                                        const WorkflowOfVersion& workflow_of,
                                        const Dossier& dossier, Instant now);

}  // namespace motcua
