#include "api/report_routes.h"

#include <cctype>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/problem.h"
#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr const char* kCsvMediaType = "text/csv; charset=utf-8";

// The counts in ReportCounts member order, named as in JSON and CSV: every
// count but the rating sums, which the responses give as rates.
std::vector<std::pair<const char*, std::int64_t>> NamedCounts(const ReportCounts& c) {
  std::vector<std::pair<const char*, std::int64_t>> named;
  for (const ReportCountField& field : ReportCountFields()) {
    if (field.member == &ReportCounts::rating_sum ||
        field.member == &ReportCounts::ratings_satisfied) {
      continue;
    }
    named.emplace_back(field.name, c.*field.member);
  }
  return named;
}

std::vector<std::pair<const char*, std::optional<double>>> NamedRates(const ReportRates& r) {
  return {{"on_time", r.on_time},
          {"online", r.online},
          {"fully_online", r.fully_online},
          {"online_payment", r.online_payment},
          {"electronic_results", r.electronic_results},
          {"documents_digitized", r.documents_digitized},
          {"rating_average", r.rating_average}};
}

json OptionalNumber(const std::optional<double>& value) {
  return value ? json(*value) : json(nullptr);
}

// A number as CSV text: shortest form that reads back (what JSON prints),
// empty for null.
std::string CsvNumber(const std::optional<double>& value) {
  return value ? json(*value).dump() : std::string();
}

bool WantsCsv(const HttpRequest& request) {
  std::optional<std::string_view> accept = request.Header("Accept");
  if (!accept) return false;
  std::string lower(*accept);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("text/csv") != std::string::npos;
}

HttpResponse CsvResponse(std::string body) {
  HttpResponse response;
  response.status = 200;
  response.content_type = kCsvMediaType;
  response.body = std::move(body);
  response.headers.push_back({"Cache-Control", "no-store"});
  return response;
}

json ScopeJson(const ReportScope& scope) {
  return {{"agency", scope.agency},
          {"procedure", scope.procedure_code ? json(*scope.procedure_code) : json(nullptr)},
          {"from", OptionalInstant(scope.from)},
          {"to", FormatRfc3339DateTime(scope.to)},
          {"generated_at", FormatRfc3339DateTime(scope.generated_at)}};
}

json GroupJson(const ReportSummaryGroup& group) {
  json counts = json::object();
  for (const auto& [name, value] : NamedCounts(group.counts)) counts[name] = value;
  json rates = json::object();
  for (const auto& [name, value] : NamedRates(group.rates)) rates[name] = OptionalNumber(value);
  return {{"key", group.key}, {"counts", counts}, {"rates", rates}};
}

// The agency's work on fork branches (BranchWork), judged on its own time.
json BranchWorkJson(const BranchWork& work) {
  const BranchReportCounts& c = work.counts;
  return {{"counts",
           {{"branches", c.branches},
            {"finished", c.finished},
            {"finished_on_time", c.finished_on_time},
            {"finished_late", c.finished_late},
            {"in_progress_on_time", c.in_progress_on_time},
            {"in_progress_overdue", c.in_progress_overdue},
            {"approved", c.approved},
            {"refused", c.refused}}},
          {"rates", {{"on_time", OptionalNumber(work.on_time)}}}};
}

std::vector<std::string> GroupCsvFields(const ReportSummaryGroup& group) {
  std::vector<std::string> fields{group.key};
  for (const auto& [name, value] : NamedCounts(group.counts))
    fields.push_back(std::to_string(value));
  for (const auto& [name, value] : NamedRates(group.rates)) fields.push_back(CsvNumber(value));
  return fields;
}

std::string SummaryCsv(const ReportSummary& summary) {
  std::vector<std::string> header{"key"};
  for (const auto& [name, value] : NamedCounts(summary.total.counts)) header.push_back(name);
  for (const auto& [name, value] : NamedRates(summary.total.rates)) {
    header.push_back(std::string(name) + "_rate");
  }
  std::string csv = CsvRecord(header);
  for (const ReportSummaryGroup& group : summary.groups) csv += CsvRecord(GroupCsvFields(group));
  csv += CsvRecord(GroupCsvFields(summary.total));
  return csv;
}

json ComponentJson(const IndexComponent& component) {
  json inputs = json::object();
  for (const IndexInput& input : component.inputs) inputs[input.name] = input.value;
  return {{"component", component.component},
          {"status", component.ratio ? "ok" : "no_data"},
          {"formula", component.formula},
          {"inputs", inputs},
          {"ratio", OptionalNumber(component.ratio)},
          {"threshold", component.threshold},
          {"max_points", component.max_points},
          {"points", OptionalNumber(component.points)}};
}

std::string InputsText(const IndexComponent& component) {
  std::string text;
  for (const IndexInput& input : component.inputs) {
    if (!text.empty()) text += "; ";
    text += input.name + "=" + std::to_string(input.value);
  }
  return text;
}

