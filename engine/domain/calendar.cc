#include "engine/domain/calendar.h"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>

#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

using nlohmann::json;
using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;

constexpr std::int64_t kSecondsPerMinute = 60;

constexpr std::array<std::string_view, 7> kWeekdayNames = {
    "sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"};

std::int64_t DayNumber(LocalDate date) {
  return sys_days{date}.time_since_epoch().count();
}

// "HH:MM" -> minutes after midnight (0..1440).
std::optional<int> ParseClockTime(const json& value) {
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  if (text.size() != 5 || text[2] != ':') return std::nullopt;
  for (std::size_t i : {0u, 1u, 3u, 4u}) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
  }
  const int hours = (text[0] - '0') * 10 + (text[1] - '0');
  const int mins = (text[3] - '0') * 10 + (text[4] - '0');
  if (mins > 59 || hours > 24 || (hours == 24 && mins != 0)) return std::nullopt;
  return hours * 60 + mins;
}

// A JSON string holding an RFC 3339 date (rfc3339.h).
std::optional<LocalDate> ParseDate(const json& value) {
  if (!value.is_string()) return std::nullopt;
  return ParseRfc3339Date(value.get_ref<const std::string&>());
}

// A JSON string holding an RFC 3339 offset, "+07:00" -> minutes east of UTC.
std::optional<minutes> ParseOffset(const json& value) {
  if (!value.is_string()) return std::nullopt;
  return ParseRfc3339Offset(value.get_ref<const std::string&>());
}

// One year document, parsed; errors go to `errors` with `prefix`.
struct YearDocument {
  std::string country;
  int year = 0;
  minutes offset{0};
  std::vector<OfficePeriod> office_hours;
  std::set<int> weekend;
  std::vector<std::int64_t> holidays;
  std::vector<std::int64_t> working_days;
  std::size_t provisional = 0;
};

class YearReader {
 public:
  YearReader(const json& document, std::string prefix, std::vector<FieldError>& errors)
      : document_(document), prefix_(std::move(prefix)), errors_(errors) {}

  YearDocument Read() {
    YearDocument year;
    if (!document_.is_object()) {
      Fail("", "must be an object");
      return year;
    }
    const json* country = Field("country");
    if (country != nullptr && (!country->is_string() || country->get<std::string>().empty())) {
      Fail("/country", "must be a country code such as \"VN\"");
    } else if (country != nullptr) {
      year.country = country->get<std::string>();
    }
    const json* number = Field("year");
    if (number != nullptr &&
        (!number->is_number_integer() || number->get<int>() < 1970 || number->get<int>() > 2200)) {
      Fail("/year", "must be a year between 1970 and 2200");
    } else if (number != nullptr) {
      year.year = number->get<int>();
    }
    const json* offset = Field("utc_offset");
    if (offset != nullptr) {
      std::optional<minutes> parsed = ParseOffset(*offset);
      if (!parsed) {
        Fail("/utc_offset", "must be an offset such as \"+07:00\"");
      } else {
        year.offset = *parsed;
      }
    }
    ReadWeekend(year);
    ReadOfficeHours(year);
    year.holidays = ReadDates("holidays", year.year, year.provisional);
    year.working_days = ReadDates("working_days", year.year, year.provisional);
    return year;
  }

 private:
  const json* Field(std::string_view key) {
    auto it = document_.find(key);
    if (it == document_.end()) {
      Fail("/" + std::string(key), "is required");
      return nullptr;
    }
    return &*it;
  }

  void Fail(const std::string& pointer, std::string message) {
    errors_.push_back({prefix_ + pointer, std::move(message)});
  }

