#include "api/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace motcua {
namespace {

std::string EscapeLabelValue(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '"') {
      escaped += "\\\"";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string EscapeHelp(std::string_view help) {
  std::string escaped;
  for (char c : help) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

// {a="x",b="y"} plus an optional extra pair (the histogram's "le"); empty
// string when there are no labels at all.
std::string RenderLabels(const std::vector<std::string>& names,
                         const std::vector<std::string>& values, std::string_view extra_name = {},
                         std::string_view extra_value = {}) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += text.empty() ? "{" : ",";
    text += names[i] + "=\"" + EscapeLabelValue(values[i]) + "\"";
  }
  if (!extra_name.empty()) {
    text += text.empty() ? "{" : ",";
    text += std::string(extra_name) + "=\"" + std::string(extra_value) + "\"";
  }
  if (!text.empty()) text += "}";
  return text;
}

void RenderHeader(std::string& out, const std::string& name, const std::string& help,
                  std::string_view type) {
  out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  out += "# TYPE " + name + " " + std::string(type) + "\n";
}

}  // namespace

std::vector<double> DefaultLatencyBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

void CounterFamily::Increment(const std::vector<std::string>& label_values, double amount) {
  if (label_values.size() != label_names_.size() || !(amount >= 0)) return;
  std::lock_guard lock(mutex_);
  values_[label_values] += amount;
}

double CounterFamily::Value(const std::vector<std::string>& label_values) const {
  std::lock_guard lock(mutex_);
  auto it = values_.find(label_values);
  return it == values_.end() ? 0 : it->second;
}

HistogramFamily::HistogramFamily(std::vector<std::string> label_names,
                                 std::vector<double> upper_bounds)
    : label_names_(std::move(label_names)), upper_bounds_(std::move(upper_bounds)) {
  std::sort(upper_bounds_.begin(), upper_bounds_.end());
  upper_bounds_.erase(std::unique(upper_bounds_.begin(), upper_bounds_.end()), upper_bounds_.end());
  while (!upper_bounds_.empty() && std::isinf(upper_bounds_.back())) upper_bounds_.pop_back();
}

void HistogramFamily::Observe(const std::vector<std::string>& label_values, double value) {
  if (label_values.size() != label_names_.size()) return;
  std::lock_guard lock(mutex_);
  Series& series = series_[label_values];
  if (series.bucket_counts.empty()) series.bucket_counts.assign(upper_bounds_.size(), 0);
  // Buckets are "less than or equal": the first bound >= value gets it.
  auto bound = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value);
  if (bound != upper_bounds_.end()) {
    ++series.bucket_counts[static_cast<std::size_t>(bound - upper_bounds_.begin())];
  }
  ++series.count;
  series.sum += value;
}

Metrics::Family* Metrics::FindLocked(std::string_view name) {
  for (Family& family : families_) {
    if (family.name == name) return &family;
  }
  return nullptr;
}

CounterFamily& Metrics::AddCounter(std::string_view name, std::string_view help,
                                   std::vector<std::string> label_names) {
  std::lock_guard lock(mutex_);
  if (Family* existing = FindLocked(name); existing != nullptr && existing->counter) {
    return *existing->counter;
  }
  Family family{std::string(name),
                std::string(help),
                Kind::kCounter,
                std::make_unique<CounterFamily>(std::move(label_names)),
                nullptr,
                nullptr,
                {},
                nullptr};
  families_.push_back(std::move(family));
  return *families_.back().counter;
}

HistogramFamily& Metrics::AddHistogram(std::string_view name, std::string_view help,
                                       std::vector<std::string> label_names,
                                       std::vector<double> upper_bounds) {
  std::lock_guard lock(mutex_);
  if (Family* existing = FindLocked(name); existing != nullptr && existing->histogram) {
    return *existing->histogram;
  }
  Family family{std::string(name),
                std::string(help),
                Kind::kHistogram,
                nullptr,
                std::make_unique<HistogramFamily>(std::move(label_names), std::move(upper_bounds)),
                nullptr,
                {},
                nullptr};
  families_.push_back(std::move(family));
  return *families_.back().histogram;
}