std::string ScorecardCsv(const Scorecard& card) {
  std::string csv = CsvRecord(
      {"component", "status", "points", "max_points", "ratio", "threshold", "formula", "inputs"});
  for (const IndexComponent& c : card.components) {
    csv += CsvRecord({c.component, c.ratio ? "ok" : "no_data", CsvNumber(c.points),
                      CsvNumber(c.max_points), CsvNumber(c.ratio), CsvNumber(c.threshold),
                      c.formula, InputsText(c)});
  }
  return csv;
}

class Handlers {
 public:
  explicit Handlers(const ReportApi& api) : api_(api) {}

  HttpResponse Summary(const HttpRequest& request, const PathParams&, const Actor& actor) const {
    Result<ReportRequest> parsed = Parse(request, /*with_grouping=*/true);
    if (!parsed.ok()) return ProblemResponse(parsed.error(), request.path);
    Result<ReportSummary> summary = api_.reports.Summary(actor, *parsed);
    if (!summary.ok()) return ProblemResponse(summary.error(), request.path);
    if (WantsCsv(request)) return CsvResponse(SummaryCsv(*summary));
    json groups = json::array();
    for (const ReportSummaryGroup& group : summary->groups) groups.push_back(GroupJson(group));
    json body = ScopeJson(summary->scope);
    body["group_by"] = ReportGroupByName(summary->group_by);
    body["groups"] = std::move(groups);
    body["total"] = GroupJson(summary->total);
    body["branch_work"] = BranchWorkJson(summary->branch_work);
    HttpResponse response = JsonResponse(200, body);
    response.headers.push_back({"Cache-Control", "no-store"});
    return response;
  }

  HttpResponse ScorecardRoute(const HttpRequest& request, const PathParams&,
                              const Actor& actor) const {
    Result<ReportRequest> parsed = Parse(request, /*with_grouping=*/false);
    if (!parsed.ok()) return ProblemResponse(parsed.error(), request.path);
    Result<Scorecard> card = api_.reports.ScorecardOf(actor, *parsed);
    if (!card.ok()) return ProblemResponse(card.error(), request.path);
    if (WantsCsv(request)) return CsvResponse(ScorecardCsv(*card));
    json components = json::array();
    for (const IndexComponent& component : card->components) {
      components.push_back(ComponentJson(component));
    }
    json body = ScopeJson(card->scope);
    body.erase("procedure");
    body["components"] = std::move(components);
    body["points"] = card->points;
    body["max_points"] = card->max_points;
    HttpResponse response = JsonResponse(200, body);
    response.headers.push_back({"Cache-Control", "no-store"});
    return response;
  }

 private:
  Result<ReportRequest> Parse(const HttpRequest& request, bool with_grouping) const {
    ReportRequest parsed;
    std::vector<FieldError> invalid;
    // A date means local midnight; a date-time is taken as is.
    parsed.from = InstantQuery(request, "from", api_.calendar.utc_offset(), invalid);
    parsed.to = InstantQuery(request, "to", api_.calendar.utc_offset(), invalid);
    parsed.agency = QueryValue(request, "agency");
    if (with_grouping) {
      parsed.procedure_code = QueryValue(request, "procedure");
      if (std::optional<std::string> group_by = QueryValue(request, "group_by")) {
        std::optional<ReportGroupBy> named = ReportGroupByFromName(*group_by);
        if (!named || *named == ReportGroupBy::kNone) {
          invalid.push_back({"/group_by", "must be procedure, agency or month"});
        } else {
          parsed.group_by = *named;
        }
      }
    }
    if (!invalid.empty()) {
      return Error(ErrorCode::kInvalidArgument, "invalid report parameters",
                   ErrorReason::kValidation, std::move(invalid));
    }
    return parsed;
  }

  ReportApi api_;
};

}  // namespace

std::string CsvRecord(const std::vector<std::string>& fields) {
  std::string record;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) record += ',';
    const std::string& field = fields[i];
    if (field.find_first_of(",\"\r\n") == std::string::npos) {
      record += field;
      continue;
    }
    record += '"';
    for (char c : field) {
      if (c == '"') record += '"';
      record += c;
    }
    record += '"';
  }
  record += "\r\n";
  return record;
}

Status AddReportRoutes(Router& router, const ReportApi& api) {
  auto handlers = std::make_shared<const Handlers>(api);
  const MemberRoute<Handlers> routes[] = {
      {"GET", "/v1/reports/summary", RouteAccess::kAuthenticated, &Handlers::Summary},
      {"GET", "/v1/reports/scorecard", RouteAccess::kAuthenticated, &Handlers::ScorecardRoute},
  };
  return AddMemberRoutes(router, handlers, routes, api.authenticate);
}

}  // namespace motcua