  void ReadWeekend(YearDocument& year) {
    const json* weekend = Field("weekend");
    if (weekend == nullptr) return;
    if (!weekend->is_array()) {
      Fail("/weekend", "must be a list of weekday names");
      return;
    }
    for (std::size_t i = 0; i < weekend->size(); ++i) {
      const json& name = (*weekend)[i];
      auto found = name.is_string() ? std::find(kWeekdayNames.begin(), kWeekdayNames.end(),
                                                name.get<std::string>())
                                    : kWeekdayNames.end();
      if (found == kWeekdayNames.end()) {
        Fail("/weekend/" + std::to_string(i), "must be a weekday name such as \"saturday\"");
        continue;
      }
      year.weekend.insert(static_cast<int>(found - kWeekdayNames.begin()));
    }
    if (year.weekend.size() >= kWeekdayNames.size()) {
      Fail("/weekend", "must leave at least one working weekday");
    }
  }

  void ReadOfficeHours(YearDocument& year) {
    const json* hours = Field("office_hours");
    if (hours == nullptr) return;
    if (!hours->is_array() || hours->empty()) {
      Fail("/office_hours", "must list at least one office period");
      return;
    }
    int previous_end = -1;
    for (std::size_t i = 0; i < hours->size(); ++i) {
      const std::string pointer = "/office_hours/" + std::to_string(i);
      const json& period = (*hours)[i];
      // Plain ints with -1 for "invalid": g++ 12 warns falsely on optional here.
      const int start = period.is_object() && period.contains("start")
                            ? ParseClockTime(period["start"]).value_or(-1)
                            : -1;
      const int end = period.is_object() && period.contains("end")
                          ? ParseClockTime(period["end"]).value_or(-1)
                          : -1;
      if (start < 0 || end < 0) {
        Fail(pointer, "must have \"start\" and \"end\" times such as \"07:30\"");
        continue;
      }
      if (end <= start || start < previous_end) {
        Fail(pointer, "must end after it starts and begin after the previous period ends");
        continue;
      }
      previous_end = end;
      year.office_hours.push_back({start, end});
    }
  }

  // `provisional` counts the entries marked "provisional": true (optional;
  // a boolean when present).
  std::vector<std::int64_t> ReadDates(std::string_view key, int expected_year,
                                      std::size_t& provisional) {
    std::vector<std::int64_t> result;
    const json* list = Field(key);
    if (list == nullptr) return result;
    if (!list->is_array()) {
      Fail("/" + std::string(key), "must be a list of dates");
      return result;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      const std::string pointer = "/" + std::string(key) + "/" + std::to_string(i);
      const json& entry = (*list)[i];
      if (!entry.is_object()) {
        Fail(pointer, "must be an object with \"date\", \"name\" and \"source\"");
        continue;
      }
      std::optional<LocalDate> date =
          entry.contains("date") ? ParseDate(entry["date"]) : std::nullopt;
      if (!date) {
        Fail(pointer + "/date", "must be a valid date (YYYY-MM-DD)");
        continue;
      }
      if (static_cast<int>(date->year()) != expected_year) {
        Fail(pointer + "/date", "lies outside the year " + std::to_string(expected_year));
        continue;
      }
      for (const char* field : {"name", "source"}) {
        if (!entry.contains(field) || !entry[field].is_string() ||
            entry[field].get<std::string>().empty()) {
          Fail(pointer + "/" + field, "is required and must not be empty");
        }
      }
      if (auto flag = entry.find("provisional"); flag != entry.end()) {
        if (!flag->is_boolean()) {
          Fail(pointer + "/provisional", "must be true or false");
        } else if (flag->get<bool>()) {
          ++provisional;
        }
      }
      result.push_back(DayNumber(*date));
    }
    return result;
  }

  const json& document_;
  std::string prefix_;
  std::vector<FieldError>& errors_;
};

bool SamePeriods(const std::vector<OfficePeriod>& a, const std::vector<OfficePeriod>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const OfficePeriod& x, const OfficePeriod& y) {
                      return x.start_minute == y.start_minute && x.end_minute == y.end_minute;
                    });
}

}  // namespace

