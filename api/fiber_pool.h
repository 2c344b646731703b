// fiber_pool.h: request handlers on fibers (Boost.Context), so that one
// waiting for a durable commit parks its fiber, not a thread.
//
// A thread per waiting request costs a context switch and two futex calls
// each time it sleeps and wakes; with the SQLite store's group commit, every
// write request waits. Here a few threads run many fibers: a fiber that
// waits through fiber_parking.h (the SQLite writer's answer) is parked, its
// thread runs the next fiber, and the answer makes the parked fiber runnable
// again on the thread it started on.
//
// What a task may do: anything a handler does, provided that every long wait
// goes through fiber_parking.h. A task that blocks its thread otherwise (a
// network call, a PostgreSQL query, a lock held across a parked wait) holds
// up every fiber of that thread; such work belongs on the handler pool
// (http_server.h: runs_on_fibers decides).
//
// Each fiber has its own stack of `stack_bytes` with a guard page below it
// (overflowing it is a crash, as a thread's stack); stacks are kept for reuse
// by the thread that made them. A thread that cannot map a stack (the
// address space exhausted) ends the process with std::bad_alloc.
//
// Thread safety: Post may be called from any thread. The destructor runs
// every task posted before it, and waits for every parked fiber to finish.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>

namespace motcua {

class FiberPool {
 public:
  static constexpr std::size_t kDefaultStackBytes = 1024 * 1024;

  // `threads` at least 1.
  explicit FiberPool(int threads, std::size_t stack_bytes = kDefaultStackBytes);
  ~FiberPool();
  FiberPool(const FiberPool&) = delete;
  FiberPool& operator=(const FiberPool&) = delete;

  // Runs `task` on a new fiber, on one of the pool's threads. `task` must not
  // throw.
  void Post(std::function<void()> task);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace motcua
