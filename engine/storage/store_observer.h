// store_observer.h: what an SQL store tells the operator's metrics, whichever
// database it runs on (engine/cli/store_metrics.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace motcua {

// Told about commits. TransitionCommitted runs on the caller's thread after
// CommitTransition succeeded; BatchCommitted after each commit of a store
// that groups writes (SQLite's writer thread: the writes in the group; a
// store that does not group them never calls it). Both run with no store
// lock held and must be cheap and thread-safe.
class StoreObserver {
 public:
  virtual ~StoreObserver() = default;
  virtual void BatchCommitted(std::size_t writes) = 0;
  virtual void TransitionCommitted(const std::string& procedure_code,
                                   const std::string& action) = 0;
};

// How many dossiers wait in one queue.
struct QueueDepth {
  std::string role;
  std::string agency;
  std::int64_t dossiers = 0;
};

}  // namespace motcua
