// store_observer.h: what an SQL store tells the operator's metrics, whichever
// database it runs on (engine/cli/store_metrics.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/domain/store.h"

namespace motcua {

// Told about commits. TransitionCommitted runs on the caller's thread after
// CommitTransition succeeded, once per action the commit recorded (its
// event and each automatic action's, not a join: TellCommittedActions);
// BatchCommitted after each commit of a store
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

// Tells `observer` (none when null) of each action `commit` recorded, as
// StoreObserver::TransitionCommitted says.
inline void TellCommittedActions(StoreObserver* observer, const std::string& procedure_code,
                                 const DossierStore::TransitionCommit& commit) {
  if (observer == nullptr) return;
  observer->TransitionCommitted(procedure_code, commit.event->action);
  for (const DossierEvent* automatic : commit.then) {
    observer->TransitionCommitted(procedure_code, automatic->action);
  }
}

// How many dossiers wait in one queue.
struct QueueDepth {
  std::string role;
  std::string agency;
  std::int64_t dossiers = 0;
};

}  // namespace motcua
