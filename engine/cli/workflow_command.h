// workflow_command.h: `motcua workflow diff OLD.json NEW.json`, what changed
// between two workflow definitions (workflow_diff.h), for an administrator
// reviewing a new version before publishing it.
#pragma once

#include "engine/cli/command.h"

namespace motcua::cli {

Command WorkflowCommand();

}  // namespace motcua::cli
