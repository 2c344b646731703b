// store_metrics.h: the store's figures on /metrics.
//
//   motcua_transitions_total{procedure,action}   committed transitions
//   motcua_store_commit_batch_size               writes per group commit
//   motcua_queue_depth{role,agency}              dossiers waiting, read at scrape
#pragma once

#include "api/metrics.h"
#include "engine/sqlite/sqlite_store.h"

namespace motcua::cli {

class StoreMetrics final : public SqliteStoreObserver {
 public:
  explicit StoreMetrics(Metrics& metrics);

  void BatchCommitted(std::size_t writes) override;
  void TransitionCommitted(const std::string& procedure_code, const std::string& action) override;

  // Adds the queue-depth gauge, read from `store` at every scrape.
  static void AddQueueDepthGauge(Metrics& metrics, SqliteStore& store);

 private:
  CounterFamily& transitions_;
  HistogramFamily& batch_sizes_;
};

}  // namespace motcua::cli
