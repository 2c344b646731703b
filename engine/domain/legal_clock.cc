#include "engine/domain/legal_clock.h"

#include <algorithm>

#include "engine/domain/agency_roles.h"
#include "engine/domain/fork.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

// The open pause of `clock`, if the clock is paused now.
PausedInterval* OpenPause(LegalClock& clock) {
  if (clock.paused.empty() || clock.paused.back().to) return nullptr;
  return &clock.paused.back();
}

const PausedInterval* OpenPause(const LegalClock& clock) {
  if (clock.paused.empty() || clock.paused.back().to) return nullptr;
  return &clock.paused.back();
}

// The time the SLA of `sla` allows from `entered`.
Instant SlaDue(const WorkingCalendar& calendar, const Sla& sla, Instant entered) {
  const std::int64_t minutes =
      sla.in_hours ? std::int64_t{sla.amount} * 60 : sla.amount * calendar.WorkingMinutesPerDay();
  return calendar.AddWorkingMinutes(entered, minutes);
}

}  // namespace

const char* TimelinessName(Timeliness t) {
  switch (t) {
    case Timeliness::kEarly: return "early";
    case Timeliness::kOnTime: return "on_time";
    case Timeliness::kLate: return "late";
  }
  return "on_time";
}

// `due`, if the calendar covers every day from `from` to it; otherwise
// kUnavailable "calendar_exhausted".
Result<Instant> WithinCalendar(const WorkingCalendar& calendar, Instant from, Instant due) {
  const LocalDate first = calendar.LocalDateOf(from);
  const LocalDate last = calendar.LocalDateOf(due);
  if (calendar.CoversRange(first, last)) return due;
  const std::optional<LocalDate> until = calendar.CoveredUntil(first);
  const LocalDate missing =
      until ? LocalDate{std::chrono::sys_days{*until} + std::chrono::days{1}} : first;
  return Error(ErrorCode::kUnavailable,
               "the due date cannot be computed: the working-day calendar has no data for " +
                   std::to_string(static_cast<int>(missing.year())) +
                   " (its holidays are unknown); the operator must add that year's calendar "
                   "file (workflows/calendars)",
               ErrorReason::kCalendarExhausted);
}

Result<Instant> DueDateAtReception(const WorkingCalendar& calendar, const Deadline& deadline,
                                   Instant received_at) {
  if (deadline.same_day) {
    const LocalDate day = calendar.LocalDateOf(received_at);
    const bool by_cutoff = calendar.LocalMinuteOf(received_at) < deadline.cutoff_minutes ||
                           received_at == calendar.ToInstant(day, deadline.cutoff_minutes);
    if (!calendar.Covers(day)) return WithinCalendar(calendar, received_at, received_at);
    if (calendar.IsWorkingDay(day) && by_cutoff) return calendar.EndOfDay(day);
    return WithinCalendar(calendar, received_at, calendar.EndOfDay(calendar.NextWorkingDay(day)));
  }
  return WithinCalendar(calendar, received_at,
                        calendar.AddWorkingMinutes(
                            received_at, deadline.working_days * calendar.WorkingMinutesPerDay()));
}

Result<LegalClock> ApplyClockEffect(const WorkingCalendar& calendar, const Deadline& deadline,
                                    const LegalClock& clock, ClockEffect effect, Instant now,
                                    const ClockEffectArgs& args) {
  LegalClock next = clock;
  switch (effect) {
    case ClockEffect::kNone: break;
    case ClockEffect::kStart:
      // A dossier is received once; a later start (e.g. after a resubmission
      // that went back through reception) keeps the first reception.
      if (!next.received_at) {
        ASSIGN_OR_RETURN(Instant due, DueDateAtReception(calendar, deadline, now));
        next.received_at = now;
        next.due_at = due;
      }
      break;
    case ClockEffect::kPause:
      if (next.received_at && !next.finished_at && OpenPause(next) == nullptr) {
        next.paused.push_back({now, std::nullopt});
      }
      break;
    case ClockEffect::kResume:
      if (PausedInterval* pause = OpenPause(next)) {
        pause->to = now;
        // The working time that was left when the clock stopped counts again
        // from now. A dossier already overdue at the pause stays overdue.
        if (next.due_at && *next.due_at > pause->from) {
          const std::int64_t left = calendar.WorkingMinutesBetween(pause->from, *next.due_at);
          ASSIGN_OR_RETURN(Instant due,
                           WithinCalendar(calendar, now, calendar.AddWorkingMinutes(now, left)));
          next.due_at = due;
        }
      }
      break;
    case ClockEffect::kExtend:
      if (!next.received_at || next.finished_at) {
        return Error(ErrorCode::kFailedPrecondition,
                     "only a dossier in processing can get a new appointment date",
                     ErrorReason::kClockNotRunning);
      }
      if (!args.new_due) {
        return Error(ErrorCode::kInvalidArgument, "a new appointment date is required",
                     ErrorReason::kInvalidPayload, {{"/appointment_date", "is required"}});
      }
      if (next.due_at && *args.new_due <= *next.due_at) {
        return Error(ErrorCode::kInvalidArgument,
                     "the new appointment date must be later than the current one",
                     ErrorReason::kInvalidPayload,
                     {{"/appointment_date", "must be later than the current appointment date"}});
      }
      if (const LocalDate day = calendar.LocalDateOf(*args.new_due); !calendar.Covers(day)) {
        return Error(
            ErrorCode::kInvalidArgument,
            "the new appointment date lies beyond the working-day calendar",
            ErrorReason::kInvalidPayload,
            {{"/appointment_date", "lies in a year the working-day calendar does not cover"}});
      } else if (!calendar.IsWorkingDay(day)) {
        return Error(
            ErrorCode::kInvalidArgument, "the new appointment date is not a working day",
            ErrorReason::kInvalidPayload,
            {{"/appointment_date", "must be a working day (not a weekend day or public holiday)"}});
      }
      next.extensions.push_back({now, *args.new_due, args.reason});
      next.due_at = args.new_due;
      break;
    case ClockEffect::kStop:
      if (!next.finished_at) {
        if (PausedInterval* pause = OpenPause(next)) pause->to = now;
        next.finished_at = now;
      }
      break;
  }
  return next;
}

