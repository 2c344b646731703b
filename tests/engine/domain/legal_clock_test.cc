#include "engine/domain/legal_clock.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using std::chrono::sys_days;

const WorkingCalendar& Vietnam() {
  static const WorkingCalendar calendar = BundledCalendar();
  return calendar;
}

const Workflow& PermanentResidence() {
  static const Workflow workflow = BundledWorkflow("workflows/1.004222-permanent-residence.json");
  return workflow;
}

Instant Local(std::chrono::year_month_day date, int hour, int minute, int second = 0) {
  return Instant{sys_days{date}} + std::chrono::hours{hour - 7} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

Deadline WorkingDays(int n) {
  return Deadline{false, n, 15 * 60};
}
Deadline SameDay() {
  return Deadline{true, 0, 15 * 60};
}

TEST_CASE("legal clock: due date at reception, including the 15:00 rule") {
  struct Case {
    const char* what;
    Deadline deadline;
    Instant received;
    Instant due;
  };
  const Case cases[] = {
      {"same day, before 15:00", SameDay(), Local(2026y / 3 / 2, 14, 59),
       Local(2026y / 3 / 2, 17, 0)},
      {"same day, exactly 15:00", SameDay(), Local(2026y / 3 / 2, 15, 0),
       Local(2026y / 3 / 2, 17, 0)},
      {"same day, 15:00:01", SameDay(), Local(2026y / 3 / 2, 15, 0, 1),
       Local(2026y / 3 / 3, 17, 0)},
      {"same day, after 15:00 on a Friday", SameDay(), Local(2026y / 3 / 6, 15, 1),
       Local(2026y / 3 / 9, 17, 0)},
      {"same day, after 15:00 before two holidays", SameDay(), Local(2026y / 4 / 29, 15, 30),
       Local(2026y / 5 / 4, 17, 0)},
      {"same day, on a Saturday", SameDay(), Local(2026y / 3 / 7, 9, 0),
       Local(2026y / 3 / 9, 17, 0)},
      {"three days from Friday 16:00", WorkingDays(3), Local(2026y / 3 / 6, 16, 0),
       Local(2026y / 3 / 11, 16, 0)},
      {"three days from a Saturday", WorkingDays(3), Local(2026y / 3 / 7, 10, 0),
       Local(2026y / 3 / 11, 17, 0)},
      {"five days from Monday 08:00", WorkingDays(5), Local(2026y / 3 / 2, 8, 0),
       Local(2026y / 3 / 9, 8, 0)},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.what));
    CHECK(DueDateAtReception(Vietnam(), c.deadline, c.received).value() == c.due);
  }
}

// Regression (issue 14.15): with no VN-2027 file, a 1-day dossier received on
// Thursday 31 December 2026 at 16:00 was due on 1 January 2027, a public
// holiday, because an uncovered year counted every weekday as working.
TEST_CASE("legal clock: a due date in a year without calendar data is refused") {
  const Deadline one_day = WorkingDays(1);
  const Instant new_years_eve = Local(2026y / 12 / 31, 16, 0);
  Result<WorkingCalendar> through_2026 = WorkingCalendar::FromJson(
      {LoadJson("workflows/calendars/VN-2025.json"), LoadJson("workflows/calendars/VN-2026.json")});
  REQUIRE(through_2026.ok());
  Result<Instant> refused = DueDateAtReception(*through_2026, one_day, new_years_eve);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kUnavailable);
  CHECK(refused.error().reason() == ErrorReason::kCalendarExhausted);
  CHECK(refused.error().message().find("2027") != std::string::npos);
  // Starting the clock fails the same way, so the reception is not recorded.
  Result<LegalClock> start =
      ApplyClockEffect(*through_2026, one_day, LegalClock{}, ClockEffect::kStart, new_years_eve);
  REQUIRE_FALSE(start.ok());
  CHECK(start.error().reason() == ErrorReason::kCalendarExhausted);

  // With VN-2027 (1 January a holiday, then the weekend): one hour on 31
  // December and seven on Monday 4 January.
  CHECK(DueDateAtReception(Vietnam(), one_day, new_years_eve).value() ==
        Local(2027y / 1 / 4, 16, 0));
  // Beyond the last covered year, refused again; same-day procedures too.
  CHECK(DueDateAtReception(Vietnam(), WorkingDays(3), Local(2027y / 12 / 30, 10, 0))
            .error()
            .reason() == ErrorReason::kCalendarExhausted);
  CHECK(DueDateAtReception(Vietnam(), SameDay(), Local(2027y / 12 / 31, 16, 0)).error().reason() ==
        ErrorReason::kCalendarExhausted);
  CHECK(DueDateAtReception(Vietnam(), SameDay(), Local(2028y / 1 / 3, 9, 0)).error().reason() ==
        ErrorReason::kCalendarExhausted);
  CHECK(DueDateAtReception(Vietnam(), SameDay(), Local(2027y / 12 / 31, 9, 0)).value() ==
        Local(2027y / 12 / 31, 17, 0));

  // Resuming a paused clock whose remaining time runs past the calendar.
  Result<LegalClock> clock = ApplyClockEffect(Vietnam(), WorkingDays(5), LegalClock{},
                                              ClockEffect::kStart, Local(2027y / 12 / 1, 8, 0));
  REQUIRE(clock.ok());
  clock = ApplyClockEffect(Vietnam(), WorkingDays(5), *clock, ClockEffect::kPause,
                           Local(2027y / 12 / 2, 8, 0));
  REQUIRE(clock.ok());
  Result<LegalClock> resumed = ApplyClockEffect(Vietnam(), WorkingDays(5), *clock,
                                                ClockEffect::kResume, Local(2027y / 12 / 29, 8, 0));
  REQUIRE_FALSE(resumed.ok());
  CHECK(resumed.error().reason() == ErrorReason::kCalendarExhausted);
}

