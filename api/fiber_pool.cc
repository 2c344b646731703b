#include "api/fiber_pool.h"

// Sanitizers must be told when a thread switches stacks. Debian's
// Boost.Context 1.74 (fcontext) tells neither AddressSanitizer nor
// ThreadSanitizer, so the calls are made here (SanitizerStack below).
// GCC says __SANITIZE_*__, Clang __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define MOTCUA_FIBERS_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__)
#define MOTCUA_FIBERS_TSAN 1
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MOTCUA_FIBERS_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define MOTCUA_FIBERS_TSAN 1
#endif
#endif
#if defined(MOTCUA_FIBERS_ASAN)
#include <sanitizer/common_interface_defs.h>
#endif
#if defined(MOTCUA_FIBERS_TSAN)
#include <sanitizer/tsan_interface.h>
#endif

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <boost/context/fiber.hpp>
#include <boost/context/stack_context.hpp>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <new>
#include <thread>
#include <utility>
#include <vector>

#include "engine/domain/fiber_parking.h"
#include "engine/domain/thread_name.h"

namespace motcua {
namespace {

namespace ctx = boost::context;

std::size_t PageSize() {
  static const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  return page;
}

// What the sanitizers know of one stack: ThreadSanitizer's fiber, and the
// stack's bounds with AddressSanitizer's saved fake frames. No-ops without
// sanitizers. The protocol (sanitizer/common_interface_defs.h): right before
// a switch, Enter() on the stack switched to; right after it, Arrived() on
// the stack arrived on. Without the calls, ASan takes a switched stack for an
// overflow, and TSan mixes up its shadow call stacks.
struct SanitizerStack {
  void* tsan = nullptr;
  const void* bottom = nullptr;
  std::size_t size = 0;
  void* fake_frames = nullptr;

  // The running thread's own stack.
  static SanitizerStack OfThread() {
    SanitizerStack stack;
#if defined(MOTCUA_FIBERS_TSAN)
    stack.tsan = __tsan_get_current_fiber();
#endif
    return stack;
  }
  // A new fiber's stack, `size` bytes from `bottom`.
  static SanitizerStack OfFiber(const void* bottom, std::size_t size) {
    SanitizerStack stack;
#if defined(MOTCUA_FIBERS_TSAN)
    stack.tsan = __tsan_create_fiber(0);
#endif
    stack.bottom = bottom;
    stack.size = size;
    return stack;
  }
  // After its fiber ended, on another stack.
  void Forget() {
#if defined(MOTCUA_FIBERS_TSAN)
    __tsan_destroy_fiber(tsan);
#endif
  }

  // On `from`, about to switch to this stack; `from` ends for good when
  // `ending`.
  void Enter(SanitizerStack& from, bool ending = false) {
#if defined(MOTCUA_FIBERS_ASAN)
    __sanitizer_start_switch_fiber(ending ? nullptr : &from.fake_frames, bottom, size);
#endif
#if defined(MOTCUA_FIBERS_TSAN)
    __tsan_switch_to_fiber(tsan, 0);
#endif
    (void)from;
    (void)ending;
  }
  // Just arrived on this stack; learns the bounds of `from`, the stack left
  // (a thread's own stack is known only this way).
  void Arrived(SanitizerStack* from = nullptr) {
#if defined(MOTCUA_FIBERS_ASAN)
    __sanitizer_finish_switch_fiber(fake_frames, from != nullptr ? &from->bottom : nullptr,
                                    from != nullptr ? &from->size : nullptr);
#endif
    (void)from;
  }
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
      if (mprotect(base, PageSize(), PROT_NONE) != 0) {  // no stack without its guard page
        munmap(base, usable_ + PageSize());
        throw std::bad_alloc();
      }
    }
    ctx::stack_context stack;
    stack.size = usable_;
    stack.sp = static_cast<char*>(base) + PageSize() + usable_;
    last_taken_ = stack;
    return stack;
  }

