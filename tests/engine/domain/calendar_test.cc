#include "engine/domain/calendar.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
using std::chrono::sys_days;

json LoadYear(int year) {
  return LoadJson("workflows/calendars/VN-" + std::to_string(year) + ".json");
}

const WorkingCalendar& Vietnam() {
  static const WorkingCalendar calendar = [] {
    Result<WorkingCalendar> parsed = WorkingCalendar::FromJson({LoadYear(2025), LoadYear(2026)});
    REQUIRE(parsed.ok());
    return std::move(parsed).value();
  }();
  return calendar;
}

// An instant given in Hanoi local time (UTC+7).
Instant Local(std::chrono::year_month_day date, int hour, int minute, int second = 0) {
  return Instant{sys_days{date}} + std::chrono::hours{hour - 7} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

TEST_CASE("calendar: the bundled Vietnamese years load and every date names its source") {
  for (int year : {2025, 2026, 2027}) {
    const json document = LoadYear(year);
    for (const char* list : {"holidays", "working_days"}) {
      for (const json& entry : document.at(list)) {
        INFO(year << " " << entry.dump());
        CHECK(!entry.at("source").get<std::string>().empty());
      }
    }
  }
  CHECK(Vietnam().WorkingMinutesPerDay() == 480);
  CHECK(Vietnam().utc_offset() == 7h);
}

TEST_CASE("calendar: how far the covered years reach, and provisional dates") {
  CHECK(Vietnam().CoveredUntil(2025y / 3 / 1) == LocalDate{2026y / 12 / 31});
  CHECK(Vietnam().CoveredUntil(2026y / 12 / 31) == LocalDate{2026y / 12 / 31});
  CHECK_FALSE(Vietnam().CoveredUntil(2027y / 1 / 1).has_value());
  CHECK(Vietnam().CoversRange(2025y / 12 / 30, 2026y / 1 / 2));
  CHECK_FALSE(Vietnam().CoversRange(2026y / 12 / 31, 2027y / 1 / 1));
  CHECK(Vietnam().DaysRemaining(2026y / 12 / 3) == 28);
  CHECK(Vietnam().DaysRemaining(2026y / 12 / 31) == 0);
  CHECK(Vietnam().DaysRemaining(2027y / 1 / 1) == -1);
  CHECK(Vietnam().provisional_count() == 0);  // 2025 and 2026 mark theirs in "source" text

  // A gap ends the run: 2025 and 2027 do not cover 2026.
  Result<WorkingCalendar> gap = WorkingCalendar::FromJson({LoadYear(2025), LoadYear(2027)});
  REQUIRE(gap.ok());
  CHECK(gap->CoveredUntil(2025y / 6 / 1) == LocalDate{2025y / 12 / 31});
  CHECK(gap->CoveredUntil(2027y / 6 / 1) == LocalDate{2027y / 12 / 31});
  CHECK_FALSE(gap->CoversRange(2025y / 12 / 31, 2027y / 1 / 4));
  CHECK(gap->provisional_count() == 8);

  json year = LoadYear(2027);
  year["holidays"][0]["provisional"] = "yes";
  Result<WorkingCalendar> bad = WorkingCalendar::FromJson({year});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().fields().at(0).pointer == "/0/holidays/0/provisional");
}

TEST_CASE("calendar: VN-2027 holidays, with Tết and the compensating days") {
  Result<WorkingCalendar> year = WorkingCalendar::FromJson({LoadYear(2027)});
  REQUIRE(year.ok());
  for (LocalDate off :
       {LocalDate{2027y / 1 / 1}, LocalDate{2027y / 2 / 5}, LocalDate{2027y / 2 / 8},
        LocalDate{2027y / 2 / 11}, LocalDate{2027y / 4 / 16}, LocalDate{2027y / 4 / 30},
        LocalDate{2027y / 5 / 3}, LocalDate{2027y / 9 / 2}, LocalDate{2027y / 9 / 3}}) {
    INFO(static_cast<unsigned>(off.month()) << "/" << static_cast<unsigned>(off.day()));
    CHECK_FALSE(year->IsWorkingDay(off));
  }
  CHECK(year->IsWorkingDay(2027y / 1 / 4));
  CHECK(year->IsWorkingDay(2027y / 2 / 12));
  CHECK(year->IsWorkingDay(2027y / 9 / 1));
}

TEST_CASE("calendar: working days, holidays and compensating Saturdays") {
  struct Case {
    std::chrono::year_month_day date;
    bool working;
  };
  const Case cases[] = {
      {2025y / 4 / 26, true},   // Saturday worked in exchange for 2 May
      {2025y / 4 / 27, false},  // Sunday
      {2025y / 4 / 30, false}, {2025y / 5 / 1, false},
      {2025y / 5 / 2, false},  {2025y / 5 / 5, true},
      {2025y / 1 / 29, false},  // Lunar New Year's Day 2025
      {2025y / 9 / 1, false},  {2025y / 9 / 3, true},
      {2026y / 1 / 1, false},  {2026y / 1 / 2, true},
      {2026y / 2 / 13, true},  {2026y / 2 / 16, false},
      {2026y / 2 / 20, false}, {2026y / 2 / 23, true},
      {2026y / 4 / 27, false},  // Hùng Kings compensating Monday
      {2026y / 4 / 28, true},  {2026y / 9 / 2, false},
      {2027y / 1 / 1, true},  // not covered: Monday-Friday, no holidays known
      {2027y / 1 / 2, false},
  };
  for (const Case& c : cases) {
    INFO(static_cast<int>(c.date.year()) << "-" << static_cast<unsigned>(c.date.month()) << "-"
                                         << static_cast<unsigned>(c.date.day()));
    CHECK(Vietnam().IsWorkingDay(c.date) == c.working);
  }
  CHECK(Vietnam().Covers(2026y / 6 / 1));
  CHECK_FALSE(Vietnam().Covers(2027y / 1 / 1));
  CHECK(Vietnam().NextWorkingDay(2026y / 2 / 13) == 2026y / 2 / 23);
  CHECK(Vietnam().NextWorkingDay(2025y / 4 / 25) == 2025y / 4 / 26);
}

