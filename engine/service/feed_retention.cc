#include "engine/service/feed_retention.h"

#include <optional>

#include "engine/domain/access.h"
#include "engine/domain/status_macros.h"

namespace motcua {

Result<FeedPruneResult> FeedRetention::PruneDue(const Actor& actor) {
  RETURN_IF_ERROR(Authorize(actor, Operation::kPruneFeed));
  FeedPruneResult result;
  if (policy_.retention.count() <= 0) return result;
  OutboxPruning pruning;
  pruning.created_before = clock_.Now() - policy_.retention;
  pruning.limit = policy_.batch;
  if (webhook_ != nullptr) {
    // Read once: entries delivered later wait for the next call.
    ASSIGN_OR_RETURN(std::int64_t delivered, webhook_->DeliveryCursor());
    pruning.keep_after = delivered;
  }
  for (int batch = 0; batch < policy_.max_batches; ++batch) {
    ASSIGN_OR_RETURN(OutboxPruned pruned, store_.PruneOutbox(pruning));
    result.pruned_through = pruned.pruned_through;
    result.deleted += pruned.deleted;
    if (pruned.complete) return result;
  }
  result.more = true;
  return result;
}

}  // namespace motcua
