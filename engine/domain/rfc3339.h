// rfc3339.h: the one reader and writer of dates and instants as text.
//
// Dates and instants cross motcua's edges as RFC 3339 text (the profile of
// ISO 8601 that JSON Schema's "date" and "date-time" formats name): query
// parameters, action inputs, form fields, working-day calendars, JSON and CSV
// responses, the CLI. Every parser and formatter of such text is this one, so
// that what one edge writes another reads, and what one refuses all refuse.
//
// Accepted, exactly (nothing before, between or after):
//   date       "YYYY-MM-DD": year 0001-9999 in four digits, month 01-12, and a
//              day of that month (29 February only in leap years).
//   date-time  date "T" "HH:MM:SS" ["." 1*DIGIT] ("Z" | "+HH:MM" | "-HH:MM"):
//              hours 00-23, minutes 00-59, seconds 00-59; an offset up to
//              23:59 either way. The offset is mandatory.
// Decisions within what RFC 3339 leaves open:
//   - "t" and "z" in lower case are accepted (RFC 3339 section 5.6: the ABNF
//     is case-insensitive); a space in place of "T" is not (section 5.6's
//     note lets applications choose; in a query string "+" decodes to space).
//   - Year 0000 is refused (ISO 8601 needs agreement for it; no dossier has
//     it), and so is every signed or expanded year (ISO 8601's "+10000").
//   - A leap second, ":60", is accepted only where one can occur: when the
//     time in UTC is 23:59 (the JSON Schema test suite's rule; motcua keeps no
//     table of announced leap seconds). Instant has no leap seconds (it counts
//     like POSIX time), so the instant of "23:59:60Z" is 23:59:59Z, as
//     std::chrono::utc_clock::to_sys maps it.
//   - A fraction of a second may have any number of digits; Instant counts
//     whole seconds, so it is dropped (rounded toward the past).
//
//   - The instant named must itself be writable in UTC, from
//     0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z: "0001-01-01T00:00:00+01:00"
//     is refused, so that every parsed instant formats back to the same one.
//
// Formatting writes only what parsing accepts, in UTC with "Z" (or at a given
// offset), whole seconds. A time outside 0001-01-01T00:00:00 to
// 9999-12-31T23:59:59, which no parse produces, is written as the nearer
// bound, never as a year of another width.
//
// All functions are pure, never throw, and take time linear in their input.
//
// Example:
//   std::optional<Instant> due = ParseRfc3339DateTime("2026-12-01T17:00:00+07:00");
//   FormatRfc3339DateTime(*due) == "2026-12-01T10:00:00Z";
//   ParseRfc3339Date("2026-02-29") == std::nullopt;  // 2026 is not a leap year
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "engine/domain/clock.h"

namespace motcua {

// A date "YYYY-MM-DD" as above; empty for anything else.
std::optional<std::chrono::year_month_day> ParseRfc3339Date(std::string_view text);

// A date-time with its offset, as the instant it names; empty for anything
// else (including a date-time without an offset).
std::optional<Instant> ParseRfc3339DateTime(std::string_view text);

// An offset "+HH:MM" or "-HH:MM" (up to 23:59), in minutes east of UTC; empty
// for anything else, "Z" included.
std::optional<std::chrono::minutes> ParseRfc3339Offset(std::string_view text);

// A date-time as ParseRfc3339DateTime, or a date, meaning its midnight at
// `offset_of_dates` east of UTC. For query bounds such as ?from=2026-03-02.
std::optional<Instant> ParseRfc3339DateOrDateTime(std::string_view text,
                                                  std::chrono::minutes offset_of_dates);

// "YYYY-MM-DD". `date` must be ok(); a date outside 0001-01-01 to 9999-12-31
// is written as the nearer bound.
std::string FormatRfc3339Date(std::chrono::year_month_day date);

// "YYYY-MM-DDTHH:MM:SSZ", e.g. "2026-03-02T01:00:00Z".
std::string FormatRfc3339DateTime(Instant t);

// The same instant as local time at `offset` east of UTC (at most 23:59 either
// way), e.g. "2026-03-02T08:00:00+07:00" at +7 hours.
std::string FormatRfc3339DateTime(Instant t, std::chrono::minutes offset);

}  // namespace motcua
