// A dossier's history is shared between copies until one of them changes:
// copies never see each other's changes, and events shared in from a cache are
// never changed in place.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/domain/dossier.h"

namespace motcua {
namespace {

DossierEvent Event(const std::string& action) {
  DossierEvent event;
  event.action = action;
  return event;
}

TEST_CASE("event history: copies share the events until one of them appends") {
  Dossier original;
  original.history = std::vector<DossierEvent>{Event("submit"), Event("receive")};
  Dossier copy = original;
  CHECK(&copy.history.front() == &original.history.front());  // shared, not copied

  copy.history.push_back(Event("request_supplement"));
  REQUIRE(copy.history.size() == 3);
  CHECK(original.history.size() == 2);
  CHECK(original.history.back().action == "receive");
  CHECK(copy.history.back().action == "request_supplement");
  CHECK(&copy.history.front() != &original.history.front());
}

TEST_CASE("event history: a sole owner appends in place, without copying its events") {
  EventHistory history = std::vector<DossierEvent>{Event("submit")};
  history.Mutable().reserve(4);
  const DossierEvent* first = &history.front();
  history.push_back(Event("receive"));
  CHECK(&history.front() == first);
  CHECK(history.size() == 2);
}

TEST_CASE("event history: events shared in are copied before any change, even by a sole owner") {
  auto cached =
      std::make_shared<const std::vector<DossierEvent>>(std::vector<DossierEvent>{Event("submit")});
  EventHistory history = EventHistory::Shared(cached);
  CHECK(&history.front() == &cached->front());
  history.Mutable().front().action = "changed";
  CHECK(cached->front().action == "submit");
  CHECK(history.front().action == "changed");

  // Even once the cache let go of them.
  EventHistory alone = EventHistory::Shared(
      std::make_shared<const std::vector<DossierEvent>>(std::vector<DossierEvent>{Event("a")}));
  const std::shared_ptr<const std::vector<DossierEvent>> kept = alone.shared();
  alone.push_back(Event("b"));
  CHECK(kept->size() == 1);
  CHECK(alone.size() == 2);
}

TEST_CASE("event history: events handed out are never changed in place, even once let go") {
  EventHistory history = std::vector<DossierEvent>{Event("submit")};
  const DossierEvent* first = &history.front();
  { const auto kept = history.shared(); }  // a cache took them, then dropped them
  history.push_back(Event("receive"));
  CHECK(&history.front() != first);  // copied, not appended in place
  CHECK(history.size() == 2);
}

TEST_CASE("event history: events adopted as their last holder are appended to in place") {
  auto taken = std::make_shared<std::vector<DossierEvent>>(std::vector<DossierEvent>{Event("a")});
  taken->reserve(4);
  const DossierEvent* first = &taken->front();
  EventHistory history =
      EventHistory::Adopt(std::shared_ptr<const std::vector<DossierEvent>>(std::move(taken)));
  history.push_back(Event("b"));
  CHECK(&history.front() == first);  // not copied
  CHECK(history.size() == 2);
}

TEST_CASE("event history: events adopted while another still holds them are copied first") {
  auto taken =
      std::make_shared<const std::vector<DossierEvent>>(std::vector<DossierEvent>{Event("a")});
  const std::shared_ptr<const std::vector<DossierEvent>> reader = taken;  // a reader's copy
  EventHistory history = EventHistory::Adopt(std::move(taken));
  history.push_back(Event("b"));
  CHECK(reader->size() == 1);  // the reader's events are unchanged
  CHECK(&history.front() != &reader->front());
  CHECK(history.size() == 2);
  // A copy of the adopted history shares it, so neither changes it in place.
  EventHistory copy = history;
  copy.push_back(Event("c"));
  CHECK(history.size() == 2);
  CHECK(copy.size() == 3);
}

TEST_CASE("event history: empty, cleared and shared out") {
  EventHistory history;
  CHECK(history.empty());
  CHECK(history.begin() == history.end());
  CHECK(history.shared() != nullptr);
  CHECK(history.shared()->empty());
  history.push_back(Event("submit"));
  const auto out = history.shared();
  history.clear();
  CHECK(history.empty());
  REQUIRE(out->size() == 1);  // what was shared out is unchanged
  CHECK(out->front().action == "submit");
  const std::vector<DossierEvent>& as_vector = history;
  CHECK(as_vector.empty());
}

}  // namespace
}  // namespace motcua
