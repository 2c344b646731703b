// metrics.h: a thread-safe metrics registry rendered as Prometheus text.
//
// Families are registered once (counters, histograms, gauges read through a
// callback) and rendered in the Prometheus text exposition format 0.0.4, in
// registration order; series within a family are sorted by label values.
// Label values must come from a small fixed set (for HTTP: the route
// PATTERN, never the raw path), or the number of series grows without bound.
//
// Thread safety: every member may be called concurrently. References returned
// by AddCounter()/AddHistogram() stay valid as long as the Metrics object.
// Gauge callbacks run inside RenderText() without any Metrics lock held, so
// they may not deadlock on it, but must be thread-safe themselves.
//
// Example:
//   CounterFamily& requests = metrics.AddCounter(
//       "motcua_http_requests_total", "HTTP requests.", {"route", "status"});
//   requests.Increment({"/healthz", "200"});
//   std::string text = metrics.RenderText();
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace motcua {

// Prometheus client defaults, in seconds:
// .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> DefaultLatencyBuckets();

// A monotonically increasing value per combination of label values.
class CounterFamily {
 public:
  explicit CounterFamily(std::vector<std::string> label_names)
      : label_names_(std::move(label_names)) {}

  // Adds `amount` (>= 0; negative amounts are ignored) to the series with
  // these label values, given in the order of the family's label names. A
  // call with the wrong number of values is ignored.
  void Increment(const std::vector<std::string>& label_values, double amount = 1.0);

  // The current value of one series (0 if it was never incremented).
  double Value(const std::vector<std::string>& label_values) const;

 private:
  friend class Metrics;
  std::vector<std::string> label_names_;
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, double> values_;
};

// Cumulative buckets of observed values (e.g. latency in seconds).
class HistogramFamily {
 public:
  HistogramFamily(std::vector<std::string> label_names, std::vector<double> upper_bounds);

  // Records `value` in the series with these label values; a call with the
  // wrong number of values is ignored.
  void Observe(const std::vector<std::string>& label_values, double value);

 private:
  friend class Metrics;
  struct Series {
    std::vector<unsigned long long> bucket_counts;  // per bound, not cumulative
    unsigned long long count = 0;
    double sum = 0;
  };
  std::vector<std::string> label_names_;
  std::vector<double> upper_bounds_;  // sorted, without +Inf
  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, Series> series_;
};

class Metrics {
 public:
  // Registers a counter family, or returns the one already registered under
  // `name` if it is a counter (label names are then those of the first
  // registration). `name` must be a valid Prometheus metric name; by
  // convention counters end in "_total".
  CounterFamily& AddCounter(std::string_view name, std::string_view help,
                            std::vector<std::string> label_names);

  // Registers a histogram family (or returns the existing one, as above).
  HistogramFamily& AddHistogram(std::string_view name, std::string_view help,
                                std::vector<std::string> label_names,
                                std::vector<double> upper_bounds = DefaultLatencyBuckets());

  // Registers an unlabelled gauge whose value `read` returns at render time.
  // A second registration under the same name replaces the callback.
  void AddGauge(std::string_view name, std::string_view help, std::function<double()> read);

  // Registers a labelled gauge family whose series `read` returns at render
  // time (label values in the order of `label_names`; series with the wrong
  // number of values are skipped). Replaces an earlier registration.
  using GaugeSeries = std::vector<std::pair<std::vector<std::string>, double>>;
  void AddGaugeFamily(std::string_view name, std::string_view help,
                      std::vector<std::string> label_names, std::function<GaugeSeries()> read);

  // All families in the Prometheus text format 0.0.4 (ends with a newline
  // when not empty).
  std::string RenderText() const;

 private:
  enum class Kind { kCounter, kHistogram, kGauge, kGaugeFamily };
  struct Family {
    std::string name;
    std::string help;
    Kind kind;
    std::unique_ptr<CounterFamily> counter;
    std::unique_ptr<HistogramFamily> histogram;
    std::shared_ptr<const std::function<double()>> gauge;
    std::vector<std::string> gauge_labels;
    std::shared_ptr<const std::function<GaugeSeries()>> gauge_family;
  };

  Family* FindLocked(std::string_view name);

  mutable std::mutex mutex_;
  std::vector<Family> families_;
};

// The media type of RenderText()'s output.
inline constexpr std::string_view kPrometheusContentType = "text/plain; version=0.0.4";

// A number as Prometheus writes it: shortest round-trip decimal, integers
// without a fraction ("3", "0.005", "2.5"), "+Inf", "-Inf", "NaN".
std::string FormatMetricValue(double value);

}  // namespace motcua
