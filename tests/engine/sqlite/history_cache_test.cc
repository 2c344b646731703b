#include "engine/sqlite/history_cache.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

namespace motcua {
namespace {

HistoryCache::History HistoryOf(int events, const std::string& action = "step") {
  std::vector<DossierEvent> history(static_cast<std::size_t>(events));
  for (DossierEvent& event : history) event.action = action;
  return std::make_shared<const std::vector<DossierEvent>>(std::move(history));
}

TEST_CASE("history cache: an entry serves only its exact version") {
  HistoryCache cache(100);
  CHECK(cache.Find("A", 1) == nullptr);
  cache.Put("A", 2, HistoryOf(2));
  REQUIRE(cache.Find("A", 2) != nullptr);
  CHECK(cache.Find("A", 2)->size() == 2);
  CHECK(cache.Find("A", 1) == nullptr);
  CHECK(cache.Find("A", 3) == nullptr);
  // A newer version replaces it; an older one never does.
  cache.Put("A", 3, HistoryOf(3));
  CHECK(cache.Find("A", 2) == nullptr);
  cache.Put("A", 2, HistoryOf(2, "old"));
  CHECK(cache.Find("A", 2) == nullptr);
  REQUIRE(cache.Find("A", 3) != nullptr);
  CHECK(cache.events() == 3);
  cache.Forget("A");
  CHECK(cache.Find("A", 3) == nullptr);
  CHECK(cache.events() == 0);
}

TEST_CASE("history cache: holds at most its bound of events, oldest entries go first") {
  HistoryCache cache(10);
  cache.Put("A", 1, HistoryOf(4));
  cache.Put("B", 1, HistoryOf(4));
  cache.Put("A", 2, HistoryOf(5));  // replaces A: 9 events held
  CHECK(cache.events() == 9);
  cache.Put("C", 1, HistoryOf(3));  // 12 > 10: B (put before A's replacement) goes
  CHECK(cache.events() == 8);
  CHECK(cache.Find("B", 1) == nullptr);
  CHECK(cache.Find("A", 2) != nullptr);
  CHECK(cache.Find("C", 1) != nullptr);
  cache.Put("D", 1, HistoryOf(11));  // larger than the bound: not kept
  CHECK(cache.Find("D", 1) == nullptr);
  CHECK(cache.events() == 8);
  // Many replacements of one entry keep the bookkeeping bounded and right.
  for (std::int64_t version = 3; version < 5000; ++version) cache.Put("A", version, HistoryOf(5));
  CHECK(cache.events() == 8);
  CHECK(cache.Find("A", 4999) != nullptr);
}

TEST_CASE("history cache: a taken entry is handed over once, and only at its version") {
  HistoryCache cache(100);
  cache.Put("A", 2, HistoryOf(2));
  CHECK(cache.Take("A", 1) == nullptr);  // another version: left in place
  CHECK(cache.Find("A", 2) != nullptr);
  HistoryCache::History taken = cache.Take("A", 2);
  REQUIRE(taken != nullptr);
  CHECK(taken->size() == 2);
  CHECK(cache.Find("A", 2) == nullptr);  // gone from the cache
  CHECK(cache.Take("A", 2) == nullptr);
  CHECK(cache.events() == 0);
  // The writer's commit puts the next version back.
  cache.Put("A", 3, HistoryOf(3));
  CHECK(cache.Find("A", 3) != nullptr);
  CHECK(cache.events() == 3);
}

}  // namespace
}  // namespace motcua