TEST_CASE("calendar: adding working minutes skips nights, lunch, weekends and holidays") {
  struct Case {
    const char* what;
    Instant from;
    std::int64_t minutes;
    Instant expected;
  };
  const Case cases[] = {
      {"one day over the Tết break", Local(2026y / 2 / 13, 9, 0), 480, Local(2026y / 2 / 23, 9, 0)},
      {"three days from Friday 16:00", Local(2026y / 3 / 6, 16, 0), 1440,
       Local(2026y / 3 / 11, 16, 0)},
      {"three days from a Saturday", Local(2026y / 3 / 7, 10, 0), 1440,
       Local(2026y / 3 / 11, 17, 0)},
      {"an hour from lunch time", Local(2026y / 3 / 2, 12, 0), 60, Local(2026y / 3 / 2, 14, 0)},
      {"zero after closing is the next opening", Local(2026y / 3 / 6, 18, 0), 0,
       Local(2026y / 3 / 9, 7, 30)},
      {"ending exactly at a period's close", Local(2026y / 3 / 2, 7, 30), 240,
       Local(2026y / 3 / 2, 11, 30)},
      {"across the year boundary and New Year's Day", Local(2025y / 12 / 31, 9, 0), 480,
       Local(2026y / 1 / 2, 9, 0)},
      {"five days across the swapped Saturday", Local(2025y / 4 / 24, 8, 0), 2400,
       Local(2025y / 5 / 5, 8, 0)},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.what));
    CHECK(Vietnam().AddWorkingMinutes(c.from, c.minutes) == c.expected);
  }
}

TEST_CASE("calendar: working minutes between two instants") {
  struct Case {
    const char* what;
    Instant from;
    Instant to;
    std::int64_t expected;
  };
  const Case cases[] = {
      {"over the Tết break", Local(2026y / 2 / 13, 9, 0), Local(2026y / 2 / 23, 9, 0), 480},
      {"across lunch", Local(2026y / 3 / 2, 8, 0), Local(2026y / 3 / 2, 14, 0), 270},
      {"across the year boundary", Local(2025y / 12 / 31, 16, 0), Local(2026y / 1 / 2, 8, 0), 90},
      {"backwards is zero", Local(2026y / 3 / 2, 14, 0), Local(2026y / 3 / 2, 8, 0), 0},
      // 2026: 261 weekdays minus 11 weekday holidays = 250 working days.
      {"the whole of 2026", Local(2026y / 1 / 1, 0, 0), Local(2027y / 1 / 1, 0, 0), 250 * 480},
      // 2025: 261 weekdays minus 12 weekday holidays plus one worked Saturday.
      {"the whole of 2025", Local(2025y / 1 / 1, 0, 0), Local(2026y / 1 / 1, 0, 0), 250 * 480},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.what));
    CHECK(Vietnam().WorkingMinutesBetween(c.from, c.to) == c.expected);
  }
}

TEST_CASE("calendar: local dates and instants in UTC+7") {
  const Instant late_evening_utc = Instant{sys_days{2026y / 3 / 1}} + 18h;  // 01:00 on 2 March
  CHECK(Vietnam().LocalDateOf(late_evening_utc) == 2026y / 3 / 2);
  CHECK(Vietnam().LocalMinuteOf(late_evening_utc) == 60);
  CHECK(Vietnam().ToInstant(2026y / 3 / 2, 60) == late_evening_utc);
  CHECK(Vietnam().EndOfDay(2026y / 3 / 2) == Local(2026y / 3 / 2, 17, 0));
}

TEST_CASE("calendar: malformed documents are rejected with pointers to every problem") {
  json year = LoadYear(2026);
  year["holidays"][0]["date"] = "2025-12-31";
  year["holidays"][1].erase("source");
  year["office_hours"][1]["end"] = "12:00";  // ends before it starts
  json other = LoadYear(2025);
  other["utc_offset"] = "+08:00";

  Result<WorkingCalendar> parsed = WorkingCalendar::FromJson({year});
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code() == ErrorCode::kInvalidArgument);
  const std::vector<FieldError> expected_pointers = {
      {"/0/office_hours/1", ""}, {"/0/holidays/0/date", ""}, {"/0/holidays/1/source", ""}};
  REQUIRE(parsed.error().fields().size() == expected_pointers.size());
  for (std::size_t i = 0; i < expected_pointers.size(); ++i) {
    CHECK(parsed.error().fields()[i].pointer == expected_pointers[i].pointer);
  }

  Result<WorkingCalendar> disagreeing = WorkingCalendar::FromJson({LoadYear(2026), other});
  REQUIRE_FALSE(disagreeing.ok());
  REQUIRE(disagreeing.error().fields().size() == 1);
  CHECK(disagreeing.error().fields()[0].pointer == "/1/utc_offset");

  CHECK_FALSE(WorkingCalendar::FromJson({LoadYear(2026), LoadYear(2026)}).ok());
  CHECK_FALSE(WorkingCalendar::FromJson({}).ok());
}

}  // namespace
}  // namespace motcua
