// serve_command.h: `motcua serve`, the HTTP server on a SQLite file.
#pragma once

#include "engine/cli/command.h"

namespace motcua::cli {

Command ServeCommand();

}  // namespace motcua::cli
