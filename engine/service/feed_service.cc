#include "engine/service/feed_service.h"

#include "engine/domain/access.h"
#include "engine/domain/identity.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

Error InvalidField(const char* pointer, const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, std::string(pointer + 1) + " " + message,
               ErrorReason::kValidation, {{pointer, message}});
}

}  // namespace

Result<FeedPage> FeedService::Read(const Actor& actor, std::optional<std::int64_t> after,
                                   int limit) {
  if (Status allowed = Authorize(actor, Operation::kReadFeed); !allowed.ok()) {
    return allowed.error();
  }
  if (after && *after < 0) return InvalidField("/after", "must be an entry id, 0 or more");
  RETURN_IF_ERROR(CheckPageLimit(limit, kFeedPageRule));
  // Without a cursor: from the watermark. Pruning may raise it between the
  // two reads; then read again from the new one (a few times at most: a
  // reader racing a long pruning run gets the 410 and retries itself).
  std::int64_t from = after.value_or(0);
  for (int attempt = 1;; ++attempt) {
    if (!after) {
      ASSIGN_OR_RETURN(from, store_.OutboxPrunedThrough());
    }
    Result<std::vector<StoredOutboxEntry>> entries =
        store_.ListOutbox(OutboxQuery{from, limit, actor.agency});
    if (!after && attempt < 3 && !entries.ok() &&
        entries.error().reason() == ErrorReason::kFeedPruned) {
      continue;
    }
    if (!entries.ok()) return entries.error();
    FeedPage page;
    page.next = entries->empty() ? from : entries->back().id;
    page.items = std::move(entries).value();
    return page;
  }
}

Result<std::vector<DeadLetter>> FeedService::DeadLetters(const Actor& actor, int limit) {
  if (Status allowed = Authorize(actor, Operation::kListDeadLetters); !allowed.ok()) {
    return allowed.error();
  }
  RETURN_IF_ERROR(CheckPageLimit(limit, kFeedPageRule));
  if (deliveries_ == nullptr) return std::vector<DeadLetter>{};
  return deliveries_->ListDeadLetters(actor.agency, limit);
}

}  // namespace motcua