// Regression (issue 14.16): extend_deadline accepted a Sunday as the new
// appointment date.
TEST_CASE("legal clock: a new appointment date must be a working day the calendar covers") {
  const Deadline deadline = WorkingDays(5);
  Result<LegalClock> clock = ApplyClockEffect(Vietnam(), deadline, LegalClock{},
                                              ClockEffect::kStart, Local(2026y / 3 / 2, 8, 0));
  REQUIRE(clock.ok());
  struct Case {
    const char* what;
    Instant new_due;
  };
  const Case refused[] = {
      {"a Sunday", Local(2026y / 3 / 15, 17, 0)},
      {"a Saturday", Local(2026y / 3 / 14, 10, 0)},
      {"Reunification Day", Local(2026y / 4 / 30, 17, 0)},
      {"a year the calendar does not cover", Local(2030y / 3 / 13, 17, 0)},
  };
  for (const Case& c : refused) {
    INFO(c.what);
    Result<LegalClock> extended =
        ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kExtend,
                         Local(2026y / 3 / 4, 8, 0), ClockEffectArgs{c.new_due, "inspection"});
    REQUIRE_FALSE(extended.ok());
    CHECK(extended.error().code() == ErrorCode::kInvalidArgument);
    REQUIRE(extended.error().fields().size() == 1);
    CHECK(extended.error().fields()[0].pointer == "/appointment_date");
  }
  CHECK(ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kExtend,
                         Local(2026y / 3 / 4, 8, 0),
                         ClockEffectArgs{Local(2026y / 3 / 16, 17, 0), "inspection"})
            .ok());
}

TEST_CASE("legal clock: a pause moves the due date by exactly the paused working time") {
  const Deadline deadline = WorkingDays(5);
  Result<LegalClock> clock = ApplyClockEffect(Vietnam(), deadline, LegalClock{},
                                              ClockEffect::kStart, Local(2026y / 3 / 2, 8, 0));
  REQUIRE(clock.ok());
  CHECK(clock->due_at == Local(2026y / 3 / 9, 8, 0));

  clock = ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kPause,
                           Local(2026y / 3 / 3, 8, 0));
  REQUIRE(clock.ok());
  REQUIRE(clock->paused.size() == 1);
  CHECK_FALSE(clock->paused[0].to.has_value());

  // A second pause while paused changes nothing.
  Result<LegalClock> again = ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kPause,
                                              Local(2026y / 3 / 4, 8, 0));
  REQUIRE(again.ok());
  CHECK(again->paused.size() == 1);

  // Paused Tuesday 08:00 to Thursday 08:00: two working days.
  clock = ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kResume,
                           Local(2026y / 3 / 5, 8, 0));
  REQUIRE(clock.ok());
  CHECK(clock->paused[0].to == Local(2026y / 3 / 5, 8, 0));
  CHECK(clock->due_at == Local(2026y / 3 / 11, 8, 0));
}

