// feed_delivery.h: the durable state of pushing the sync feed to a webhook.
//
// The feed pusher (engine/service/feed_pusher.h) delivers outbox rows
// (store.h) one by one, in id order. This port keeps, durably, how far it
// got: the id of the last row it is done with (delivered, or given up on and
// dead-lettered), and the dead letters themselves with their last error.
// A restart continues after the cursor, so a row may be delivered twice (when
// the process stopped between the receiver's acknowledgement and
// RecordDelivered) but is never skipped.
//
// Contract for every implementation: thread-safe; a write that returned OK is
// durable; the cursor never moves backwards.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/status.h"

namespace motcua {

// Pages of the feed (ListDeadLetters, DossierStore::ListOutbox) follow
// kFeedPageRule (page_limit.h): any other `limit` is refused by the ports'
// fronts.

// An outbox row the pusher gave up on after `attempts` failed deliveries.
struct DeadLetter {
  std::int64_t entry_id = 0;
  std::string topic;
  std::string agency;  // the outbox row's agency
  int attempts = 0;
  std::string last_error;
  Instant failed_at;
};

class FeedDeliveryStore {
 public:
  virtual ~FeedDeliveryStore() = default;

  // The id of the last outbox row done with; 0 before the first.
  virtual Result<std::int64_t> DeliveryCursor() = 0;

  // Moves the cursor to `entry_id` after a delivery was acknowledged. A value
  // not above the cursor changes nothing.
  virtual Status RecordDelivered(std::int64_t entry_id, Instant at) = 0;

  // Stores `letter` and moves the cursor to its entry, in one transaction
  // (a letter for an entry already dead-lettered replaces it).
  virtual Status RecordDeadLetter(const DeadLetter& letter) = 0;

  // Dead letters by entry id, ascending, at most `limit` (checked here,
  // kFeedPageRule, before the adapter's DoListDeadLetters runs); only
  // `agency`'s when set.
  Result<std::vector<DeadLetter>> ListDeadLetters(const std::optional<std::string>& agency,
                                                  int limit);

 private:
  virtual Result<std::vector<DeadLetter>> DoListDeadLetters(
      const std::optional<std::string>& agency, int limit) = 0;
};

}  // namespace motcua
