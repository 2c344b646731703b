#include "api/calendar_metrics.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/source_tree.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

// Noon in Hanoi (UTC+7) on `date`.
Instant Noon(LocalDate date) {
  return Instant{sys_days{date}} + 5h;
}

WorkingCalendar Through2026() {
  Result<WorkingCalendar> parsed = WorkingCalendar::FromJson(
      {LoadJson("workflows/calendars/VN-2025.json"), LoadJson("workflows/calendars/VN-2026.json")});
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

// Issue 14.15: the calendar ran out on 31 December 2026 and nothing said so.
TEST_CASE("calendar metrics: days remaining and the 60-day warning follow the clock") {
  const WorkingCalendar calendar = Through2026();
  FakeClock clock(Noon(2026y / 10 / 1));
  Metrics metrics;
  AddCalendarGauges(metrics, calendar, clock);
  std::string text = metrics.RenderText();
  CHECK(text.find("# TYPE motcua_calendar_days_remaining gauge\n") != std::string::npos);
  CHECK(text.find("motcua_calendar_days_remaining 91\n") != std::string::npos);
  CHECK(text.find("motcua_calendar_ending_soon 0\n") != std::string::npos);
  CHECK_FALSE(CalendarEndWarning(calendar, clock.Now()).has_value());

  clock.Advance(std::chrono::duration_cast<std::chrono::seconds>(63 * 24h));  // 3 December
  text = metrics.RenderText();
  CHECK(text.find("motcua_calendar_days_remaining 28\n") != std::string::npos);
  CHECK(text.find("motcua_calendar_ending_soon 1\n") != std::string::npos);
  const std::optional<std::string> warning = CalendarEndWarning(calendar, clock.Now());
  REQUIRE(warning.has_value());
  CHECK(warning->find("2026-12-31") != std::string::npos);
  CHECK(warning->find("28 days") != std::string::npos);
  CHECK(warning->find("2027") != std::string::npos);

  clock.Advance(std::chrono::duration_cast<std::chrono::seconds>(40 * 24h));  // 12 January 2027
  text = metrics.RenderText();
  CHECK(text.find("motcua_calendar_days_remaining -1\n") != std::string::npos);
  CHECK(text.find("motcua_calendar_ending_soon 1\n") != std::string::npos);
  REQUIRE(CalendarEndWarning(calendar, clock.Now()).has_value());
  CHECK(CalendarEndWarning(calendar, clock.Now())->find("does not cover today") !=
        std::string::npos);

  // With the bundled VN-2027, 3 December 2026 is 393 days from the end.
  const WorkingCalendar bundled = BundledCalendar();
  CHECK(bundled.DaysRemaining(2026y / 12 / 3) == 393);
  CHECK_FALSE(CalendarEndWarning(bundled, Noon(2026y / 12 / 3)).has_value());
}

}  // namespace
}  // namespace motcua
