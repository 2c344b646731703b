// report_service.h: reports for admins and auditors, scoped to their agency.
//
// Two reports over the report facts the store keeps with every dossier
// (report_facts.h, report_query.h):
//  - Summary: counts per procedure, agency or month of submission, with
//    rates, and the agency's work on fork branches by its own time;
//  - Scorecard: the national index components the engine has data for
//    (national_index.h), with their formula inputs.
//
// Scope: only staff holding the admin or auditor role, and only their own
// agency's dossiers. Naming another agency is kPermissionDenied
// ("other_agency"); anyone else is kPermissionDenied ("role_not_allowed").
// An empty period (to <= from) is kInvalidArgument with pointer "/to".
//
// Thread-safe: all state lives in the store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/national_index.h"
#include "engine/domain/report_query.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"

namespace motcua {

struct ReportRequest {
  std::optional<Instant> from;        // default: no lower bound
  std::optional<Instant> to;          // default: the end of the current second (exclusive)
  std::optional<std::string> agency;  // default: the caller's; another is refused
  std::optional<std::string> procedure_code;
  ReportGroupBy group_by = ReportGroupBy::kProcedure;
};

// Rates of one group: fractions 0-1 rounded to 4 decimals; empty when the
// denominator is 0.
struct ReportRates {
  // (finished_on_time + in_progress_on_time) / received
  std::optional<double> on_time;
  std::optional<double> online;               // submitted_online / dossiers
  std::optional<double> fully_online;         // fully_online / finished
  std::optional<double> online_payment;       // paid_online / fee_bearing
  std::optional<double> electronic_results;   // electronic_results / results
  std::optional<double> documents_digitized;  // documents_digitized / documents_total
  std::optional<double> rating_average;       // rating_sum / ratings (1-5 scale)
};
ReportRates RatesOf(const ReportCounts& counts);

struct ReportSummaryGroup {
  std::string key;
  ReportCounts counts;
  ReportRates rates;
};

// The answer's period and scope as applied.
struct ReportScope {
  std::string agency;
  std::optional<std::string> procedure_code;
  std::optional<Instant> from;
  Instant to;
  Instant generated_at;  // "now" for in-progress dossiers
};

// The fork branches (fork.h) the agency handled on dossiers of any agency
// (its own included), judged on its own time only: those started in the
// period, of the procedure if one is named.
struct BranchWork {
  BranchReportCounts counts;
  // (finished_on_time + in_progress_on_time) / branches, rounded to 4
  // decimals; empty without branches.
  std::optional<double> on_time;
};

struct ReportSummary {
  ReportScope scope;
  ReportGroupBy group_by = ReportGroupBy::kProcedure;
  std::vector<ReportSummaryGroup> groups;  // by key
  ReportSummaryGroup total;                // key "total"
  BranchWork branch_work;
};

struct Scorecard {
  ReportScope scope;
  std::vector<IndexComponent> components;  // points rounded to 2 decimals, ratios to 4
  double points = 0;                       // sum over components with data
  double max_points = 0;                   // sum of the maxima of components with data
};

class ReportService {
 public:
  ReportService(DossierStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  Result<ReportSummary> Summary(const Actor& actor, const ReportRequest& request);
  // `request.group_by` and `procedure_code` are ignored: the scorecard covers
  // every procedure of the agency.
  Result<Scorecard> ScorecardOf(const Actor& actor, const ReportRequest& request);

 private:
  Result<ReportScope> Scope(const Actor& actor, const ReportRequest& request) const;

  DossierStore& store_;
  const Clock& clock_;
};

// Rounds to `decimals` decimal places (for rates and points).
double RoundTo(double value, int decimals);

}  // namespace motcua
