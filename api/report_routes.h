// report_routes.h: reports for admins and auditors over HTTP.
//
//   GET /v1/reports/summary?from&to&agency&procedure&group_by=procedure|agency|month
//       counts and rates per group, plus a total row.
//   GET /v1/reports/scorecard?from&to&agency
//       the national index components the engine has data for, as points
//       with the formula inputs.
//
// `from` (inclusive) and `to` (exclusive) bound the submission time: a UTC
// time (2026-03-02T08:00:00Z) or a date (2026-03-02), which means local
// midnight of the calendar's time zone (UTC+7). Without `from` the period is
// open; without `to` it ends now. `agency` may only name the caller's own
// agency (403 otherwise). A malformed parameter is 422 problem+json naming
// it ("/from", "/to", "/group_by"). Rates are fractions with 4 decimals,
// null when their denominator is 0.
//
// `Accept: text/csv` answers CSV instead of JSON (RFC 4180: header row, CRLF
// line ends, fields quoted when they contain a comma, quote or line break;
// null is an empty field): one row per group (then "total") or component.
// Scope and roles are ReportService's (engine/service/report_service.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/handler_support.h"
#include "api/router.h"
#include "engine/domain/calendar.h"
#include "engine/service/report_service.h"

namespace motcua {

struct ReportApi {
  ReportService& reports;
  Authenticator authenticate;
  const WorkingCalendar& calendar;  // the time zone of date-only parameters
};

// One CSV record (RFC 4180) with its CRLF.
std::string CsvRecord(const std::vector<std::string>& fields);

// `api` and what it refers to must outlive the router.
Status AddReportRoutes(Router& router, const ReportApi& api);

}  // namespace motcua
