#include "engine/domain/rfc3339.h"

#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>

namespace motcua {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;

// 2026-01-01T00:00:00Z plus `offset`.
Instant NewYear2026(std::chrono::seconds offset = 0s) {
  return Instant{sys_days{2026y / std::chrono::January / 1}} + offset;
}

struct DateCase {
  std::string text;
  bool valid;
};

TEST_CASE("rfc3339: dates, good and bad") {
  const DateCase cases[] = {
      {"2026-01-01", true},
      {"2024-02-29", true},   // leap year
      {"2000-02-29", true},   // 400-year leap
      {"0001-01-01", true},   // first year
      {"9999-12-31", true},   // last year
      {"2026-02-29", false},  // 2026 is not a leap year
      {"1900-02-29", false},  // a century is not a leap year
      {"2026-04-31", false},
      {"2026-13-01", false},
      {"2026-00-01", false},
      {"2026-01-00", false},
      {"2026-01-32", false},
      {"0000-01-01", false},  // year zero
      {"+026-01-01", false},  // a sign where a digit belongs (sscanf read year 26)
      {"-026-01-01", false},
      {"2026-+1-01", false},
      {"2026--1-01", false},
      {"2026- 1-01", false},  // "2026-%201-01" decoded
      {"2026-01- 1", false},
      {" 2026-01-01", false},
      {"2026-01-01 ", false},
      {"2026-1-01", false},
      {"2026-01-1", false},
      {"26-01-01", false},
      {"10000-01-01", false},
      {"+10000-01-01", false},
      {"2026/01/01", false},
      {"20260101", false},
      {"2026-01-01T00:00:00Z", false},  // a date-time is not a date
      {"２０２６-01-01", false},        // full-width digits
      {"", false},
      {std::string("2026-01-0\0", 10), false},
      {std::string("2026-01-01\0", 11), false},
      {std::string(100000, '2'), false},
  };
  for (const DateCase& c : cases) {
    CAPTURE(c.text);
    CHECK(ParseRfc3339Date(c.text).has_value() == c.valid);
  }
  CHECK(ParseRfc3339Date("2024-02-29") == 2024y / std::chrono::February / 29);
}

struct DateTimeCase {
  std::string text;
  std::optional<Instant> instant;
};

TEST_CASE("rfc3339: date-times, good and bad, and the instants they name") {
  const DateTimeCase cases[] = {
      {"2026-01-01T00:00:00Z", NewYear2026()},
      {"2026-01-01t00:00:00z", NewYear2026()},  // lower case, RFC 3339 section 5.6
      {"2026-01-01T07:00:00+07:00", NewYear2026()},
      {"2025-12-31T19:00:00-05:00", NewYear2026()},
      {"2026-01-01T00:00:00+00:00", NewYear2026()},
      {"2026-01-01T00:00:00-00:00", NewYear2026()},
      {"2026-01-01T23:59:00+23:59", NewYear2026()},
      {"2025-12-31T00:01:00-23:59", NewYear2026()},
      {"2026-01-01T00:00:00.5Z", NewYear2026()},  // a fraction is dropped
      {"2026-01-01T00:00:00.999999999999999999999Z", NewYear2026()},
      {"2025-12-31T23:59:59.9Z", NewYear2026(-1s)},
      {"2025-12-31T16:59:59.999-07:00", NewYear2026(-1s)},
      // A leap second only where the time in UTC is 23:59; its instant is 23:59:59.
      {"2026-01-01T23:59:60Z", NewYear2026(24h - 1s)},
      {"2016-12-31T15:59:60-08:00", Instant{sys_days{2016y / 12 / 31}} + 24h - 1s},
      {"2017-01-01T06:59:60+07:00", Instant{sys_days{2016y / 12 / 31}} + 24h - 1s},
      {"2026-01-01T23:58:60Z", std::nullopt},
      {"2026-01-01T22:59:60Z", std::nullopt},
      {"2026-01-01T23:59:60+07:00", std::nullopt},
      {"2026-01-01T23:59:61Z", std::nullopt},
      {"2026-01-01T24:00:00Z", std::nullopt},
      {"2026-01-01T23:60:00Z", std::nullopt},
      {"2026-01-01T+8:00:00Z", std::nullopt},
      {"2026-01-01T-8:00:00Z", std::nullopt},
      {"2026-01-01T 8:00:00Z", std::nullopt},
      {"2026-01-01T8:00:00Z", std::nullopt},
      {"2026-01-01T08:0:00Z", std::nullopt},
      {"2026-01-01T08:00:0Z", std::nullopt},
      {"2026-01-01T08:00Z", std::nullopt},
      {"2026-01-01 08:00:00Z", std::nullopt},  // a space separator is refused
      {"2026-01-01_08:00:00Z", std::nullopt},
      {"2026-01-01T08:00:00", std::nullopt},  // no offset
      {"2026-01-01T08:00:00.Z", std::nullopt},
      {"2026-01-01T08:00:00.+07:00", std::nullopt},
      {"2026-01-01T08:00:00,5Z", std::nullopt},
      {"2026-01-01T08:00:00ZZ", std::nullopt},
      {"2026-01-01T08:00:00Z ", std::nullopt},
      {"2026-01-01T08:00:00UTC", std::nullopt},
      {"2026-01-01T08:00:00+24:00", std::nullopt},
      {"2026-01-01T08:00:00+07:60", std::nullopt},
      {"2026-01-01T08:00:00+0700", std::nullopt},
      {"2026-01-01T08:00:00+07", std::nullopt},
      {"2026-01-01T08:00:00+7:00", std::nullopt},
      {"2026-01-01T08:00:00+07:00:00", std::nullopt},
      {"2026-01-01T08:00:00 +07:00", std::nullopt},
      {"+026-01-01T08:00:00Z", std::nullopt},
      {"2026-+1-01T08:00:00Z", std::nullopt},
      {"2026- 1-01T08:00:00Z", std::nullopt},
      {"2026-02-29T08:00:00Z", std::nullopt},
      {"2026-13-01T08:00:00Z", std::nullopt},
      {"0000-01-01T08:00:00Z", std::nullopt},
      {"10000-01-01T00:00:00Z", std::nullopt},
      {"2026-01-01", std::nullopt},  // a date is not a date-time
      {"", std::nullopt},
      {"T", std::nullopt},
      {std::string("2026-01-01T08:00:00\0Z", 21), std::nullopt},
      {std::string("2026-01-01T08:00:00Z\0", 21), std::nullopt},
      {std::string("2026-01-01T08:00:00.") + std::string(100000, '0'), std::nullopt},
      {std::string("2026-01-01T08:00:00Z") + std::string(100000, 'Z'), std::nullopt},
  };
  for (const DateTimeCase& c : cases) {
    CAPTURE(c.text);
    CHECK(ParseRfc3339DateTime(c.text) == c.instant);
  }
  // The edges of the writable years, with and without the widest offsets.
  CHECK(ParseRfc3339DateTime("0001-01-01T00:00:00Z") ==
        Instant{sys_days{std::chrono::year{1} / 1 / 1}});
  CHECK(ParseRfc3339DateTime("9999-12-31T23:59:59Z") ==
        Instant{sys_days{std::chrono::year{9999} / 12 / 31}} + 24h - 1s);
  CHECK(ParseRfc3339DateTime("0001-01-01T00:00:00-23:59").has_value());
  CHECK(ParseRfc3339DateTime("9999-12-31T23:59:59+23:59").has_value());
  // An instant UTC cannot write is refused, at any offset.
  CHECK_FALSE(ParseRfc3339DateTime("0001-01-01T00:00:00+00:01").has_value());
  CHECK_FALSE(ParseRfc3339DateTime("0001-01-01T23:58:59+23:59").has_value());
  CHECK_FALSE(ParseRfc3339DateTime("9999-12-31T23:59:59-00:01").has_value());
  CHECK_FALSE(ParseRfc3339DateTime("9999-12-31T00:01:00-23:59").has_value());
}

TEST_CASE("rfc3339: offsets alone") {
  CHECK(ParseRfc3339Offset("+07:00") == 420min);
  CHECK(ParseRfc3339Offset("-03:30") == -210min);
  CHECK(ParseRfc3339Offset("+00:00") == 0min);
  CHECK(ParseRfc3339Offset("+23:59") == 1439min);
  for (const char* bad : {"Z", "z", "07:00", "+24:00", "+07:60", "+7:00", "+0700", "+07:00 ",
                          "++7:00", "+-7:00", "", "+"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseRfc3339Offset(bad).has_value());
  }
}

TEST_CASE("rfc3339: a date or a date-time, dates at the given offset's midnight") {
  CHECK(ParseRfc3339DateOrDateTime("2026-01-01", 0min) == NewYear2026());
  CHECK(ParseRfc3339DateOrDateTime("2026-01-01", 7h) == NewYear2026(-7h));
  CHECK(ParseRfc3339DateOrDateTime("2026-01-01T00:00:00Z", 7h) == NewYear2026());
  CHECK(ParseRfc3339DateOrDateTime("0001-01-01", -7h).has_value());
  CHECK_FALSE(ParseRfc3339DateOrDateTime("0001-01-01", 7h).has_value());  // 0000-12-31T17:00Z
  CHECK_FALSE(ParseRfc3339DateOrDateTime("9999-12-31", -(24h)).has_value());
  for (const char* bad : {"+026-01-01", "2026-+1-01", "2026- 1-01", "2026-02-29", "2026-01-01T",
                          "2026-01-01T00:00:00", "", "yesterday"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseRfc3339DateOrDateTime(bad, 0min).has_value());
  }
}

TEST_CASE("rfc3339: formatting writes four-digit years in UTC, and parsing reads it back") {
  CHECK(FormatRfc3339DateTime(NewYear2026(8h + 30min + 5s)) == "2026-01-01T08:30:05Z");
  CHECK(FormatRfc3339DateTime(Instant{}) == "1970-01-01T00:00:00Z");
  CHECK(FormatRfc3339DateTime(NewYear2026(), 7h) == "2026-01-01T07:00:00+07:00");
  CHECK(FormatRfc3339DateTime(NewYear2026(), -(3h + 30min)) == "2025-12-31T20:30:00-03:30");
  CHECK(FormatRfc3339DateTime(NewYear2026(), 0min) == "2026-01-01T00:00:00+00:00");
  CHECK(FormatRfc3339Date(2024y / std::chrono::February / 29) == "2024-02-29");
  CHECK(FormatRfc3339Date(std::chrono::year{33} / 3 / 3) == "0033-03-03");

  // Years that RFC 3339 cannot write are written as the nearer bound.
  const Instant year_25 = Instant{sys_days{std::chrono::year{25} / 12 / 31}} + 17h;
  CHECK(FormatRfc3339DateTime(year_25) == "0025-12-31T17:00:00Z");
  const Instant year_0 = Instant{sys_days{std::chrono::year{0} / 6 / 1}};
  CHECK(FormatRfc3339DateTime(year_0) == "0001-01-01T00:00:00Z");
  const Instant year_10000 = Instant{sys_days{std::chrono::year{10000} / 6 / 1}};
  CHECK(FormatRfc3339DateTime(year_10000) == "9999-12-31T23:59:59Z");
  CHECK(FormatRfc3339DateTime(Instant{sys_days{std::chrono::year{1} / 1 / 1}}, -1h) ==
        "0001-01-01T00:00:00-01:00");
  CHECK(FormatRfc3339Date(std::chrono::year{-26} / 1 / 1) == "0001-01-01");
  CHECK(FormatRfc3339Date(std::chrono::year{12026} / 1 / 1) == "9999-12-31");

  // Round trips over a span of instants around the edges of months and years.
  for (Instant t = NewYear2026(-400 * 24h); t < NewYear2026(400 * 24h); t += 9h + 59min + 7s) {
    const std::string text = FormatRfc3339DateTime(t);
    CAPTURE(text);
    CHECK(ParseRfc3339DateTime(text) == t);
    CHECK(ParseRfc3339DateTime(FormatRfc3339DateTime(t, 7h)) == t);
    CHECK(ParseRfc3339DateTime(FormatRfc3339DateTime(t, -(9h + 30min))) == t);
  }
}

}  // namespace
}  // namespace motcua
