// national_index.h: the components of the national service index (Decision
// 766/2022 as the national portal implements it) that the engine has data
// for, scored from report counts (report_query.h).
//
// The maxima and thresholds below come from ../shared/DOMAIN.md ("The
// national service index") and may change by decision: they live in this one
// table and nowhere else. Points for a component are
//   max_points x min(1, ratio / threshold)
// where ratio = numerator / denominator. A component whose denominator is 0
// has no data: it has no ratio and no points (which is not the same as 0).
//
// Covered: timeliness, online services (online dossiers share), online
// payment, satisfaction (ratings), digitization (electronic results,
// digitized documents, and dossiers using the population database, i.e.
// submitted by their applicant in a session at an identity provider). Not
// covered (no data in the engine): transparency, the procedure-level shares
// of online services and online payment, complaint handling, and reuse of
// digitized documents (counted, not yet scored).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/report_query.h"

namespace motcua {

struct IndexComponentRule {
  const char* component;  // e.g. "timeliness"
  double max_points;
  double threshold;  // ratio at which full marks are reached
};

// The rule table (DOMAIN.md; change by decision, here only).
inline constexpr IndexComponentRule kTimelinessRule{"timeliness", 20, 1.0};
inline constexpr IndexComponentRule kOnlineServicesRule{"online_services", 12, 0.5};
inline constexpr IndexComponentRule kOnlinePaymentRule{"online_payment", 10, 1.0};
inline constexpr IndexComponentRule kSatisfactionRule{"satisfaction", 18, 0.9};
inline constexpr IndexComponentRule kDigitizationRule{"digitization", 22, 0.8};

// One named input of a component's formula, e.g. {"received", 12}.
struct IndexInput {
  std::string name;
  std::int64_t value = 0;
};

struct IndexComponent {
  std::string component;
  std::string formula;  // in words, naming the inputs
  double max_points = 0;
  double threshold = 0;
  std::vector<IndexInput> inputs;
  std::optional<double> ratio;   // empty: no data
  std::optional<double> points;  // empty: no data
};

// Every covered component, in the order of the table above.
//  - timeliness: (finished_on_time + in_progress_on_time) / received; a
//    dossier that counts late in the index is late.
//  - online_services: submitted_online / dossiers.
//  - online_payment: paid_online / fee_bearing.
//  - satisfaction: ratings_satisfied / ratings.
//  - digitization: the mean of electronic_results / results,
//    documents_digitized / documents_total and population_data / dossiers,
//    over those with data.
std::vector<IndexComponent> ScoreNationalIndex(const ReportCounts& counts);

// Points = max x min(1, ratio / threshold).
double IndexPoints(const IndexComponentRule& rule, double ratio);

}  // namespace motcua