  // The stack the last Take() gave.
  const ctx::stack_context& last_taken() const { return last_taken_; }

  void Give(ctx::stack_context& stack) noexcept {
    free_.push_back(static_cast<char*>(stack.sp) - usable_ - PageSize());
  }

 private:
  const std::size_t usable_;
  std::vector<void*> free_;
  ctx::stack_context last_taken_;
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
    thread_ = std::thread([this] {
      NameThisThread("motcua-fiber");
      Run();
    });
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
    Fiber* self = running_;
    parking_spot_ = &spot;
    thread_stack_.Enter(self->stack);
    caller_ = std::move(caller_).resume();
    self->stack.Arrived();
  }

 private:
  // A fiber of this worker, from Start until it ended.
  struct Fiber {
    ctx::fiber context;  // while it is not running: where it goes on
    Worker* home = nullptr;
    SanitizerStack stack;
  };

  // FiberResume's function: `context` is a parked Fiber.
  static void Resume(void* context) {
    Fiber* fiber = static_cast<Fiber*>(context);
    Worker* home = fiber->home;
    // Notified under the lock: once it is released the worker may run the
    // fiber to its end and, stopping, be destroyed with its condition
    // variable (ThreadSanitizer saw a notify_one after the unlock race
    // with that).
    std::lock_guard lock(home->mutex_);
    home->ready_.push_back(fiber);
    home->wake_.notify_one();
  }

  void Run() {
    thread_stack_ = SanitizerStack::OfThread();
    std::vector<Fiber*> ready;
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
      for (Fiber* fiber : ready) Switch(fiber);
      ready.clear();
      for (std::function<void()>& task : tasks) Start(std::move(task));
      tasks.clear();
    }
  }

  void Start(std::function<void()> task) {
    ++live_fibers_;
    Fiber* fiber = new Fiber;  // deleted by Switch once it ended
    fiber->home = this;
    fiber->context = ctx::fiber(std::allocator_arg, PooledStack{&stacks_},
                                [this, fiber, task = std::move(task)](ctx::fiber&& caller) mutable {
                                  fiber->stack.Arrived(&thread_stack_);
                                  caller_ = std::move(caller);
                                  task();
                                  task = nullptr;  // its captures go while their fiber runs
                                  thread_stack_.Enter(fiber->stack, /*ending=*/true);
                                  return std::move(caller_);
                                });
    const ctx::stack_context& stack = stacks_.last_taken();
    fiber->stack = SanitizerStack::OfFiber(static_cast<const char*>(stack.sp) - stack.size,
                                           stack.size);
    Switch(fiber);
  }

  // Runs `fiber` until it ends or parks.
  void Switch(Fiber* fiber) {
    for (;;) {
      FiberParker::SetCurrent(this);
      running_ = fiber;
      fiber->stack.Enter(thread_stack_);
      ctx::fiber back = std::move(fiber->context).resume();
      thread_stack_.Arrived();
      FiberParker::SetCurrent(nullptr);
      running_ = nullptr;
      if (!back) {
        fiber->stack.Forget();
        delete fiber;
        --live_fibers_;
        return;
      }
      // It parked (ParkOn): now that it is off its stack, publish it.
      fiber->context = std::move(back);
      ParkingSpot* spot = std::exchange(parking_spot_, nullptr);
      if (spot->Park(FiberResume{&Worker::Resume, fiber})) return;
      // Answered already: go on at once.
    }
  }

  StackPool stacks_;
  // The worker's own context while a fiber runs (the fiber switches back to
  // it), and the rest of what only this thread touches.
  ctx::fiber caller_;
  SanitizerStack thread_stack_;
  Fiber* running_ = nullptr;
  ParkingSpot* parking_spot_ = nullptr;  // set by ParkOn for Switch
  int live_fibers_ = 0;           // started and not ended, parked ones included

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  std::vector<Fiber*> ready_;
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
