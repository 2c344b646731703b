#include "engine/sqlite/history_cache.h"

#include <utility>

namespace motcua {

HistoryCache::History HistoryCache::Find(const std::string& code, std::int64_t version) const {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(code);
  if (found == entries_.end() || found->second.version != version) return nullptr;
  return found->second.history;
}

void HistoryCache::Put(const std::string& code, std::int64_t version, History history) {
  if (history == nullptr || history->size() > max_events_) return;
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[code];
  if (entry.history != nullptr) {
    if (entry.version >= version) return;  // never go back to an older version
    events_ -= entry.history->size();
  }
  events_ += history->size();
  entry.version = version;
  entry.history = std::move(history);
  entry.put = ++puts_;
  order_.emplace_back(code, entry.put);
  EvictLocked();
}

HistoryCache::History HistoryCache::Take(const std::string& code, std::int64_t version) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(code);
  if (found == entries_.end() || found->second.version != version) return nullptr;
  return EraseLocked(found);
}

void HistoryCache::Forget(const std::string& code) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(code);
  if (found != entries_.end()) EraseLocked(found);
}

HistoryCache::History HistoryCache::EraseLocked(Entries::iterator entry) {
  History history = std::move(entry->second.history);
  events_ -= history->size();
  entries_.erase(entry);
  return history;
}

std::size_t HistoryCache::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

void HistoryCache::EvictLocked() {
  while (events_ > max_events_ && !order_.empty()) {
    auto [code, put] = std::move(order_.front());
    order_.pop_front();
    auto found = entries_.find(code);
    if (found == entries_.end() || found->second.put != put) continue;  // replaced since
    EraseLocked(found);
  }
  // Replacements leave stale items behind; keep `order_` proportional to the
  // entries.
  if (order_.size() > 2 * entries_.size() + 1024) {
    std::deque<std::pair<std::string, std::uint64_t>> live;
    for (auto& item : order_) {
      auto found = entries_.find(item.first);
      if (found != entries_.end() && found->second.put == item.second) {
        live.push_back(std::move(item));
      }
    }
    order_ = std::move(live);
  }
}

}  // namespace motcua
