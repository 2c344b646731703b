// report_query_fuzzer: the query string of the report routes, the parameters
// an admin or auditor controls (from, to, agency, procedure, group_by, ...).
//
// Input: a query string (without "?"), e.g. "from=2026-01-01&group_by=month".
// It is sent to GET /v1/reports/summary or /v1/reports/scorecard, as JSON
// or as CSV, by the admin or the auditor of the world's agency (see
// http_world.h: the routes as `motcua serve` wires them, on the in-memory
// store with one dossier received). The parsed parameters also go through
// the domain's report query functions. Any crash, sanitizer report, escaping
// exception or 5xx answer is a finding: bad parameters must get a 400 naming
// the parameter.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "api/handler_support.h"
#include "engine/domain/report_query.h"
#include "engine/domain/rfc3339.h"
#include "tests/fuzz/http_world.h"

namespace {

void Expect4xxOr2xx(const motcua::HttpRequest& request, const motcua::HttpResponse& response) {
  if (response.status >= 500) {
    std::fprintf(stderr, "report_query_fuzzer: GET %s answered %d: %s\n", request.target.c_str(),
                 response.status, response.body.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace motcua;
  const std::string query(reinterpret_cast<const char*>(data), size);
  if (query.find_first_of("\r\n") != std::string::npos) return 0;  // not one request line

  HttpRequest parsed = MakeHttpRequest("GET", "/v1/reports/summary?" + query);
  for (const auto& [name, value] : parsed.query) {
    if (name == "group_by") (void)ReportGroupByFromName(value);
    if (name == "from" || name == "to")
      (void)ParseRfc3339DateOrDateTime(value, std::chrono::hours(7));
  }

  // One request per input: the route, the caller and the format are chosen
  // by a hash of the query, so every combination is reached over a campaign
  // at an eighth of the cost of sending all eight.
  static constexpr const char* kPaths[] = {"/v1/reports/summary?", "/v1/reports/scorecard?"};
  static constexpr const char* kTokens[] = {"t-admin", "t-auditor"};
  static constexpr const char* kAccepts[] = {"application/json", "text/csv"};
  const std::size_t pick = std::hash<std::string>{}(query);
  HttpRequest request = MakeHttpRequest("GET", kPaths[pick & 1] + query);
  request.headers.push_back({"Authorization", std::string("Bearer ") + kTokens[(pick >> 1) & 1]});
  request.headers.push_back({"Accept", kAccepts[(pick >> 2) & 1]});
  Expect4xxOr2xx(request, fuzz::CurrentWorld().Handle(request));
  return 0;
}
