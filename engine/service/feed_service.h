// feed_service.h: reading the national-portal sync feed, with its scope.
//
// The feed is the outbox (store.h) in id order. Readers poll with a cursor:
// the id of the last entry they processed (0 at first); the answer's `next`
// is the cursor to pass next time. Delivery is at-least-once (a reader that
// loses its cursor reads entries again) and never skips an entry.
//
// Scope: admins and portal_sync accounts read the entries of their own
// agency's dossiers; anyone else gets kPermissionDenied. Dead letters of the
// webhook push are for admins, of their agency.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/feed_delivery.h"
#include "engine/domain/page_limit.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"

namespace motcua {

struct FeedPage {
  std::vector<StoredOutboxEntry> items;  // ascending id
  std::int64_t next = 0;                 // the last item's id; `after` when empty
};

class FeedService {
 public:
  // `deliveries` may be null (no dead letters to list then).
  FeedService(DossierStore& store, FeedDeliveryStore* deliveries)
      : store_(store), deliveries_(deliveries) {}

  // Entries after `after` (>= 0), at most `limit` (kFeedPageRule). Invalid
  // values are kInvalidArgument, reason "validation", pointer "/after" or
  // "/limit". An `after` below what retention pruned is kFeedPruned
  // (store.h); without `after`, the page starts at the oldest entry held.
  Result<FeedPage> Read(const Actor& actor, std::optional<std::int64_t> after, int limit);

  // The webhook's dead letters of the admin's agency, by entry id.
  Result<std::vector<DeadLetter>> DeadLetters(const Actor& actor, int limit);

 private:
  DossierStore& store_;
  FeedDeliveryStore* deliveries_;
};

}  // namespace motcua
