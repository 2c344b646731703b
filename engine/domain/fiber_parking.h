// fiber_parking.h: how code that waits for another thread's answer lets a
// fiber scheduler run other work meanwhile.
//
// A request handler normally runs on a thread of its own and blocks while it
// waits, e.g. for the SQLite store's group commit. When the HTTP server runs
// it on a fiber instead (api/fiber_pool.h), the thread running that fiber
// installs itself as the thread's FiberParker; a wait then parks the fiber,
// and the thread runs other fibers until the answer comes. Code that waits
// asks FiberParker::Current(): null means a plain thread, which blocks.
//
// The handshake, for a waiter on a fiber (a ParkingSpot is what it waits on):
//   waiter:   FiberParker::Current()->ParkOn(spot)   suspends the fiber;
//   parker:   spot.Park(resume), once the fiber is off its stack: true if
//             the answer is still to come (the answerer will call `resume`),
//             false if it came already (the parker resumes the fiber itself);
//   answerer: calls resume.function(resume.context) exactly once if Park
//             returned true, and must not touch the spot after that call
//             began (the resumed fiber may destroy it).
#pragma once

namespace motcua {

// How a parked fiber is made runnable again. Thread-safe to call.
struct FiberResume {
  void (*function)(void* context) = nullptr;
  void* context = nullptr;
};

// Something a fiber can wait on.
class ParkingSpot {
 public:
  // See the handshake above. Called once, on the parker's thread.
  virtual bool Park(FiberResume resume) = 0;

 protected:
  ~ParkingSpot() = default;
};

class FiberParker {
 public:
  // The parker of the fiber running on this thread; null outside fibers.
  static FiberParker* Current();
  // Set by a fiber scheduler around running a fiber.
  static void SetCurrent(FiberParker* parker);

  // Suspends the calling fiber until `spot` is answered; returns on the
  // same thread, with the answer visible.
  virtual void ParkOn(ParkingSpot& spot) = 0;

 protected:
  ~FiberParker() = default;
};

}  // namespace motcua
