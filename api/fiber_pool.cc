#include "api/fiber_pool.h"

// Sanitizers must be told when a thread switches stacks. Boost.Context 1.74
// tells AddressSanitizer only in its ucontext implementation, and
// ThreadSanitizer never: ASan builds use that one, and the TSan calls are
// made here (TsanFiber below).
#if defined(__SANITIZE_ADDRESS__)
#define BOOST_USE_UCONTEXT
#define BOOST_USE_ASAN
#endif
#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <new>
#include <thread>
#include <utility>
#include <vector>

#include "engine/domain/fiber_parking.h"

namespace motcua {
namespace {

namespace ctx = boost::context;

std::size_t PageSize() {
  static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

// ThreadSanitizer's name for a fiber (null without TSan).
class TsanFiber {
 public:
#if defined(__SANITIZE_THREAD__)
  static void* Current() {
    return __tsan_get_current_fiber();
  }
  static void* Create() {
    return __tsan_create_fiber(0);
  }
  static void Destroy(void* fiber) {
    __tsan_destroy_fiber(fiber);
  }
  static void SwitchTo(void* fiber) {
    __tsan_switch_to_fiber(fiber, 0);
  }
#else
  static void* Current() {
    return nullptr;
  }
  static void* Create() {
    return nullptr;
  }
  static void Destroy(void*) {}
  static void SwitchTo(void*) {}
#endif
};

// The stacks of one thread's fibers: each mapped with a PROT_NONE guard page
// below it, and kept for the next fiber once its fiber ended. Used by that
// thread only.
class StackPool {
 public:
  explicit StackPool(std::size_t bytes)
      : usable_((bytes + PageSize() - 1) / PageSize() * PageSize()) {}
  ~StackPool() {
    for (void* base : free_) munmap(base, usable_ + PageSize());
  }
  StackPool(const StackPool&) = delete;
  StackPool& operator=(const StackPool&) = delete;

  ctx::stack_context Take() {
    void* base = nullptr;
    if (!free_.empty()) {
      base = free_.back();
      free_.pop_back();
    } else {
      base = mmap(nullptr, usable_ + PageSize(), PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (base == MAP_FAILED) throw std::bad_alloc();
      mprotect(base, PageSize(), PROT_NONE);
    }
    ctx::stack_context stack;
    stack.size = usable_;
    stack.sp = static_cast<char*>(base) + PageSize() + usable_;
    return stack;
  }

  void Give(ctx::stack_context& stack) noexcept {
    free_.push_back(static_cast<char*>(stack.sp) - usable_ - PageSize());
  }

 private:
  const std::size_t usable_;
  std::vector<void*> free_;
};

// What boost::context::fiber allocates its stack with: a thread's StackPool.
struct PooledStack {
  StackPool* pool;
  ctx::stack_context allocate() { return pool->Take(); }
  void deallocate(ctx::stack_context& stack) noexcept { pool->Give(stack); }
};

// One thread of the pool and the fibers it runs.
class Worker final : public FiberParker {
 public:
  explicit Worker(std::size_t stack_bytes) : stacks_(stack_bytes) {
    thread_ = std::thread([this] { Run(); });
  }

  // Runs every task given before, waits for the fibers still parked, joins.
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

  void Post(std::function<void()> task) {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
    wake_.notify_one();  // under the lock, as in Resume
  }

  // On a fiber of this worker: parks it until `spot` is answered.
  void ParkOn(ParkingSpot& spot) override {
    Parked parked;
    parked.home = this;
    parked.tsan = running_tsan_;
    parking_ = &parked;
    parking_spot_ = &spot;
    TsanFiber::SwitchTo(tsan_);
    caller_ = std::move(caller_).resume();
  }

 private:
  // A parked fiber; lives on that fiber's own stack while it is parked.
  struct Parked {
    ctx::fiber fiber;
    Worker* home = nullptr;
    void* tsan = nullptr;
  };

  static void Resume(void* context) {
    Parked* parked = static_cast<Parked*>(context);
    Worker* home = parked->home;
    // Notified under the lock: once it is released the worker may run the
    // fiber to its end and, stopping, be destroyed with its condition
    // variable (ThreadSanitizer saw a notify_one after the unlock race
    // with that).
    std::lock_guard lock(home->mutex_);
    home->ready_.push_back(parked);
    home->wake_.notify_one();
  }

  void Run() {
    tsan_ = TsanFiber::Current();
    std::vector<Parked*> ready;
    std::deque<std::function<void()>> tasks;
    for (;;) {
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] {
          return !ready_.empty() || !tasks_.empty() || (stopping_ && live_fibers_ == 0);
        });
        if (ready_.empty() && tasks_.empty()) return;
        ready.swap(ready_);
        tasks.swap(tasks_);
      }
      // Parked fibers first: they finish requests already under way.
      for (Parked* parked : ready) Switch(std::move(parked->fiber), parked->tsan);
      ready.clear();
      for (std::function<void()>& task : tasks) Start(std::move(task));
      tasks.clear();
    }
  }

