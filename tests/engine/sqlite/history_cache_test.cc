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
  CHECK(!cache.Find("A", 1));
  cache.Put("A", 2, HistoryOf(2), nullptr);
  REQUIRE(cache.Find("A", 2));
  CHECK(cache.Find("A", 2).history->size() == 2);
  CHECK(!cache.Find("A", 1));
  CHECK(!cache.Find("A", 3));
  // A newer version replaces it; an older one never does.
  cache.Put("A", 3, HistoryOf(3), nullptr);
  CHECK(!cache.Find("A", 2));
  cache.Put("A", 2, HistoryOf(2, "old"), nullptr);
  CHECK(!cache.Find("A", 2));
  REQUIRE(cache.Find("A", 3));
  CHECK(cache.events() == 3);
  cache.Forget("A");
  CHECK(!cache.Find("A", 3));
  CHECK(cache.events() == 0);
}

TEST_CASE("history cache: holds at most its bound of events, oldest entries go first") {
  HistoryCache cache(10);
  cache.Put("A", 1, HistoryOf(4), nullptr);
  cache.Put("B", 1, HistoryOf(4), nullptr);
  cache.Put("A", 2, HistoryOf(5), nullptr);  // replaces A: 9 events held
  CHECK(cache.events() == 9);
  cache.Put("C", 1, HistoryOf(3), nullptr);  // 12 > 10: B (put before A's replacement) goes
  CHECK(cache.events() == 8);
  CHECK(!cache.Find("B", 1));
  CHECK(cache.Find("A", 2));
  CHECK(cache.Find("C", 1));
  cache.Put("D", 1, HistoryOf(11), nullptr);  // larger than the bound: not kept
  CHECK(!cache.Find("D", 1));
  CHECK(cache.events() == 8);
  // Many replacements of one entry keep the bookkeeping bounded and right.
  for (std::int64_t version = 3; version < 5000; ++version) {
    cache.Put("A", version, HistoryOf(5), nullptr);
  }
  CHECK(cache.events() == 8);
  CHECK(cache.Find("A", 4999));
}

TEST_CASE("history cache: a taken entry is handed over once, and only at its version") {
  HistoryCache cache(100);
  cache.Put("A", 2, HistoryOf(2), nullptr);
  CHECK(!cache.Take("A", 1));  // another version: left in place
  CHECK(cache.Find("A", 2));
  HistoryCache::Known taken = cache.Take("A", 2);
  REQUIRE(taken);
  CHECK(taken.history->size() == 2);
  CHECK(!cache.Find("A", 2));  // gone from the cache
  CHECK(!cache.Take("A", 2));
  CHECK(cache.events() == 0);
  // The writer's commit puts the next version back.
  cache.Put("A", 3, HistoryOf(3), nullptr);
  CHECK(cache.Find("A", 3));
  CHECK(cache.events() == 3);
}

TEST_CASE("history cache: contents are kept with their history's version, and go with it") {
  HistoryCache cache(100);
  auto contents = std::make_shared<const DossierContents>(
      DossierContents{{{"name", "An"}}, {{"id_card", "ab12"}}, "cd34", {}});
  cache.Put("A", 2, HistoryOf(2), contents);
  HistoryCache::Known found = cache.Find("A", 2);
  REQUIRE(found);
  CHECK(found.contents == contents);
  CHECK(!cache.Find("A", 1));
  // Put without contents, a newer version forgets the older one's.
  cache.Put("A", 3, HistoryOf(3), nullptr);
  REQUIRE(cache.Find("A", 3));
  CHECK(cache.Find("A", 3).contents == nullptr);
  cache.Put("A", 4, HistoryOf(4), contents);
  HistoryCache::Known taken = cache.Take("A", 4);
  REQUIRE(taken);
  CHECK(taken.contents == contents);
  CHECK(taken.contents->form.at("name") == "An");
  CHECK(!cache.Find("A", 4));
}

}  // namespace
}  // namespace motcua
