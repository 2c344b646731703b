// feed_retention.h: deleting national-sync feed entries after their
// retention period, so that the outbox does not grow without end.
//
// An entry goes when it is older than the retention and, when a webhook
// subscriber is configured, the pusher has delivered it (or dead-lettered
// it; dead-lettered entries themselves stay). Entries go in id order, in
// batches of one write transaction each (DossierStore::PruneOutbox), so that
// transitions keep committing between batches. A reader whose cursor falls
// below what was pruned is told so (kFeedPruned, HTTP 410) instead of
// silently missing entries.
//
// Only the engine's own upkeep prunes: every call takes the acting Actor and
// the access policy allows the system role alone (Operation::kPruneFeed).
#pragma once

#include <chrono>
#include <cstdint>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/feed_delivery.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"

namespace motcua {

struct FeedRetentionPolicy {
  // How long entries are kept after they were written; zero keeps them forever.
  std::chrono::days retention{90};
  // Rows per write transaction (1..kMaxPruneBatch). Each batch holds the
  // store's one writer, so transitions wait for it: on the project machine a
  // 250-row batch took 3-5 ms with its commit (2,000 rows: about 50 ms),
  // under the 10 ms p99 budget of a request.
  int batch = 250;
  int max_batches = 200;  // per PruneDue call; the rest waits for the next call
};

struct FeedPruneResult {
  std::int64_t deleted = 0;         // entries deleted by this call
  std::int64_t pruned_through = 0;  // readers must continue after this id
  bool more = false;                // max_batches ran out with entries still due
};

class FeedRetention {
 public:
  // `webhook` is the delivery store of a configured webhook pusher, or null
  // when none is configured (then nothing waits for delivery).
  FeedRetention(DossierStore& store, FeedDeliveryStore* webhook, const Clock& clock,
                FeedRetentionPolicy policy)
      : store_(store), webhook_(webhook), clock_(clock), policy_(policy) {}

  // Deletes what is due now, batch after batch, until a batch comes back
  // short or max_batches ran. Nothing with a zero retention.
  // kPermissionDenied for any actor but the system; the store's errors.
  Result<FeedPruneResult> PruneDue(const Actor& actor);

 private:
  DossierStore& store_;
  FeedDeliveryStore* webhook_;
  const Clock& clock_;
  FeedRetentionPolicy policy_;
};

}  // namespace motcua
