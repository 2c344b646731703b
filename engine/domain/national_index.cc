#include "engine/domain/national_index.h"

#include <algorithm>

namespace motcua {
namespace {

IndexComponent Component(const IndexComponentRule& rule, std::string formula,
                         std::vector<IndexInput> inputs, std::optional<double> ratio) {
  IndexComponent component;
  component.component = rule.component;
  component.formula = std::move(formula);
  component.max_points = rule.max_points;
  component.threshold = rule.threshold;
  component.inputs = std::move(inputs);
  component.ratio = ratio;
  if (ratio) component.points = IndexPoints(rule, *ratio);
  return component;
}

std::optional<double> Ratio(std::int64_t numerator, std::int64_t denominator) {
  if (denominator <= 0) return std::nullopt;
  return static_cast<double>(numerator) / static_cast<double>(denominator);
}

}  // namespace

double IndexPoints(const IndexComponentRule& rule, double ratio) {
  return rule.max_points * std::min(1.0, ratio / rule.threshold);
}

std::vector<IndexComponent> ScoreNationalIndex(const ReportCounts& c) {
  std::vector<IndexComponent> components;
  components.push_back(Component(kTimelinessRule,
                                 "(finished_on_time + in_progress_on_time) / received",
                                 {{"finished_on_time", c.finished_on_time},
                                  {"in_progress_on_time", c.in_progress_on_time},
                                  {"received", c.received}},
                                 Ratio(c.finished_on_time + c.in_progress_on_time, c.received)));
  components.push_back(
      Component(kOnlineServicesRule, "submitted_online / dossiers",
                {{"submitted_online", c.submitted_online}, {"dossiers", c.dossiers}},
                Ratio(c.submitted_online, c.dossiers)));
  components.push_back(Component(kOnlinePaymentRule, "paid_online / fee_bearing",
                                 {{"paid_online", c.paid_online}, {"fee_bearing", c.fee_bearing}},
                                 Ratio(c.paid_online, c.fee_bearing)));
  components.push_back(
      Component(kSatisfactionRule, "ratings_satisfied / ratings",
                {{"ratings_satisfied", c.ratings_satisfied}, {"ratings", c.ratings}},
                Ratio(c.ratings_satisfied, c.ratings)));

  // The mean of the parts that have data.
  double sum = 0;
  int parts = 0;
  for (const std::optional<double>& part :
       {Ratio(c.electronic_results, c.results), Ratio(c.documents_digitized, c.documents_total),
        Ratio(c.population_data, c.dossiers)}) {
    if (!part) continue;
    sum += *part;
    ++parts;
  }
  const std::optional<double> digitization =
      parts > 0 ? std::optional<double>(sum / parts) : std::nullopt;
  components.push_back(Component(kDigitizationRule,
                                 "mean of electronic_results / results, documents_digitized / "
                                 "documents_total and population_data / dossiers",
                                 {{"electronic_results", c.electronic_results},
                                  {"results", c.results},
                                  {"documents_digitized", c.documents_digitized},
                                  {"documents_total", c.documents_total},
                                  {"population_data", c.population_data},
                                  {"dossiers", c.dossiers}},
                                 digitization));
  return components;
}

}  // namespace motcua
