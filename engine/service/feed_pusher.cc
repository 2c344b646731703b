#include "engine/service/feed_pusher.h"

#include <algorithm>
#include <string>

#include "engine/domain/thread_name.h"

namespace motcua {

std::chrono::milliseconds BackoffDelay(int failed_attempts, std::chrono::milliseconds initial,
                                       std::chrono::milliseconds max) {
  std::chrono::milliseconds delay = initial;
  for (int i = 1; i < failed_attempts && delay < max; ++i) delay *= 2;
  return std::min(delay, max);
}

FeedPusher::FeedPusher(DossierStore& store, FeedDeliveryStore& deliveries, FeedTransport& transport,
                       const Clock& clock, FeedPusherOptions options)
    : store_(store),
      deliveries_(deliveries),
      transport_(transport),
      clock_(clock),
      options_(std::move(options)) {
  options_.max_attempts = std::max(options_.max_attempts, 1);
  options_.batch = std::clamp(options_.batch, 1, 1000);
}

FeedPusher::~FeedPusher() {
  Stop();
}

void FeedPusher::Start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] {
    NameThisThread("motcua-feed");
    Run();
  });
}

void FeedPusher::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool FeedPusher::Wait(std::chrono::milliseconds delay) {
  std::unique_lock lock(mutex_);
  return !wake_.wait_for(lock, delay, [this] { return stopping_; });
}

void FeedPusher::Log(std::string_view line) const {
  if (options_.log) options_.log(line);
}

void FeedPusher::Run() {
  const auto may_run = [this] { return !options_.may_run || options_.may_run(); };
  for (;;) {
    if (!may_run()) {
      if (!Wait(options_.poll_interval)) return;
      continue;
    }
    Result<std::int64_t> recorded = deliveries_.DeliveryCursor();
    if (!recorded.ok()) {
      Log("feed push: cannot read the delivery cursor: " + recorded.error().message());
      if (!Wait(options_.poll_interval)) return;
      continue;
    }
    std::int64_t cursor = *recorded;
    while (may_run()) {
      Result<std::vector<StoredOutboxEntry>> entries =
          store_.ListOutbox(OutboxQuery{cursor, options_.batch, std::nullopt});
      if (!entries.ok()) {
        Log("feed push: cannot read the outbox: " + entries.error().message());
        if (!Wait(options_.poll_interval)) return;
        continue;
      }
      if (entries->empty()) {
        if (!Wait(options_.poll_interval)) return;
        continue;
      }
      for (const StoredOutboxEntry& entry : *entries) {
        if (!DeliverOne(entry)) return;
        cursor = entry.id;
      }
    }
  }
}

bool FeedPusher::DeliverOne(const StoredOutboxEntry& entry) {
  for (int attempts = 1;; ++attempts) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return false;
    }
    Status delivered = transport_.Deliver(entry);
    if (!delivered.ok() && attempts < options_.max_attempts) {
      Log("feed push: entry " + std::to_string(entry.id) + " attempt " + std::to_string(attempts) +
          " failed: " + delivered.error().message());
      if (!Wait(BackoffDelay(attempts, options_.initial_backoff, options_.max_backoff))) {
        return false;
      }
      continue;
    }
    // Done with the entry: record it before offering the next one, retrying
    // the record itself (the cursor must never pass an unrecorded entry).
    for (;;) {
      Status recorded = delivered.ok() ? deliveries_.RecordDelivered(entry.id, clock_.Now())
                                       : deliveries_.RecordDeadLetter(DeadLetter{
                                             entry.id, entry.topic, entry.agency, attempts,
                                             delivered.error().message(), clock_.Now()});
      if (recorded.ok()) break;
      Log("feed push: cannot record entry " + std::to_string(entry.id) + ": " +
          recorded.error().message());
      if (!Wait(options_.poll_interval)) return false;
    }
    if (!delivered.ok()) {
      Log("feed push: entry " + std::to_string(entry.id) + " dead-lettered after " +
          std::to_string(attempts) + " attempts: " + delivered.error().message());
    }
    return true;
  }
}

}  // namespace motcua