  void Start(std::function<void()> task) {
    ++live_fibers_;
    ctx::fiber fiber(std::allocator_arg, PooledStack{&stacks_},
                     [this, task = std::move(task)](ctx::fiber&& caller) mutable {
                       caller_ = std::move(caller);
                       task();
                       task = nullptr;  // its captures go while their fiber runs
                       TsanFiber::SwitchTo(tsan_);
                       return std::move(caller_);
                     });
    Switch(std::move(fiber), TsanFiber::Create());
  }

  // Runs `fiber` (`tsan`: its TsanFiber) until it ends or parks.
  void Switch(ctx::fiber fiber, void* tsan) {
    while (fiber) {
      FiberParker::SetCurrent(this);
      running_tsan_ = tsan;
      TsanFiber::SwitchTo(tsan);
      ctx::fiber back = std::move(fiber).resume();
      FiberParker::SetCurrent(nullptr);
      if (!back) {
        TsanFiber::Destroy(tsan);
        --live_fibers_;
        return;
      }
      // It parked (ParkOn): now that it is off its stack, publish it.
      Parked* parked = std::exchange(parking_, nullptr);
      ParkingSpot* spot = std::exchange(parking_spot_, nullptr);
      parked->fiber = std::move(back);
      if (spot->Park(FiberResume{&Worker::Resume, parked})) return;
      fiber = std::move(parked->fiber);  // answered already: go on at once
    }
  }

  StackPool stacks_;
  // The worker's own context while a fiber runs (the fiber switches back to
  // it); only touched by this thread.
  ctx::fiber caller_;
  Parked* parking_ = nullptr;
  ParkingSpot* parking_spot_ = nullptr;
  void* tsan_ = nullptr;          // this thread's own TsanFiber
  void* running_tsan_ = nullptr;  // the running fiber's
  int live_fibers_ = 0;           // started and not ended, parked ones included

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::vector<Parked*> ready_;
  bool stopping_ = false;

  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace

struct FiberPool::Impl {
  std::vector<std::unique_ptr<Worker>> workers;
  std::atomic<std::size_t> next{0};
};

FiberPool::FiberPool(int threads, std::size_t stack_bytes) : impl_(std::make_unique<Impl>()) {
  const int count = threads < 1 ? 1 : threads;
  for (int i = 0; i < count; ++i) impl_->workers.push_back(std::make_unique<Worker>(stack_bytes));
}

FiberPool::~FiberPool() {
  for (std::unique_ptr<Worker>& worker : impl_->workers) worker->Stop();
}

void FiberPool::Post(std::function<void()> task) {
  const std::size_t n = impl_->next.fetch_add(1, std::memory_order_relaxed);
  impl_->workers[n % impl_->workers.size()]->Post(std::move(task));
}

}  // namespace motcua
