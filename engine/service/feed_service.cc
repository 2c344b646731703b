#include "engine/service/feed_service.h"

#include "engine/domain/identity.h"

namespace motcua {
namespace {

Error InvalidField(const char* pointer, const std::string& message) {
  return Error(ErrorCode::kInvalidArgument, std::string(pointer + 1) + " " + message, "validation",
               {{pointer, message}});
}

bool IsStaffWithAgency(const Actor& actor) {
  return !actor.agency.empty() && !actor.HasRole(kApplicantRole) && !actor.HasRole(kSystemRole);
}

}  // namespace

Result<FeedPage> FeedService::Read(const Actor& actor, std::int64_t after, int limit) {
  if (!IsStaffWithAgency(actor) || !(actor.HasRole(kAdminRole) || actor.HasRole(kPortalSyncRole))) {
    return Error(ErrorCode::kPermissionDenied, "only admins and portal_sync accounts read the feed",
                 "role_not_allowed");
  }
  if (after < 0) return InvalidField("/after", "must be an entry id, 0 or more");
  if (limit < 1 || limit > kMaxLimit) {
    return InvalidField("/limit", "must be a whole number from 1 to 1000");
  }
  Result<std::vector<StoredOutboxEntry>> entries =
      store_.ListOutbox(OutboxQuery{after, limit, actor.agency});
  if (!entries.ok()) return entries.error();
  FeedPage page;
  page.next = entries->empty() ? after : entries->back().id;
  page.items = std::move(entries).value();
  return page;
}

Result<std::vector<DeadLetter>> FeedService::DeadLetters(const Actor& actor, int limit) {
  if (!IsStaffWithAgency(actor) || !actor.HasRole(kAdminRole)) {
    return Error(ErrorCode::kPermissionDenied, "only admins list the feed's dead letters",
                 "role_not_allowed");
  }
  if (limit < 1 || limit > kMaxLimit) {
    return InvalidField("/limit", "must be a whole number from 1 to 1000");
  }
  if (deliveries_ == nullptr) return std::vector<DeadLetter>{};
  return deliveries_->ListDeadLetters(actor.agency, limit);
}

}  // namespace motcua
