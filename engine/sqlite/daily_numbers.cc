#include "engine/sqlite/daily_numbers.h"

#include <algorithm>
#include <chrono>

namespace motcua {
namespace {

std::int64_t DayNumber(LocalDate date) {
  return std::chrono::sys_days(date).time_since_epoch().count();
}

}  // namespace

Result<std::int64_t> DailyNumbers::Next(const std::string& agency, LocalDate date) {
  const std::int64_t day = DayNumber(date);
  const auto now = now_();
  std::lock_guard lock(mutex_);
  DropIdle(now);
  Entry& entry = entries_[Key(agency, day)];
  entry.used = now;
  if (!entry.read) {
    // Under the lock, so that two first callers do not both read and hand
    // out the same number; it happens once per agency and day.
    Result<std::int64_t> stored = read_last_(agency, date);
    if (!stored.ok()) return stored.error();
    entry.last = std::max(entry.last, *stored);
    entry.read = true;
  }
  return ++entry.last;
}

void DailyNumbers::DropIdle(std::chrono::steady_clock::time_point now) {
  if (now - last_sweep_ < std::chrono::minutes(1)) return;
  last_sweep_ = now;
  std::erase_if(entries_, [now](const auto& item) { return now - item.second.used >= kIdleLimit; });
}

void DailyNumbers::Raise(const std::string& agency, LocalDate date, std::int64_t number) {
  std::lock_guard lock(mutex_);
  Entry& entry = entries_[Key(agency, DayNumber(date))];
  entry.used = now_();
  entry.last = std::max(entry.last, number);
  entry.read = false;
}

}  // namespace motcua
