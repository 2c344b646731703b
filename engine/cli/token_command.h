// token_command.h: `motcua token create|revoke`, bearer tokens for users.
#pragma once

#include "engine/cli/command.h"

namespace motcua::cli {

Command TokenCommand();

}  // namespace motcua::cli
