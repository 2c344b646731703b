// store_commands.h: `motcua audit verify` and `motcua backup`, the operator's
// commands on a database file. Both work while a server uses the file.
#pragma once

#include "engine/cli/command.h"

namespace motcua::cli {

Command AuditCommand();
Command BackupCommand();

}  // namespace motcua::cli
