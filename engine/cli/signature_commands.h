// signature_commands.h: `motcua pki demo` and `motcua sign`, digital
// signatures on result documents from the command line (detached CMS, DER).
#pragma once

#include "engine/cli/command.h"

namespace motcua::cli {

Command PkiCommand();
Command SignCommand();

}  // namespace motcua::cli