Result<WorkingCalendar> WorkingCalendar::FromJson(const std::vector<nlohmann::json>& years) {
  std::vector<FieldError> errors;
  if (years.empty()) {
    return Error(ErrorCode::kInvalidArgument, "a calendar needs at least one year document");
  }
  std::vector<YearDocument> parsed;
  for (std::size_t i = 0; i < years.size(); ++i) {
    parsed.push_back(YearReader(years[i], "/" + std::to_string(i), errors).Read());
  }
  if (!errors.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the calendar is not valid", ErrorReason::kValidation,
                 std::move(errors));
  }
  WorkingCalendar calendar;
  const YearDocument& first = parsed.front();
  calendar.utc_offset_ = first.offset;
  calendar.office_hours_ = first.office_hours;
  calendar.weekend_weekdays_ = first.weekend;
  for (std::size_t i = 0; i < parsed.size(); ++i) {
    const YearDocument& year = parsed[i];
    const std::string prefix = "/" + std::to_string(i);
    if (year.country != first.country) {
      errors.push_back({prefix + "/country", "differs from the first document's country"});
    }
    if (year.offset != first.offset) {
      errors.push_back({prefix + "/utc_offset", "differs from the first document's offset"});
    }
    if (year.weekend != first.weekend) {
      errors.push_back({prefix + "/weekend", "differs from the first document's weekend"});
    }
    if (!SamePeriods(year.office_hours, first.office_hours)) {
      errors.push_back({prefix + "/office_hours", "differ from the first document's hours"});
    }
    if (!calendar.covered_years_.insert(year.year).second) {
      errors.push_back({prefix + "/year", "is covered by another document too"});
    }
    calendar.holidays_.insert(year.holidays.begin(), year.holidays.end());
    calendar.extra_working_days_.insert(year.working_days.begin(), year.working_days.end());
    calendar.provisional_count_ += year.provisional;
  }
  if (!errors.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the calendar documents disagree",
                 ErrorReason::kValidation, std::move(errors));
  }
  return calendar;
}

bool WorkingCalendar::Covers(LocalDate date) const {
  return covered_years_.count(static_cast<int>(date.year())) > 0;
}

std::optional<LocalDate> WorkingCalendar::CoveredUntil(LocalDate date) const {
  int year = static_cast<int>(date.year());
  if (covered_years_.count(year) == 0) return std::nullopt;
  while (covered_years_.count(year + 1) > 0) ++year;
  return LocalDate{std::chrono::year{year}, std::chrono::December, std::chrono::day{31}};
}

bool WorkingCalendar::CoversRange(LocalDate from, LocalDate to) const {
  const std::optional<LocalDate> until = CoveredUntil(from);
  return until.has_value() && to <= *until;
}

std::int64_t WorkingCalendar::DaysRemaining(LocalDate today) const {
  const std::optional<LocalDate> until = CoveredUntil(today);
  if (!until) return -1;
  return (sys_days{*until} - sys_days{today}).count();
}

bool WorkingCalendar::IsWorkingDay(LocalDate date) const {
  const std::int64_t day = DayNumber(date);
  if (holidays_.count(day) > 0) return false;
  if (extra_working_days_.count(day) > 0) return true;
  const int weekday = static_cast<int>(std::chrono::weekday{sys_days{date}}.c_encoding());
  return weekend_weekdays_.count(weekday) == 0;
}

LocalDate WorkingCalendar::NextWorkingDay(LocalDate date) const {
  sys_days day{date};
  // A calendar always has working days (at most 7 weekend days are impossible
  // to configure with office hours), so this ends within a few weeks.
  do {
    day += days{1};
  } while (!IsWorkingDay(LocalDate{day}));
  return LocalDate{day};
}

std::int64_t WorkingCalendar::WorkingMinutesPerDay() const {
  std::int64_t total = 0;
  for (const OfficePeriod& period : office_hours_) total += period.end_minute - period.start_minute;
  return total;
}