TEST_CASE("legal clock: a pause across the Tết holidays excludes the paused time only") {
  const Deadline deadline = WorkingDays(5);
  // Received Monday 9 February 2026: five working days end on Monday 23 February,
  // after the Tết break of 16-20 February.
  Result<LegalClock> clock = ApplyClockEffect(Vietnam(), deadline, LegalClock{},
                                              ClockEffect::kStart, Local(2026y / 2 / 9, 8, 0));
  REQUIRE(clock.ok());
  CHECK(clock->due_at == Local(2026y / 2 / 23, 8, 0));
  // Paused Wednesday 11 February with three working days left; resumed after Tết.
  clock = ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kPause,
                           Local(2026y / 2 / 11, 8, 0));
  REQUIRE(clock.ok());
  clock = ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kResume,
                           Local(2026y / 2 / 24, 8, 0));
  REQUIRE(clock.ok());
  CHECK(clock->due_at == Local(2026y / 2 / 27, 8, 0));
}

TEST_CASE("legal clock: extensions need a later date and a running clock") {
  const Deadline deadline = WorkingDays(5);
  ClockEffectArgs later{Local(2026y / 3 / 13, 17, 0), "Site inspection needed"};
  Result<LegalClock> not_started = ApplyClockEffect(
      Vietnam(), deadline, LegalClock{}, ClockEffect::kExtend, Local(2026y / 3 / 2, 8, 0), later);
  REQUIRE_FALSE(not_started.ok());
  CHECK(not_started.error().code() == ErrorCode::kFailedPrecondition);

  Result<LegalClock> clock = ApplyClockEffect(Vietnam(), deadline, LegalClock{},
                                              ClockEffect::kStart, Local(2026y / 3 / 2, 8, 0));
  REQUIRE(clock.ok());
  ClockEffectArgs earlier{Local(2026y / 3 / 6, 17, 0), "Too early"};
  Result<LegalClock> rejected = ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kExtend,
                                                 Local(2026y / 3 / 4, 8, 0), earlier);
  REQUIRE_FALSE(rejected.ok());
  CHECK(rejected.error().code() == ErrorCode::kInvalidArgument);
  REQUIRE(rejected.error().fields().size() == 1);
  CHECK(rejected.error().fields()[0].pointer == "/appointment_date");

  Result<LegalClock> missing = ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kExtend,
                                                Local(2026y / 3 / 4, 8, 0), ClockEffectArgs{});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().fields()[0].pointer == "/appointment_date");

  Result<LegalClock> extended = ApplyClockEffect(Vietnam(), deadline, *clock, ClockEffect::kExtend,
                                                 Local(2026y / 3 / 4, 8, 0), later);
  REQUIRE(extended.ok());
  CHECK(extended->due_at == Local(2026y / 3 / 13, 17, 0));
  REQUIRE(extended->extensions.size() == 1);
  CHECK(extended->extensions[0].reason == "Site inspection needed");
  CHECK(extended->extensions[0].at == Local(2026y / 3 / 4, 8, 0));
}

TEST_CASE("legal clock: early, on time and late at the boundaries") {
  const Instant due = Local(2026y / 3 / 9, 8, 0);
  CHECK(JudgeTimeliness(Vietnam(), Local(2026y / 3 / 6, 16, 0), due) == Timeliness::kEarly);
  CHECK(JudgeTimeliness(Vietnam(), Local(2026y / 3 / 9, 7, 59), due) == Timeliness::kOnTime);
  CHECK(JudgeTimeliness(Vietnam(), due, due) == Timeliness::kOnTime);
  CHECK(JudgeTimeliness(Vietnam(), due + 1s, due) == Timeliness::kLate);
  CHECK(std::string(TimelinessName(Timeliness::kOnTime)) == "on_time");
}

DossierEvent Event(const std::string& action, const std::string& from, const std::string& to,
                   const std::string& user, Instant at) {
  DossierEvent event;
  event.action = action;
  event.from_state = from;
  event.to_state = to;
  event.actor = Actor{user, {}, "000.00.01.H26"};
  event.at = at;
  return event;
}

