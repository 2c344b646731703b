// system_clock.h: the production Clock for the commands (engine/domain/clock.h).
#pragma once

#include "engine/domain/clock.h"

namespace motcua::cli {

using motcua::SystemClock;

}  // namespace motcua::cli
