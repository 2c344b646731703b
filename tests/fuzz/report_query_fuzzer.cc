// report_query_fuzzer: the query string of the report routes, the parameters
// an admin or auditor controls (from, to, agency, procedure, group_by, ...).
//
// Input: a query string (without "?"), e.g. "from=2026-01-01&group_by=month".
// It is sent to GET /v1/reports/summary and /v1/reports/scorecard, as JSON
// and as CSV, by the admin and the auditor of the world's agency (see
// http_world.h: the routes as `motcua serve` wires them, on the in-memory
// store with one dossier received). The parsed parameters also go through
// the domain's report query functions. Any crash, sanitizer report, escaping
// exception or 5xx answer is a finding: bad parameters must get a 400 naming
// the parameter.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "api/handler_support.h"
#include "engine/domain/report_query.h"
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
    if (name == "from" || name == "to") (void)ParseInstant(value);
  }

  fuzz::HttpWorld& world = fuzz::CurrentWorld();
  for (const char* path : {"/v1/reports/summary?", "/v1/reports/scorecard?"}) {
    for (const char* token : {"t-admin", "t-auditor"}) {
      for (const char* accept : {"application/json", "text/csv"}) {
        HttpRequest request = MakeHttpRequest("GET", path + query);
        request.headers.push_back({"Authorization", std::string("Bearer ") + token});
        request.headers.push_back({"Accept", accept});
        Expect4xxOr2xx(request, world.Handle(request));
      }
    }
  }
  return 0;
}
