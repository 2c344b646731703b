// calendar_fuzzer: working-day calendar files (workflows/calendars/VN-*.json)
// as untrusted bytes, the way `motcua serve --calendars` loads them.
//
// Input: one or more year documents separated by "\0". Each goes through
// ParseJsonText; the parsed ones go to WorkingCalendar::FromJson together.
// A calendar that loads is then used for legal time around its years: working
// days, office minutes, due dates (the arithmetic a bad file could break).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/calendar.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/workflow_lint.h"
#include "tests/fuzz/fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace motcua;
  using namespace std::chrono;
  std::vector<nlohmann::json> years;
  for (std::string_view part : fuzz::SplitAtNul(data, size)) {
    Result<nlohmann::json> year = ParseJsonText(std::string(part));
    if (year.ok()) years.push_back(std::move(year).value());
  }
  if (years.empty()) return 0;
  Result<WorkingCalendar> calendar = WorkingCalendar::FromJson(years);
  if (!calendar.ok()) return 0;

  // Probe legal time across and around the years the input declares
  // (calendars may claim any year; stay within what std::chrono represents).
  int first_year = 2026;
  if (years[0].is_object()) {
    auto found = years[0].find("year");
    if (found != years[0].end() && found->is_number_integer()) {
      const auto declared = found->get<long long>();
      if (declared > 1000 && declared < 9000) first_year = static_cast<int>(declared);
    }
  }
  const LocalDate start{year{first_year} / January / 1};
  const Instant from = calendar->ToInstant(start, 8 * 60);
  LocalDate date = start;
  for (int i = 0; i < 8; ++i) date = calendar->NextWorkingDay(date);
  (void)calendar->IsWorkingDay(date);
  (void)calendar->Covers(date);
  const Instant later = calendar->AddWorkingMinutes(from, 5 * calendar->WorkingMinutesPerDay());
  (void)calendar->WorkingMinutesBetween(from, later);
  (void)calendar->EndOfDay(date);
  (void)DueDateAtReception(*calendar, Deadline{.same_day = false, .working_days = 15}, from);
  (void)DueDateAtReception(*calendar, Deadline{.same_day = true}, from);
  (void)JudgeTimeliness(*calendar, later, from);
  return 0;
}