void Metrics::AddGauge(std::string_view name, std::string_view help, std::function<double()> read) {
  auto callback = std::make_shared<const std::function<double()>>(std::move(read));
  std::lock_guard lock(mutex_);
  if (Family* existing = FindLocked(name); existing != nullptr && existing->kind == Kind::kGauge) {
    existing->help = std::string(help);
    existing->gauge = std::move(callback);
    return;
  }
  families_.push_back(Family{
      std::string(name), std::string(help), Kind::kGauge, nullptr, nullptr, callback, {}, nullptr});
}

void Metrics::AddGaugeFamily(std::string_view name, std::string_view help,
                             std::vector<std::string> label_names,
                             std::function<GaugeSeries()> read) {
  auto callback = std::make_shared<const std::function<GaugeSeries()>>(std::move(read));
  std::lock_guard lock(mutex_);
  if (Family* existing = FindLocked(name);
      existing != nullptr && existing->kind == Kind::kGaugeFamily) {
    existing->help = std::string(help);
    existing->gauge_labels = std::move(label_names);
    existing->gauge_family = std::move(callback);
    return;
  }
  Family family{std::string(name), std::string(help), Kind::kGaugeFamily,     nullptr,
                nullptr,           nullptr,           std::move(label_names), std::move(callback)};
  families_.push_back(std::move(family));
}

std::string Metrics::RenderText() const {
  // Snapshot the family list, then render each family under its own lock so
  // gauge callbacks run with no Metrics lock held. Family objects are never
  // removed, so the raw pointers stay valid.
  struct View {
    std::string name;
    std::string help;
    Kind kind;
    const CounterFamily* counter;
    const HistogramFamily* histogram;
    std::shared_ptr<const std::function<double()>> gauge;
    std::vector<std::string> gauge_labels;
    std::shared_ptr<const std::function<GaugeSeries()>> gauge_family;
  };
  std::vector<View> views;
  {
    std::lock_guard lock(mutex_);
    for (const Family& family : families_) {
      views.push_back({family.name, family.help, family.kind, family.counter.get(),
                       family.histogram.get(), family.gauge, family.gauge_labels,
                       family.gauge_family});
    }
  }

  std::string out;
  for (const View& view : views) {
    switch (view.kind) {
      case Kind::kCounter: {
        RenderHeader(out, view.name, view.help, "counter");
        std::lock_guard lock(view.counter->mutex_);
        for (const auto& [values, total] : view.counter->values_) {
          out += view.name + RenderLabels(view.counter->label_names_, values) + " " +
                 FormatMetricValue(total) + "\n";
        }
        break;
      }
      case Kind::kHistogram: {
        RenderHeader(out, view.name, view.help, "histogram");
        const HistogramFamily& histogram = *view.histogram;
        std::lock_guard lock(histogram.mutex_);
        for (const auto& [values, series] : histogram.series_) {
          unsigned long long cumulative = 0;
          for (std::size_t i = 0; i < histogram.upper_bounds_.size(); ++i) {
            cumulative += series.bucket_counts[i];
            out += view.name + "_bucket" +
                   RenderLabels(histogram.label_names_, values, "le",
                                FormatMetricValue(histogram.upper_bounds_[i])) +
                   " " + std::to_string(cumulative) + "\n";
          }
          out += view.name + "_bucket" +
                 RenderLabels(histogram.label_names_, values, "le", "+Inf") + " " +
                 std::to_string(series.count) + "\n";
          std::string labels = RenderLabels(histogram.label_names_, values);
          out += view.name + "_sum" + labels + " " + FormatMetricValue(series.sum) + "\n";
          out += view.name + "_count" + labels + " " + std::to_string(series.count) + "\n";
        }
        break;
      }
      case Kind::kGauge: {
        RenderHeader(out, view.name, view.help, "gauge");
        out += view.name + " " + FormatMetricValue((*view.gauge)()) + "\n";
        break;
      }
      case Kind::kGaugeFamily: {
        RenderHeader(out, view.name, view.help, "gauge");
        GaugeSeries series = (*view.gauge_family)();
        std::sort(series.begin(), series.end());
        for (const auto& [values, value] : series) {
          if (values.size() != view.gauge_labels.size()) continue;
          out += view.name + RenderLabels(view.gauge_labels, values) + " " +
                 FormatMetricValue(value) + "\n";
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace motcua
