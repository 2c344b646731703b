// clock.h: the engine's only source of "now".
//
// The engine never reads the system clock itself: every component that needs
// the current time takes a `const Clock&`. Production wires a system clock in
// engine/cli; tests use `FakeClock`, which stands still until told to move.
//
// All instants are UTC seconds (`Instant`). Vietnam's legal time is UTC+7 with
// no daylight saving; conversion to local dates lives in calendar.h.
#pragma once

#include <chrono>

namespace motcua {

using Instant = std::chrono::sys_seconds;

// Thread-safe source of the current instant.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Instant Now() const = 0;
};

// The production clock: the system's UTC time, in whole seconds.
class SystemClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

// A clock that only moves when told to. Not thread-safe: tests set it up
// before sharing it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Instant start) : now_(start) {}
  Instant Now() const override { return now_; }
  void Set(Instant t) { now_ = t; }
  void Advance(std::chrono::seconds d) { now_ += d; }

 private:
  Instant now_;
};

}  // namespace motcua
