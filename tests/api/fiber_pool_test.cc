// The fiber pool on its own, with a parking spot of the test's, and under
// the SQLite store, whose group commit must batch the writes of fibers that
// share one thread.
#include "api/fiber_pool.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/domain/fiber_parking.h"
#include "engine/sqlite/sqlite_store.h"
#include "tests/engine/sqlite/sample_dossiers.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

// A spot answered by the test: Answer() resumes the fiber parked on it, or
// lets the next Park return false.
class TestSpot final : public ParkingSpot {
 public:
  bool Park(FiberResume resume) override {
    std::lock_guard lock(mutex_);
    if (answered_) return false;
    resume_ = resume;
    parked_ = true;
    return true;
  }
  bool parked() {
    std::lock_guard lock(mutex_);
    return parked_;
  }
  void Answer(int value) {
    FiberResume resume;
    {
      std::lock_guard lock(mutex_);
      value_ = value;
      answered_ = true;
      if (!parked_) return;
      resume = resume_;
    }
    resume.function(resume.context);
  }
  int value() {
    std::lock_guard lock(mutex_);
    return value_;
  }

 private:
  std::mutex mutex_;
  bool answered_ = false;
  bool parked_ = false;
  int value_ = 0;
  FiberResume resume_;
};

// Waits on `spot` the way store code does, parked on the running fiber.
void WaitOn(TestSpot& spot) {
  FiberParker* parker = FiberParker::Current();
  REQUIRE(parker != nullptr);
  parker->ParkOn(spot);
}

template <typename Predicate>
bool Eventually(Predicate done) {
  for (int i = 0; i < 2000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return done();
}

TEST_CASE("fiber pool: runs every task posted on its threads, and all of them before it is gone") {
  std::atomic<int> ran{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  {
    FiberPool pool(2);
    for (int i = 0; i < 1000; ++i) {
      pool.Post([&] {
        CHECK(FiberParker::Current() != nullptr);
        {
          std::lock_guard lock(mutex);
          threads.insert(std::this_thread::get_id());
        }
        ++ran;
      });
    }
  }
  CHECK(ran == 1000);
  CHECK(threads.size() <= 2);
  CHECK(threads.count(std::this_thread::get_id()) == 0);
  CHECK(FiberParker::Current() == nullptr);  // not on a fiber here
}

TEST_CASE("fiber pool: parked fibers let the others run, and resume on their own thread") {
  constexpr int kTasks = 64;
  std::vector<std::unique_ptr<TestSpot>> spots;
  for (int i = 0; i < kTasks; ++i) spots.push_back(std::make_unique<TestSpot>());
  // Every other spot is answered before its task waits: Park says so, and
  // the fiber goes on without parking.
  for (int i = 0; i < kTasks; i += 2) spots[static_cast<std::size_t>(i)]->Answer(1000 + i);
  std::vector<int> seen(kTasks, -1);
  std::vector<int> same_thread(kTasks, 0);
  std::atomic<int> finished{0};
  FiberPool pool(1);  // one thread: a blocked wait would stop every task
  for (int i = 0; i < kTasks; ++i) {
    pool.Post([&, i] {
      const std::thread::id before = std::this_thread::get_id();
      TestSpot& spot = *spots[static_cast<std::size_t>(i)];
      WaitOn(spot);
      seen[static_cast<std::size_t>(i)] = spot.value();
      same_thread[static_cast<std::size_t>(i)] = before == std::this_thread::get_id() ? 1 : 0;
      ++finished;
    });
  }
  // All the unanswered ones park at once on the single thread.
  REQUIRE(Eventually([&] {
    for (int i = 1; i < kTasks; i += 2) {
      if (!spots[static_cast<std::size_t>(i)]->parked()) return false;
    }
    return true;
  }));
  CHECK(finished == kTasks / 2);
  // Answered from other threads, in reverse order.
  std::vector<std::thread> answerers;
  for (int i = kTasks - 1; i > 0; i -= 2) {
    answerers.emplace_back([&spots, i] { spots[static_cast<std::size_t>(i)]->Answer(1000 + i); });
  }
  for (std::thread& answerer : answerers) answerer.join();
  REQUIRE(Eventually([&] { return finished == kTasks; }));
  for (int i = 0; i < kTasks; ++i) {
    CAPTURE(i);
    CHECK(seen[static_cast<std::size_t>(i)] == 1000 + i);
    CHECK(same_thread[static_cast<std::size_t>(i)] == 1);
  }
}

TEST_CASE("fiber pool: destroying it waits for a parked fiber to be answered and finish") {
  TestSpot spot;
  std::atomic<bool> finished{false};
  std::thread answerer;
  {
    FiberPool pool(1);
    pool.Post([&] {
      WaitOn(spot);
      finished = true;
    });
    REQUIRE(Eventually([&] { return spot.parked(); }));
    answerer = std::thread([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      spot.Answer(7);
    });
  }
  CHECK(finished);
  answerer.join();
}

TEST_CASE("fiber pool: the SQLite store's writes from fibers on one thread commit in groups") {
  struct Batches final : StoreObserver {
    std::atomic<std::size_t> largest{0};
    std::atomic<std::size_t> writes{0};
    void BatchCommitted(std::size_t n) override {
      writes += n;
      std::size_t seen = largest.load();
      while (n > seen && !largest.compare_exchange_weak(seen, n)) {
      }
    }
    void TransitionCommitted(const std::string&, const std::string&) override {}
  } batches;
  TempDirectory dir;
  SqliteStoreOptions options;
  options.path = dir.File("fibers.db");
  options.observer = &batches;
  std::unique_ptr<SqliteStore> store = SqliteStore::Open(options).value();
  constexpr int kWrites = 64;
  std::atomic<int> created{0};
  {
    // One thread: if a write blocked it, every write would commit alone.
    FiberPool pool(1);
    for (int i = 0; i < kWrites; ++i) {
      pool.Post([&, i] {
        if (store->CreateDossier(NewDossier("F-" + std::to_string(i)), {"clerk"}, 1).ok()) {
          ++created;
        }
      });
    }
  }
  CHECK(created == kWrites);
  CHECK(batches.writes == kWrites);
  CHECK(batches.largest > 1);
  for (int i = 0; i < kWrites; ++i) {
    CHECK(store->GetDossier("F-" + std::to_string(i)).ok());
  }
}

}  // namespace
}  // namespace motcua
