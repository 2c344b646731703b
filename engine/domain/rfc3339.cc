#include "engine/domain/rfc3339.h"

#include <algorithm>
#include <cstdlib>

namespace motcua {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::size_t kDateLength = 10;   // "YYYY-MM-DD"
constexpr std::size_t kSecondsEnd = 19;   // "YYYY-MM-DDTHH:MM:SS"
constexpr std::size_t kOffsetLength = 6;  // "+HH:MM"
constexpr int kMinutesPerDay = 24 * 60;
constexpr int kLastMinuteOfDay = kMinutesPerDay - 1;
constexpr int kLeapSecond = 60;

constexpr Instant kFirstWritable{sys_days{std::chrono::year{1} / std::chrono::January / 1}};
constexpr Instant kLastWritable =
    Instant{sys_days{std::chrono::year{9999} / std::chrono::December / 31}} + hours{23} +
    minutes{59} + seconds{59};

bool Writable(Instant t) {
  return t >= kFirstWritable && t <= kLastWritable;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// The number written in exactly `count` ASCII digits at `pos`.
std::optional<int> DigitsAt(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos > text.size() || count > text.size() - pos) return std::nullopt;
  int value = 0;
  for (char c : text.substr(pos, count)) {
    if (!IsDigit(c)) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// "HH:MM" at `pos`, hours 00-23 and minutes 00-59, as minutes after midnight.
std::optional<int> HoursMinutesAt(std::string_view text, std::size_t pos) {
  const std::optional<int> hour = DigitsAt(text, pos, 2);
  const std::optional<int> minute = DigitsAt(text, pos + 3, 2);
  if (!hour || !minute || text[pos + 2] != ':' || *hour > 23 || *minute > 59) return std::nullopt;
  return *hour * 60 + *minute;
}

void AppendDigits(std::string& out, long long value, int width) {
  std::string digits(static_cast<std::size_t>(width), '0');
  for (auto it = digits.rbegin(); it != digits.rend() && value > 0; ++it, value /= 10) {
    *it = static_cast<char>('0' + value % 10);
  }
  out += digits;
}

// `local` as "YYYY-MM-DDTHH:MM:SS", kept within the writable years.
std::string LocalDateTimeText(Instant local) {
  local = std::clamp(local, kFirstWritable, kLastWritable);
  const sys_days day = std::chrono::floor<days>(local);
  const std::chrono::hh_mm_ss<seconds> time{local - day};
  std::string text = FormatRfc3339Date(year_month_day{day});
  text += 'T';
  AppendDigits(text, time.hours().count(), 2);
  text += ':';
  AppendDigits(text, time.minutes().count(), 2);
  text += ':';
  AppendDigits(text, time.seconds().count(), 2);
  return text;
}

}  // namespace

std::optional<year_month_day> ParseRfc3339Date(std::string_view text) {
  if (text.size() != kDateLength || text[4] != '-' || text[7] != '-') return std::nullopt;
  const std::optional<int> year = DigitsAt(text, 0, 4);
  const std::optional<int> month = DigitsAt(text, 5, 2);
  const std::optional<int> day = DigitsAt(text, 8, 2);
  if (!year || !month || !day || *year < 1) return std::nullopt;
  const year_month_day date{std::chrono::year{*year},
                            std::chrono::month{static_cast<unsigned>(*month)},
                            std::chrono::day{static_cast<unsigned>(*day)}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::optional<minutes> ParseRfc3339Offset(std::string_view text) {
  if (text.size() != kOffsetLength || (text[0] != '+' && text[0] != '-')) return std::nullopt;
  const std::optional<int> offset = HoursMinutesAt(text, 1);
  if (!offset) return std::nullopt;
  return minutes{text[0] == '-' ? -*offset : *offset};
}

std::optional<Instant> ParseRfc3339DateTime(std::string_view text) {
  if (text.size() <= kSecondsEnd) return std::nullopt;
  const std::optional<year_month_day> date = ParseRfc3339Date(text.substr(0, kDateLength));
  if (!date || (text[10] != 'T' && text[10] != 't')) return std::nullopt;
  const std::optional<int> minute_of_day = HoursMinutesAt(text, 11);
  const std::optional<int> second = DigitsAt(text, 17, 2);
  if (!minute_of_day || text[16] != ':' || !second || *second > kLeapSecond) return std::nullopt;

  std::size_t zone = kSecondsEnd;
  if (text[zone] == '.') {
    const std::size_t fraction = zone + 1;
    zone = fraction;
    while (zone < text.size() && IsDigit(text[zone])) ++zone;
    if (zone == fraction) return std::nullopt;
  }
  minutes offset{0};
  if (text.substr(zone) != "Z" && text.substr(zone) != "z") {
    const std::optional<minutes> numeric = ParseRfc3339Offset(text.substr(zone));
    if (!numeric) return std::nullopt;
    offset = *numeric;
  }
  if (*second == kLeapSecond) {
    const int utc_minute =
        ((*minute_of_day - static_cast<int>(offset.count())) % kMinutesPerDay + kMinutesPerDay) %
        kMinutesPerDay;
    if (utc_minute != kLastMinuteOfDay) return std::nullopt;
  }
  const Instant instant = Instant{sys_days{*date}} + minutes{*minute_of_day} +
                          seconds{std::min(*second, kLeapSecond - 1)} - offset;
  return Writable(instant) ? std::optional<Instant>(instant) : std::nullopt;
}

std::optional<Instant> ParseRfc3339DateOrDateTime(std::string_view text, minutes offset_of_dates) {
  if (text.size() == kDateLength) {
    const std::optional<year_month_day> date = ParseRfc3339Date(text);
    if (!date) return std::nullopt;
    const Instant midnight = Instant{sys_days{*date}} - offset_of_dates;
    return Writable(midnight) ? std::optional<Instant>(midnight) : std::nullopt;
  }
  return ParseRfc3339DateTime(text);
}

std::string FormatRfc3339Date(year_month_day date) {
  const year_month_day first{std::chrono::floor<days>(kFirstWritable)};
  const year_month_day last{std::chrono::floor<days>(kLastWritable)};
  date = std::clamp(date, first, last);
  std::string text;
  AppendDigits(text, static_cast<int>(date.year()), 4);
  text += '-';
  AppendDigits(text, static_cast<unsigned>(date.month()), 2);
  text += '-';
  AppendDigits(text, static_cast<unsigned>(date.day()), 2);
  return text;
}

std::string FormatRfc3339DateTime(Instant t) {
  return LocalDateTimeText(t) + 'Z';
}

std::string FormatRfc3339DateTime(Instant t, minutes offset) {
  offset = std::clamp(offset, minutes{-kLastMinuteOfDay}, minutes{kLastMinuteOfDay});
  std::string text = LocalDateTimeText(t + offset);
  const long long east = offset.count();
  text += east < 0 ? '-' : '+';
  AppendDigits(text, std::abs(east) / 60, 2);
  text += ':';
  AppendDigits(text, std::abs(east) % 60, 2);
  return text;
}

}  // namespace motcua
