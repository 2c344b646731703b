#include "engine/domain/feed_delivery.h"

namespace motcua {

Status CheckFeedPageLimit(int limit) {
  if (limit < 1 || limit > kMaxFeedPage) {
    return Error(ErrorCode::kInvalidArgument, "limit must be from 1 to 1000", "validation",
                 {FieldError{"/limit", "must be a whole number from 1 to 1000"}});
  }
  return Status();
}

Result<std::vector<DeadLetter>> FeedDeliveryStore::ListDeadLetters(
    const std::optional<std::string>& agency, int limit) {
  if (Status page = CheckFeedPageLimit(limit); !page.ok()) return page.error();
  return DoListDeadLetters(agency, limit);
}

}  // namespace motcua