Timeliness JudgeTimeliness(const WorkingCalendar& calendar, Instant done, Instant due) {
  if (done > due) return Timeliness::kLate;
  if (calendar.LocalDateOf(done) < calendar.LocalDateOf(due)) return Timeliness::kEarly;
  return Timeliness::kOnTime;
}

DossierTimeliness JudgeDossier(const WorkingCalendar& calendar, const Workflow& workflow,
                               const Dossier& dossier, Instant now) {
  DossierTimeliness result;
  const LegalClock& clock = dossier.clock;
  // Supplement requests during processing: moves into a supplement state
  // whose clock is paused. Requests before reception (clock not started) ask
  // for a complete dossier and are not counted.
  for (const DossierEvent& event : dossier.history) {
    const State* to = workflow.FindState(event.to_state);
    if (to != nullptr && to->status == NationalStatus::kSupplementRequested &&
        to->clock == ClockMode::kPaused) {
      ++result.supplement_requests;
    }
  }
  result.started = clock.received_at.has_value();
  result.finished = clock.finished_at.has_value();
  if (result.started && clock.due_at) {
    if (result.finished) {
      result.status = JudgeTimeliness(calendar, *clock.finished_at, *clock.due_at);
    } else {
      // While paused, the due date is frozen at the pause: judge at its start.
      const PausedInterval* pause = OpenPause(clock);
      const Instant at = pause != nullptr ? pause->from : now;
      result.status = at > *clock.due_at ? Timeliness::kLate : Timeliness::kOnTime;
    }
  }
  result.counts_late_in_index =
      result.status == Timeliness::kLate || result.supplement_requests > 1;
  return result;
}

std::vector<HandOff> ProcessControlSlip(const WorkingCalendar& calendar, const Workflow& workflow,
                                        const Dossier& dossier, Instant now) {
  std::vector<HandOff> slip = ProcessControlSlip(
      calendar, [&workflow](std::int64_t) { return &workflow; }, dossier, now);
  for (HandOff& hand_off : slip) hand_off.definition_version = 0;
  return slip;
}

std::vector<HandOff> ProcessControlSlip(const WorkingCalendar& calendar,
                                        const WorkflowOfVersion& workflow_of,
                                        const Dossier& dossier, Instant now) {
  std::vector<HandOff> slip;
  std::vector<DossierEvent> history;
  std::vector<std::string> lanes;  // each event's branch; empty for the dossier's own
  for (const DossierEvent& event : dossier.history) {
    if (IsBookkeepingEvent(event)) continue;
    history.push_back(event);
    lanes.push_back(EventBranch(event));
  }
  // The event after `i` that leaves a stay in `lane`: the next one of the
  // same lane. A branch's stays end at the latest with the dossier's next own
  // event (the join, or an action that leaves the fork).
  auto leaving_after = [&](std::size_t i, const std::string& lane) -> const DossierEvent* {
    for (std::size_t j = i + 1; j < history.size(); ++j) {
      if (lanes[j] == lane) return &history[j];
      if (!lane.empty() && lanes[j].empty()) return nullptr;
    }
    return nullptr;
  };
  auto judge = [&](HandOff& hand_off, const State* state) {
    // A stay is judged against the state's own SLA; without one, time in a
    // state where the legal clock runs is judged against the dossier's due
    // date. Waiting for the applicant and ended states are not judged.
    if (state != nullptr && !state->terminal) {
      if (state->sla) {
        hand_off.due = SlaDue(calendar, *state->sla, hand_off.entered);
      } else if (state->clock == ClockMode::kRunning && dossier.clock.due_at) {
        hand_off.due = dossier.clock.due_at;
      }
    }
    if (hand_off.due) {
      if (hand_off.left) {
        hand_off.timeliness = JudgeTimeliness(calendar, *hand_off.left, *hand_off.due);
      } else if (now > *hand_off.due) {
        hand_off.timeliness = Timeliness::kLate;
      }
    }
  };
  std::int64_t version = StartingVersion(dossier.definition_version, dossier.history);
  for (std::size_t i = 0; i < history.size(); ++i) {
    const DossierEvent& entry = history[i];
    if (std::optional<std::int64_t> to = MigrateEventVersion(entry, "to_version")) version = *to;
    const Workflow* workflow = workflow_of(version);
    auto stay = [&](const std::string& state_id, const std::string& lane) {
      HandOff hand_off;
      hand_off.state = state_id;
      hand_off.branch = lane;
      hand_off.definition_version = version;
      hand_off.given_by = entry.actor.user_id;
      hand_off.entered = entry.at;
      hand_off.agency =
          workflow != nullptr ? HandlingAgency(*workflow, dossier, state_id) : dossier.agency;
      if (const DossierEvent* leaving = leaving_after(i, lane)) {
        hand_off.action = leaving->action;
        hand_off.handled_by = leaving->actor.user_id;
        hand_off.left = leaving->at;
      }
      judge(hand_off, workflow != nullptr ? workflow->FindState(state_id) : nullptr);
      slip.push_back(std::move(hand_off));
    };
    stay(entry.to_state, lanes[i]);
    const State* entered =
        workflow != nullptr && lanes[i].empty() && entry.from_state != entry.to_state
            ? workflow->FindState(entry.to_state)
            : nullptr;
    if (entered != nullptr && entered->fork) {
      for (const auto& [branch, position] : StartBranches(*entered, entry)) {
        stay(position.state, branch);
      }
    }
  }
  return slip;
}

