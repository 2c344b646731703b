// store_metrics.h: the store's figures on /metrics.
//
//   motcua_transitions_total{procedure,action}   committed transitions
//   motcua_store_commit_batch_size               writes per group commit (SQLite)
//   motcua_queue_depth{role,agency}              dossiers waiting, read at scrape
#pragma once

#include <functional>
#include <vector>

#include "api/metrics.h"
#include "engine/domain/status.h"
#include "engine/storage/store_observer.h"

namespace motcua::cli {

class StoreMetrics final : public StoreObserver {
 public:
  explicit StoreMetrics(Metrics& metrics);

  void BatchCommitted(std::size_t writes) override;
  void TransitionCommitted(const std::string& procedure_code, const std::string& action) override;

  // Adds the queue-depth gauge, read through `read` at every scrape.
  static void AddQueueDepthGauge(Metrics& metrics,
                                 std::function<Result<std::vector<QueueDepth>>()> read);

 private:
  CounterFamily& transitions_;
  HistogramFamily& batch_sizes_;
};

}  // namespace motcua::cli
