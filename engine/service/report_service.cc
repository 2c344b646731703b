#include "engine/service/report_service.h"

#include <cmath>

#include "engine/domain/access.h"
#include "engine/domain/identity.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

// Reports without `from` start here (before any dossier).
constexpr Instant kBeginningOfTime{};

std::optional<double> Rate(std::int64_t numerator, std::int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  return RoundTo(static_cast<double>(numerator) / static_cast<double>(denominator), 4);
}

ReportSummaryGroup GroupOf(std::string key, const ReportCounts& counts) {
  return ReportSummaryGroup{std::move(key), counts, RatesOf(counts)};
}

}  // namespace

double RoundTo(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(value * scale) / scale;
}

ReportRates RatesOf(const ReportCounts& c) {
  ReportRates rates;
  rates.on_time = Rate(c.finished_on_time + c.in_progress_on_time, c.received);
  rates.online = Rate(c.submitted_online, c.dossiers);
  rates.fully_online = Rate(c.fully_online, c.finished);
  rates.online_payment = Rate(c.paid_online, c.fee_bearing);
  rates.electronic_results = Rate(c.electronic_results, c.results);
  rates.documents_digitized = Rate(c.documents_digitized, c.documents_total);
  rates.rating_average = Rate(c.rating_sum, c.ratings);
  return rates;
}

Result<ReportScope> ReportService::Scope(const Actor& actor, const ReportRequest& request) const {
  if (Status allowed = Authorize(actor, Operation::kReadReports); !allowed.ok()) {
    return allowed.error();
  }
  if (request.agency && *request.agency != actor.agency) {
    return Error(ErrorCode::kPermissionDenied, "reports cover only the caller's own agency",
                 ErrorReason::kOtherAgency,
                 {{"/agency", "must be your own agency " + actor.agency}});
  }
  ReportScope scope;
  scope.agency = actor.agency;
  scope.procedure_code = request.procedure_code;
  scope.generated_at = clock_.Now();
  scope.from = request.from;
  // Times are whole seconds: by default the period ends with the current
  // second, so that what was recorded in it (a dossier submitted just now)
  // counts.
  scope.to = request.to.value_or(scope.generated_at + std::chrono::seconds(1));
  if (scope.to <= scope.from.value_or(kBeginningOfTime)) {
    return Error(ErrorCode::kInvalidArgument, "the report period is empty",
                 ErrorReason::kValidation, {{"/to", "must be after from"}});
  }
  return scope;
}

Result<ReportSummary> ReportService::Summary(const Actor& actor, const ReportRequest& request) {
  ASSIGN_OR_RETURN(ReportScope scope, Scope(actor, request));
  ReportQuery query;
  query.agency = scope.agency;
  query.procedure_code = scope.procedure_code;
  query.from = scope.from.value_or(kBeginningOfTime);
  query.to = scope.to;
  query.group_by = request.group_by;
  query.now = scope.generated_at;
  ASSIGN_OR_RETURN(std::vector<ReportGroup> groups, store_.AggregateReport(query));
  ReportSummary summary;
  summary.scope = scope;
  summary.group_by = request.group_by;
  for (const ReportGroup& group : groups)
    summary.groups.push_back(GroupOf(group.key, group.counts));
  summary.total = GroupOf("total", SumCounts(groups));
  BranchReportQuery branch_query{scope.agency, scope.procedure_code, query.from, query.to,
                                 query.now};
  ASSIGN_OR_RETURN(summary.branch_work.counts, store_.AggregateBranchReport(branch_query));
  const BranchReportCounts& work = summary.branch_work.counts;
  summary.branch_work.on_time =
      Rate(work.finished_on_time + work.in_progress_on_time, work.branches);
  return summary;
}

Result<Scorecard> ReportService::ScorecardOf(const Actor& actor, const ReportRequest& request) {
  ReportRequest whole = request;
  whole.procedure_code.reset();
  ASSIGN_OR_RETURN(ReportScope scope, Scope(actor, whole));
  ReportQuery query;
  query.agency = scope.agency;
  query.from = scope.from.value_or(kBeginningOfTime);
  query.to = scope.to;
  query.group_by = ReportGroupBy::kNone;
  query.now = scope.generated_at;
  ASSIGN_OR_RETURN(std::vector<ReportGroup> groups, store_.AggregateReport(query));
  Scorecard card;
  card.scope = scope;
  card.components = ScoreNationalIndex(SumCounts(groups));
  for (IndexComponent& component : card.components) {
    if (component.ratio) component.ratio = RoundTo(*component.ratio, 4);
    if (!component.points) continue;
    component.points = RoundTo(*component.points, 2);
    card.points += *component.points;
    card.max_points += component.max_points;
  }
  card.points = RoundTo(card.points, 2);
  return card;
}

}  // namespace motcua