std::map<std::string, BranchTime> BranchTimes(const WorkingCalendar& calendar,
                                              const Workflow& workflow, const Dossier& dossier,
                                              Instant now) {
  std::map<std::string, BranchTime> times;
  const std::optional<ForkRun> run = LatestForkRun(workflow, dossier);
  if (!run) return times;
  const Instant started = dossier.history[run->entry].at;
  for (const auto& [branch, position] : BranchPositionsIn(dossier, *run)) times[branch];
  for (const HandOff& hand_off : ProcessControlSlip(calendar, workflow, dossier, now)) {
    auto time = times.find(hand_off.branch);
    if (time == times.end() || hand_off.entered < started) continue;
    if (hand_off.timeliness == Timeliness::kLate) time->second.late = true;
    if (!hand_off.left) time->second.due = hand_off.due;
  }
  return times;
}

std::optional<Instant> EnteredCurrentState(const Dossier& dossier) {
  for (auto it = dossier.history.rbegin(); it != dossier.history.rend(); ++it) {
    if (it->to_state == dossier.state && !IsBookkeepingEvent(*it)) return it->at;
  }
  return std::nullopt;
}

WorkingTimeLeft WorkingTimeUntil(const WorkingCalendar& calendar, Instant now, Instant due) {
  WorkingTimeLeft left;
  left.overdue = due < now;
  left.total_minutes = left.overdue ? calendar.WorkingMinutesBetween(due, now)
                                    : calendar.WorkingMinutesBetween(now, due);
  const std::int64_t per_day = std::max<std::int64_t>(calendar.WorkingMinutesPerDay(), 1);
  left.days = left.total_minutes / per_day;
  left.hours = (left.total_minutes % per_day) / 60;
  left.minutes = (left.total_minutes % per_day) % 60;
  return left;
}

namespace {

QueueGlance GlanceAtClock(const LegalClock& clock) {
  QueueGlance glance;
  if (clock.finished_at) return glance;
  glance.due_at = clock.due_at;
  if (!clock.paused.empty() && !clock.paused.back().to)
    glance.paused_since = clock.paused.back().from;
  return glance;
}

}  // namespace

std::optional<WorkingTimeLeft> TimeLeftOn(const WorkingCalendar& calendar, const LegalClock& clock,
                                          Instant now) {
  return TimeLeftOn(calendar, GlanceAtClock(clock), now);
}

std::optional<WorkingTimeLeft> TimeLeftOn(const WorkingCalendar& calendar,
                                          const QueueGlance& glance, Instant now) {
  if (!glance.due_at) return std::nullopt;
  return WorkingTimeUntil(calendar, glance.paused_since.value_or(now), *glance.due_at);
}

QueueGlance GlanceAt(const Dossier& dossier) {
  QueueGlance glance = GlanceAtClock(dossier.clock);
  glance.escalated = EscalationDuringStay(dossier) != nullptr;
  return glance;
}

const DossierEvent* EscalationDuringStay(const Dossier& dossier) {
  const std::optional<Instant> entered = EnteredCurrentState(dossier);
  if (!entered) return nullptr;
  for (auto it = dossier.history.rbegin(); it != dossier.history.rend() && it->at >= *entered;
       ++it) {
    if (it->action == kEscalateAction) return &*it;
  }
  return nullptr;
}

Instant SlaDeadline(const WorkingCalendar& calendar, const Sla& sla, Instant entered) {
  const std::int64_t minutes = sla.in_hours
                                   ? std::int64_t{sla.amount} * 60
                                   : std::int64_t{sla.amount} * calendar.WorkingMinutesPerDay();
  return calendar.AddWorkingMinutes(entered, minutes);
}

}  // namespace motcua
