#include "engine/cli/store_metrics.h"

#include <utility>

namespace motcua::cli {

StoreMetrics::StoreMetrics(Metrics& metrics)
    : transitions_(metrics.AddCounter("motcua_transitions_total",
                                      "Committed dossier transitions by procedure and action.",
                                      {"procedure", "action"})),
      batch_sizes_(metrics.AddHistogram("motcua_store_commit_batch_size",
                                        "Writes committed per group-commit transaction.", {},
                                        {1, 2, 4, 8, 16, 32, 64, 128, 256})) {}

void StoreMetrics::BatchCommitted(std::size_t writes) {
  batch_sizes_.Observe({}, static_cast<double>(writes));
}

void StoreMetrics::TransitionCommitted(const std::string& procedure_code,
                                       const std::string& action) {
  transitions_.Increment({procedure_code, action});
}

void StoreMetrics::AddQueueDepthGauge(Metrics& metrics,
                                      std::function<Result<std::vector<QueueDepth>>()> read) {
  metrics.AddGaugeFamily(
      "motcua_queue_depth", "Dossiers waiting in each queue.", {"role", "agency"},
      [read = std::move(read)] {
        Metrics::GaugeSeries series;
        Result<std::vector<QueueDepth>> depths = read();
        if (!depths.ok()) return series;
        for (const QueueDepth& d : *depths) {
          series.push_back({{d.role, d.agency}, static_cast<double>(d.dossiers)});
        }
        return series;
      });
}

}  // namespace motcua::cli
