// lint_command.h: `motcua lint FILE...`, checks workflow definitions.
#pragma once

#include "engine/cli/command.h"

namespace motcua::cli {

Command LintCommand();

}  // namespace motcua::cli