TEST_CASE("legal clock: a second supplement request counts as late in the index") {
  Dossier dossier;
  dossier.agency = "000.00.01.H26";
  dossier.history = {
      Event("submit", "", "submitted", "001090012345", Local(2026y / 3 / 2, 8, 0)),
      Event("request_supplement_at_reception", "submitted", "supplement_at_reception", "clerk",
            Local(2026y / 3 / 2, 9, 0)),
      Event("resubmit", "supplement_at_reception", "submitted", "001090012345",
            Local(2026y / 3 / 2, 10, 0)),
      Event("receive", "submitted", "awaiting_fee", "clerk", Local(2026y / 3 / 2, 11, 0)),
      Event("pay_fee", "awaiting_fee", "in_review", "001090012345", Local(2026y / 3 / 2, 11, 10)),
      Event("request_supplement", "in_review", "supplement_requested", "specialist",
            Local(2026y / 3 / 3, 9, 0)),
  };
  dossier.state = "supplement_requested";
  dossier.clock.received_at = Local(2026y / 3 / 2, 11, 0);
  dossier.clock.due_at = Local(2026y / 3 / 11, 11, 0);

  // One request during processing (the one before reception does not count).
  DossierTimeliness one =
      JudgeDossier(Vietnam(), PermanentResidence(), dossier, Local(2026y / 3 / 4, 9, 0));
  CHECK(one.started);
  CHECK_FALSE(one.finished);
  CHECK(one.supplement_requests == 1);
  CHECK(one.status == Timeliness::kOnTime);
  CHECK_FALSE(one.counts_late_in_index);

  dossier.history.push_back(Event("submit_supplement", "supplement_requested", "in_review",
                                  "001090012345", Local(2026y / 3 / 4, 9, 0)));
  dossier.history.push_back(Event("request_supplement", "in_review", "supplement_requested",
                                  "specialist", Local(2026y / 3 / 4, 10, 0)));
  dossier.clock.finished_at = Local(2026y / 3 / 5, 10, 0);
  DossierTimeliness two =
      JudgeDossier(Vietnam(), PermanentResidence(), dossier, Local(2026y / 3 / 6, 9, 0));
  CHECK(two.supplement_requests == 2);
  CHECK(two.status == Timeliness::kEarly);
  CHECK(two.counts_late_in_index);

  // Not yet received: nothing to judge.
  Dossier fresh;
  fresh.history = {dossier.history.front()};
  DossierTimeliness none =
      JudgeDossier(Vietnam(), PermanentResidence(), fresh, Local(2026y / 3 / 9, 9, 0));
  CHECK_FALSE(none.started);
  CHECK_FALSE(none.status.has_value());
}

TEST_CASE("legal clock: an overdue dossier in progress is late, unless the delay is paused time") {
  Dossier dossier;
  dossier.clock.received_at = Local(2026y / 3 / 2, 8, 0);
  dossier.clock.due_at = Local(2026y / 3 / 9, 8, 0);
  CHECK(JudgeDossier(Vietnam(), PermanentResidence(), dossier, Local(2026y / 3 / 9, 8, 0)).status ==
        Timeliness::kOnTime);
  CHECK(JudgeDossier(Vietnam(), PermanentResidence(), dossier, Local(2026y / 3 / 9, 8, 1)).status ==
        Timeliness::kLate);
  dossier.clock.paused.push_back({Local(2026y / 3 / 5, 8, 0), std::nullopt});
  CHECK(
      JudgeDossier(Vietnam(), PermanentResidence(), dossier, Local(2026y / 3 / 20, 8, 0)).status ==
      Timeliness::kOnTime);
}

