// system_clock.h: the production Clock, reading the system's UTC time.
#pragma once

#include <chrono>

#include "engine/domain/clock.h"

namespace motcua::cli {

class SystemClock final : public Clock {
 public:
  Instant Now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

}  // namespace motcua::cli
