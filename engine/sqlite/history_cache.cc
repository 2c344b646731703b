#include "engine/sqlite/history_cache.h"

#include <utility>

namespace motcua {

HistoryCache::Known HistoryCache::Find(const std::string& code, std::int64_t version) const {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(code);
  if (found == entries_.end() || found->second.version != version) return {};
  return {found->second.history, found->second.contents};
}

void HistoryCache::Put(const std::string& code, std::int64_t version, History history,
                       Contents contents) {
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
  entry.contents = std::move(contents);
  entry.put = ++puts_;
  order_.emplace_back(code, entry.put);
  EvictLocked();
}

HistoryCache::Known HistoryCache::Take(const std::string& code, std::int64_t version) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(code);
  if (found == entries_.end() || found->second.version != version) return {};
  return EraseLocked(found);
}

void HistoryCache::Forget(const std::string& code) {
  std::lock_guard lock(mutex_);
  auto found = entries_.find(code);
  if (found != entries_.end()) EraseLocked(found);
}

HistoryCache::Known HistoryCache::EraseLocked(Entries::iterator entry) {
  Known known{std::move(entry->second.history), std::move(entry->second.contents)};
  events_ -= known.history->size();
  entries_.erase(entry);
  return known;
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