TEST_CASE("legal clock: the process control slip judges each hand-off") {
  Dossier dossier;
  dossier.agency = "000.00.01.H26";
  dossier.history = {
      Event("submit", "", "submitted", "001090012345", Local(2026y / 3 / 2, 8, 0)),
      Event("receive", "submitted", "awaiting_fee", "clerk", Local(2026y / 3 / 3, 9, 0)),
      Event("pay_fee", "awaiting_fee", "in_review", "001090012345", Local(2026y / 3 / 3, 9, 30)),
  };
  dossier.state = "in_review";
  dossier.clock.received_at = Local(2026y / 3 / 3, 9, 0);
  dossier.clock.due_at = Local(2026y / 3 / 12, 9, 0);

  // "submitted" has an 8 working-hour SLA: due Tuesday 08:00, left Tuesday 09:00.
  // "in_review" has a 5 working-day SLA from Tuesday 09:30: due Tuesday 10 March 09:30.
  std::vector<HandOff> slip =
      ProcessControlSlip(Vietnam(), PermanentResidence(), dossier, Local(2026y / 3 / 10, 10, 0));
  REQUIRE(slip.size() == 3);
  CHECK(slip[0].state == "submitted");
  CHECK(slip[0].given_by == "001090012345");
  CHECK(slip[0].handled_by == "clerk");
  CHECK(slip[0].action == "receive");
  CHECK(slip[0].due == Local(2026y / 3 / 3, 8, 0));
  CHECK(slip[0].timeliness == Timeliness::kLate);
  CHECK(slip[0].agency == "000.00.01.H26");

  CHECK(slip[1].state == "awaiting_fee");  // waiting for the applicant: not judged
  CHECK_FALSE(slip[1].due.has_value());
  CHECK_FALSE(slip[1].timeliness.has_value());

  CHECK(slip[2].state == "in_review");
  CHECK_FALSE(slip[2].left.has_value());
  CHECK(slip[2].due == Local(2026y / 3 / 10, 9, 30));
  CHECK(slip[2].timeliness == Timeliness::kLate);

  std::vector<HandOff> earlier =
      ProcessControlSlip(Vietnam(), PermanentResidence(), dossier, Local(2026y / 3 / 10, 9, 0));
  CHECK_FALSE(earlier[2].timeliness.has_value());
}

TEST_CASE("legal clock: working time left counts office hours of working days only") {
  struct Case {
    const char* what;
    Instant now;
    Instant due;
    bool overdue;
    std::int64_t days, hours, minutes;
  };
  const Case cases[] = {
      {"over a weekend", Local(2026y / 3 / 6, 16, 0), Local(2026y / 3 / 9, 9, 0), false, 0, 2, 30},
      {"over two holidays and a weekend", Local(2026y / 4 / 29, 10, 0), Local(2026y / 5 / 4, 10, 0),
       false, 1, 0, 0},
      {"the lunch break does not count", Local(2026y / 3 / 2, 11, 0), Local(2026y / 3 / 2, 13, 30),
       false, 0, 1, 0},
      {"overdue since yesterday's close", Local(2026y / 3 / 3, 9, 0), Local(2026y / 3 / 2, 17, 0),
       true, 0, 1, 30},
      {"due now", Local(2026y / 3 / 2, 9, 0), Local(2026y / 3 / 2, 9, 0), false, 0, 0, 0},
      {"seven working days", Local(2026y / 3 / 2, 7, 30), Local(2026y / 3 / 11, 7, 30), false, 7, 0,
       0},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const WorkingTimeLeft left = WorkingTimeUntil(Vietnam(), c.now, c.due);
    CHECK(left.overdue == c.overdue);
    CHECK(left.days == c.days);
    CHECK(left.hours == c.hours);
    CHECK(left.minutes == c.minutes);
    CHECK(left.total_minutes == c.days * 480 + c.hours * 60 + c.minutes);
  }
}

TEST_CASE("legal clock: time left is frozen while paused and gone once finished") {
  LegalClock clock;
  CHECK_FALSE(TimeLeftOn(Vietnam(), clock, Local(2026y / 3 / 2, 9, 0)).has_value());
  clock.received_at = Local(2026y / 3 / 2, 9, 0);
  clock.due_at = Local(2026y / 3 / 13, 17, 0);
  clock.paused.push_back({Local(2026y / 3 / 9, 17, 0), std::nullopt});
  const std::optional<WorkingTimeLeft> paused =
      TimeLeftOn(Vietnam(), clock, Local(2026y / 3 / 30, 9, 0));
  REQUIRE(paused.has_value());
  CHECK_FALSE(paused->overdue);
  CHECK(paused->days == 4);
  clock.paused.back().to = Local(2026y / 3 / 12, 17, 0);
  const std::optional<WorkingTimeLeft> resumed =
      TimeLeftOn(Vietnam(), clock, Local(2026y / 3 / 13, 16, 0));
  REQUIRE(resumed.has_value());
  CHECK(resumed->total_minutes == 60);
  clock.finished_at = Local(2026y / 3 / 13, 16, 0);
  CHECK_FALSE(TimeLeftOn(Vietnam(), clock, Local(2026y / 3 / 13, 16, 0)).has_value());
}
}  // namespace
}  // namespace motcua