LocalDate WorkingCalendar::LocalDateOf(Instant t) const {
  return LocalDate{std::chrono::floor<days>(t + utc_offset_)};
}

int WorkingCalendar::LocalMinuteOf(Instant t) const {
  const auto local = t + utc_offset_;
  return static_cast<int>((local - std::chrono::floor<days>(local)).count() / kSecondsPerMinute);
}

Instant WorkingCalendar::ToInstant(LocalDate date, int local_minute) const {
  return Instant{sys_days{date}} + minutes{local_minute} - utc_offset_;
}

Instant WorkingCalendar::EndOfDay(LocalDate date) const {
  return ToInstant(date, office_hours_.empty() ? 24 * 60 : office_hours_.back().end_minute);
}

namespace {

// Office seconds of one working day before `second_of_day`.
std::int64_t OfficeSecondsBefore(const std::vector<OfficePeriod>& hours,
                                 std::int64_t second_of_day) {
  std::int64_t total = 0;
  for (const OfficePeriod& period : hours) {
    const std::int64_t start = period.start_minute * kSecondsPerMinute;
    const std::int64_t end = period.end_minute * kSecondsPerMinute;
    total += std::clamp(second_of_day, start, end) - start;
  }
  return total;
}

}  // namespace

std::int64_t WorkingCalendar::WorkingMinutesBetween(Instant from, Instant to) const {
  if (to <= from) return 0;
  const std::int64_t per_day = WorkingMinutesPerDay() * kSecondsPerMinute;
  auto split = [this](Instant t) {
    const auto local = t + utc_offset_;
    const auto day = std::chrono::floor<days>(local);
    return std::pair{LocalDate{day}, (local - day).count()};
  };
  const auto [from_date, from_second] = split(from);
  const auto [to_date, to_second] = split(to);
  auto office_before = [&](LocalDate date, std::int64_t second) {
    return IsWorkingDay(date) ? OfficeSecondsBefore(office_hours_, second) : 0;
  };
  std::int64_t seconds_total = 0;
  if (from_date == to_date) {
    seconds_total = office_before(to_date, to_second) - office_before(from_date, from_second);
  } else {
    seconds_total = (IsWorkingDay(from_date) ? per_day : 0) - office_before(from_date, from_second);
    for (sys_days day = sys_days{from_date} + days{1}; day < sys_days{to_date}; day += days{1}) {
      if (IsWorkingDay(LocalDate{day})) seconds_total += per_day;
    }
    seconds_total += office_before(to_date, to_second);
  }
  return seconds_total / kSecondsPerMinute;
}

Instant WorkingCalendar::AddWorkingMinutes(Instant from, std::int64_t minutes_to_add) const {
  std::int64_t remaining = std::max<std::int64_t>(minutes_to_add, 0) * kSecondsPerMinute;
  const auto local = from + utc_offset_;
  sys_days day = std::chrono::floor<days>(local);
  std::int64_t second = (local - day).count();
  const std::int64_t per_day = WorkingMinutesPerDay() * kSecondsPerMinute;
  // Whole working days are skipped in one step each; the partial first and
  // last days are walked period by period.
  while (true) {
    if (IsWorkingDay(LocalDate{day})) {
      if (second == 0 && remaining > per_day) {
        remaining -= per_day;
      } else {
        for (const OfficePeriod& period : office_hours_) {
          const std::int64_t start = period.start_minute * kSecondsPerMinute;
          const std::int64_t end = period.end_minute * kSecondsPerMinute;
          if (second >= end) continue;
          const std::int64_t begin = std::max(second, start);
          if (remaining <= end - begin) {
            return Instant{day} + seconds{begin + remaining} - utc_offset_;
          }
          remaining -= end - begin;
          second = end;
        }
      }
    }
    day += days{1};
    second = 0;
  }
}

}  // namespace motcua
