#include "api/migration_routes.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/problem.h"
#include "api/report_routes.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr const char* kCsvMediaType = "text/csv; charset=utf-8";
constexpr std::string_view kPlanFields[] = {"procedure_code", "from_version", "to_version",
                                            "mapping", "filter"};
constexpr std::string_view kApplyFields[] = {"procedure_code", "from_version", "to_version",
                                             "mapping", "filter", "selection"};

bool WantsCsv(const HttpRequest& request) {
  if (QueryValue(request, "format") == "csv") return true;
  std::optional<std::string_view> accept = request.Header("Accept");
  if (!accept) return false;
  std::string lower(*accept);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("text/csv") != std::string::npos;
}

json Nullable(const std::string& text) {
  return text.empty() ? json() : json(text);
}

json VerdictJson(const MigrationVerdict& verdict) {
  return {{"code", verdict.code},
          {"version", verdict.version},
          {"state", verdict.state},
          {"target_state", Nullable(verdict.target_state)},
          {"can_move", verdict.can_move()},
          {"reason", Nullable(std::string(MigrationBlockName(verdict.block)))},
          {"detail", Nullable(verdict.detail)}};
}

// The plan as normalized, its filter with every member (null when absent).
json PlanEcho(const MigrationPlan& plan) {
  json echo = MigrationPlanJson(plan);
  json& filter = echo["filter"];
  for (const char* member : {"agency", "submitted_before", "submitted_after"}) {
    if (!filter.contains(member)) filter[member] = nullptr;
  }
  if (!filter.contains("states")) filter["states"] = json::array();
  return echo;
}

json PlanHeader(const MigrationPlan& plan, const std::string& etag) {
  return {{"procedure", plan.procedure_code},
          {"from_version", plan.from_version},
          {"to_version", plan.to_version},
          {"plan", PlanEcho(plan)},
          {"plan_etag", etag}};
}

std::string DryRunCsv(const MigrationDryRun& report) {
  std::string csv =
      CsvRecord({"code", "version", "state", "target_state", "can_move", "reason", "detail"});
  for (const MigrationVerdict& v : report.items) {
    csv += CsvRecord({v.code, std::to_string(v.version), v.state, v.target_state,
                      v.can_move() ? "true" : "false", std::string(MigrationBlockName(v.block)),
                      v.detail});
  }
  return csv;
}

json DryRunJson(const MigrationDryRun& report) {
  json body = PlanHeader(report.plan, report.plan_etag);
  json states = json::array();
  std::int64_t movable = 0;
  for (const MigrationStateSummary& summary : report.states) {
    json blocked = json::object();
    for (const auto& [reason, count] : summary.blocked) blocked[reason] = count;
    states.push_back({{"state", summary.state},
                      {"count", summary.count},
                      {"movable", summary.movable},
                      {"blocked", blocked}});
    movable += summary.movable;
  }
  json items = json::array();
  for (std::size_t i = 0; i < report.items.size() && i < kMaxDryRunItems; ++i) {
    items.push_back(VerdictJson(report.items[i]));
  }
  const auto total = static_cast<std::int64_t>(report.items.size());
  body["total"] = total;
  body["movable"] = movable;
  body["blocked"] = total - movable;
  body["states"] = states;
  body["items"] = items;
  body["items_truncated"] = report.items.size() > kMaxDryRunItems;
  body["selection"] = MigrationSelectionJson(report.selection);
  return body;
}

json AppliedJson(const MigrationApplied& applied) {
  json body = PlanHeader(applied.plan, applied.plan_etag);
  json items = json::array();
  for (const MigrationOutcome& outcome : applied.items) {
    json item = VerdictJson(outcome.verdict);
    item["outcome"] = outcome.moved ? "moved" : "skipped";
    items.push_back(std::move(item));
  }
  body["moved"] = applied.moved;
  body["skipped"] = applied.skipped;
  body["items"] = items;
  return body;
}

// The etag of If-Match: "<etag>" (quotes optional); kInvalidArgument
// "invalid_if_match" when absent or empty.
Result<std::string> PlanEtag(const HttpRequest& request) {
  std::optional<std::string_view> header = request.Header("If-Match");
  std::string_view text = header.value_or("");
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  if (text.empty()) {
    return Error(ErrorCode::kInvalidArgument,
                 "If-Match must carry the plan_etag of the dry run, e.g. \"3f2a...\"",
                 ErrorReason::kInvalidIfMatch);
  }
  return std::string(text);
}

class Handlers {
 public:
  explicit Handlers(const MigrationApi& api) : api_(api) {}

  HttpResponse DryRun(const HttpRequest& request, const PathParams& params,
                      const Actor& actor) const {
    Result<json> plan = ParseObjectBody(request, kPlanFields);
    if (!plan.ok()) return ProblemResponse(plan.error(), request.path);
    auto report = api_.migrations.DryRun(actor, params.at("code"), *plan);
    if (!report.ok()) return ProblemResponse(report.error(), request.path);
    HttpResponse response;
    if (WantsCsv(request)) {
      response.status = 200;
      response.content_type = kCsvMediaType;
      response.body = DryRunCsv(*report);
      response.headers.push_back({"Cache-Control", "no-store"});
    } else {
      response = JsonResponse(200, DryRunJson(*report));
    }
    response.headers.push_back({"ETag", "\"" + report->plan_etag + "\""});
    return response;
  }

  HttpResponse Apply(const HttpRequest& request, const PathParams& params,
                     const Actor& actor) const {
    Result<std::string> etag = PlanEtag(request);
    if (!etag.ok()) return ProblemResponse(etag.error(), request.path);
    Result<json> plan = ParseObjectBody(request, kApplyFields);
    if (!plan.ok()) return ProblemResponse(plan.error(), request.path);
    Result<MigrationSelection> selection =
        ParseMigrationSelection(plan->value("selection", json()));
    if (!selection.ok()) return ProblemResponse(selection.error(), request.path);
    plan->erase("selection");
    auto applied = api_.migrations.Apply(actor, params.at("code"), *plan, *selection, *etag);
    if (!applied.ok()) return ProblemResponse(applied.error(), request.path);
    return JsonResponse(200, AppliedJson(*applied));
  }

 private:
  const MigrationApi& api_;
};

}  // namespace

Status AddMigrationRoutes(Router& router, const MigrationApi& api) {
  auto handlers = std::make_shared<const Handlers>(api);
  const MemberRoute<Handlers> routes[] = {
      {"POST", "/v1/procedures/{code}/migrations/dry-run", RouteAccess::kAuthenticated,
       &Handlers::DryRun},
      {"POST", "/v1/procedures/{code}/migrations/apply", RouteAccess::kAuthenticated,
       &Handlers::Apply},
  };
  return AddMemberRoutes(router, handlers, routes, api.authenticate);
}

}  // namespace motcua
