#include "api/calendar_metrics.h"

#include "engine/domain/rfc3339.h"

namespace motcua {

void AddCalendarGauges(Metrics& metrics, const WorkingCalendar& calendar, const Clock& clock) {
  metrics.AddGauge(
      "motcua_calendar_days_remaining",
      "Days until the working-day calendar ends (-1: today is not covered); due "
      "dates beyond it are refused.",
      [&calendar, &clock] {
        return static_cast<double>(calendar.DaysRemaining(calendar.LocalDateOf(clock.Now())));
      });
  metrics.AddGauge("motcua_calendar_ending_soon",
                   "1 when the working-day calendar ends within 60 days: add next year's file.",
                   [&calendar, &clock] {
                     const std::int64_t left =
                         calendar.DaysRemaining(calendar.LocalDateOf(clock.Now()));
                     return left < kCalendarWarningDays ? 1.0 : 0.0;
                   });
}

std::optional<std::string> CalendarEndWarning(const WorkingCalendar& calendar, Instant now) {
  const LocalDate today = calendar.LocalDateOf(now);
  const std::optional<LocalDate> until = calendar.CoveredUntil(today);
  if (!until) {
    return "warning: the working-day calendar does not cover today (" + FormatRfc3339Date(today) +
           "): dossiers cannot be received until " +
           std::to_string(static_cast<int>(today.year())) + "'s calendar file is added";
  }
  const std::int64_t left = calendar.DaysRemaining(today);
  if (left >= kCalendarWarningDays) return std::nullopt;
  const int next_year = static_cast<int>(until->year()) + 1;
  return "warning: the working-day calendar ends on " + FormatRfc3339Date(*until) + " (" +
         std::to_string(left) + " days from now); add the " + std::to_string(next_year) +
         " calendar file (e.g. calendars/VN-" + std::to_string(next_year) +
         ".json): due dates beyond it are refused";
}

}  // namespace motcua
