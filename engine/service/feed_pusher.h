// feed_pusher.h: pushes the sync feed to one receiver, in order, durably.
//
// FeedPusher runs one thread that delivers outbox rows (store.h) in id order
// through a FeedTransport (the HTTP client of api/webhook_client.h in
// production; fakes in tests). A delivery that fails is retried after an
// exponential backoff (initial_backoff, doubling, at most max_backoff). After
// max_attempts failures the row becomes a dead letter with its last error
// and the pusher moves on. Progress (delivered or dead-lettered) is recorded
// in a FeedDeliveryStore after each row, so a restart continues where it
// stopped.
//
// Guarantees: rows are offered in ascending id order, one at a time; the
// next row is offered only after the previous one was acknowledged or
// dead-lettered. A row may be offered more than once (a failed attempt the
// receiver actually processed, or a crash before the cursor was recorded),
// but a repeat is always of the row last offered. No row is skipped.
//
// Threading: Start and Stop from one owning thread. Stop wakes a waiting
// pusher at once; a delivery in flight finishes first (the transport bounds
// it with its own timeout).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>
#include <thread>

#include "engine/domain/clock.h"
#include "engine/domain/feed_delivery.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"

namespace motcua {

// Sends one feed entry to the receiver. OK only when the receiver
// acknowledged it; any error means "not acknowledged" (it may or may not have
// arrived). Called from the pusher's thread only.
class FeedTransport {
 public:
  virtual ~FeedTransport() = default;
  virtual Status Deliver(const StoredOutboxEntry& entry) = 0;
};

struct FeedPusherOptions {
  std::chrono::milliseconds initial_backoff{500};
  std::chrono::milliseconds max_backoff{30'000};
  int max_attempts = 10;                          // failures before a dead letter, >= 1
  std::chrono::milliseconds poll_interval{1000};  // how often an idle pusher looks for rows
  int batch = 100;                                // rows read per look, 1-1000
  std::function<void(std::string_view)> log;      // one line per problem; may be empty
  // Whether this node pushes now (nodes sharing a database push from one at
  // a time, engine/postgres/pg_lease.h); asked before each read of the
  // outbox. Empty: always. A node that starts pushing reads the delivery
  // cursor afresh, so it continues where the previous pusher stopped.
  std::function<bool()> may_run;
};

// The wait after the `failed_attempts`-th failure (1, 2, ...): initial,
// doubling each time, never above `max`.
std::chrono::milliseconds BackoffDelay(int failed_attempts, std::chrono::milliseconds initial,
                                       std::chrono::milliseconds max);

class FeedPusher {
 public:
  // Everything referred to must outlive the pusher. `clock` stamps dead
  // letters; waiting uses the steady clock.
  FeedPusher(DossierStore& store, FeedDeliveryStore& deliveries, FeedTransport& transport,
             const Clock& clock, FeedPusherOptions options);
  ~FeedPusher();  // Stop()
  FeedPusher(const FeedPusher&) = delete;
  FeedPusher& operator=(const FeedPusher&) = delete;

  void Start();
  // Idempotent; returns when the thread has ended.
  void Stop();

 private:
  void Run();
  // Delivers `entry` until acknowledged or dead-lettered and recorded; false
  // when stopped first.
  bool DeliverOne(const StoredOutboxEntry& entry);
  // Waits `delay` unless stopped; false when stopped.
  bool Wait(std::chrono::milliseconds delay);
  void Log(std::string_view line) const;

  DossierStore& store_;
  FeedDeliveryStore& deliveries_;
  FeedTransport& transport_;
  const Clock& clock_;
  FeedPusherOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace motcua
