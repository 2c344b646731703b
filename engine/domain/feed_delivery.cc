#include "engine/domain/feed_delivery.h"

#include "engine/domain/page_limit.h"
#include "engine/domain/status_macros.h"

namespace motcua {

Result<std::vector<DeadLetter>> FeedDeliveryStore::ListDeadLetters(
    const std::optional<std::string>& agency, int limit) {
  RETURN_IF_ERROR(CheckPageLimit(limit, kFeedPageRule));
  return DoListDeadLetters(agency, limit);
}

}  // namespace motcua
