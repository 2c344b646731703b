// calendar.h: working days and office hours, the basis of legal time.
//
// Deadlines for administrative procedures count working time only: Monday to
// Friday during office hours, minus public holidays, plus Saturdays declared
// compensating working days. Which days those are is data, one JSON file per
// country and year (workflows/calendars/VN-2026.json), never code: lunar
// holidays move every year and are set by government decision.
//
// All arithmetic happens in the fixed local time of the calendar (UTC+7 for
// Vietnam, no daylight saving). For dates in years no file covers, the
// calendar falls back to Monday-Friday with no holidays; `Covers` and
// `CoveredUntil` tell when. Legal time (legal_clock.h) refuses to set a due
// date that such a fallback would decide ("calendar_exhausted"): a year
// without its file would silently count its holidays as working days.
//
// A WorkingCalendar is immutable after construction and thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/status.h"

namespace motcua {

using LocalDate = std::chrono::year_month_day;

// One office period of a working day, in local minutes after midnight,
// [start_minute, end_minute).
struct OfficePeriod {
  int start_minute = 0;
  int end_minute = 0;
};

class WorkingCalendar {
 public:
  // Builds a calendar from one or more year documents (same country, same
  // offset and office hours). kInvalidArgument with JSON pointers prefixed
  // by "/<index of the document>" when a document is malformed, a date lies
  // outside its year, or two documents disagree.
  static Result<WorkingCalendar> FromJson(const std::vector<nlohmann::json>& years);

  // True if some loaded document covers the year of `date`.
  bool Covers(LocalDate date) const;
  // The last day (31 December) of the unbroken run of covered years that
  // holds `date`; nullopt when no document covers `date`'s year.
  std::optional<LocalDate> CoveredUntil(LocalDate date) const;
  // True when every day from `from` to `to` (inclusive) is covered.
  bool CoversRange(LocalDate from, LocalDate to) const;
  // Days from `today` to the end of its covered run (0 on 31 December of the
  // last covered year); -1 when `today` itself is not covered.
  std::int64_t DaysRemaining(LocalDate today) const;
  // Holidays and working days marked "provisional": true in the documents
  // (dates not yet confirmed by the year's official notice).
  std::size_t provisional_count() const { return provisional_count_; }
  bool IsWorkingDay(LocalDate date) const;
  LocalDate NextWorkingDay(LocalDate date) const;  // strictly after `date`

  const std::vector<OfficePeriod>& office_hours() const { return office_hours_; }
  std::int64_t WorkingMinutesPerDay() const;
  std::chrono::minutes utc_offset() const { return utc_offset_; }

  // Local calendar date of an instant, and the instant of a local date and time.
  LocalDate LocalDateOf(Instant t) const;
  int LocalMinuteOf(Instant t) const;  // minutes after local midnight
  Instant ToInstant(LocalDate date, int local_minute) const;

  // Working minutes in [from, to): only office hours of working days count.
  // Zero when to <= from.
  std::int64_t WorkingMinutesBetween(Instant from, Instant to) const;

  // The instant at which `minutes` working minutes have elapsed since `from`.
  // Counting starts at the next office opening when `from` is outside office
  // hours. AddWorkingMinutes(t, 0) is t, or the next opening if t is outside.
  Instant AddWorkingMinutes(Instant from, std::int64_t minutes) const;

  // The close of the last office period of `date` (which should be a working day).
  Instant EndOfDay(LocalDate date) const;

 private:
  std::chrono::minutes utc_offset_{7 * 60};
  std::vector<OfficePeriod> office_hours_;
  std::set<int> weekend_weekdays_;  // 0 = Sunday ... 6 = Saturday
  std::set<int> covered_years_;
  std::set<std::int64_t> holidays_;            // days since epoch
  std::set<std::int64_t> extra_working_days_;  // days since epoch
  std::size_t provisional_count_ = 0;
};

}  // namespace motcua
