// calendar_metrics.h: how long the working-day calendar still lasts, as
// /metrics gauges.
//
// Due dates beyond the last covered year are refused ("calendar_exhausted",
// legal_clock.h), so an operator must add next year's file in time. Two
// unlabelled gauges, read at every scrape with the injected clock:
//   motcua_calendar_days_remaining  days from today (local date) to the last
//                                   day of the unbroken run of covered years
//                                   holding today; -1 when today is not
//                                   covered at all;
//   motcua_calendar_ending_soon     1 when fewer than kCalendarWarningDays
//                                   remain (or today is not covered), else 0.
// `calendar` and `clock` must outlive `metrics`' renders; both are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "api/metrics.h"
#include "engine/domain/calendar.h"
#include "engine/domain/clock.h"

namespace motcua {

inline constexpr std::int64_t kCalendarWarningDays = 60;

void AddCalendarGauges(Metrics& metrics, const WorkingCalendar& calendar, const Clock& clock);

// The start-up warning when the calendar ends within kCalendarWarningDays of
// `now` (or does not cover it), naming the last covered day and the year
// file to add; nullopt when the calendar lasts longer.
std::optional<std::string> CalendarEndWarning(const WorkingCalendar& calendar, Instant now);

}  // namespace motcua
