#include "engine/domain/feed_delivery.h"

#include "engine/domain/status_macros.h"

namespace motcua {

Status CheckFeedPageLimit(int limit) {
  if (limit < 1 || limit > kMaxFeedPage) {
    return Error(ErrorCode::kInvalidArgument, "limit must be from 1 to 1000",
                 ErrorReason::kValidation,
                 {FieldError{"/limit", "must be a whole number from 1 to 1000"}});
  }
  return Status();
}

Result<std::vector<DeadLetter>> FeedDeliveryStore::ListDeadLetters(
    const std::optional<std::string>& agency, int limit) {
  RETURN_IF_ERROR(CheckFeedPageLimit(limit));
  return DoListDeadLetters(agency, limit);
}

}  // namespace motcua
