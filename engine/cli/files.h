// files.h: reading whole files for the command-line adapters.
#pragma once

#include <string>

#include "engine/domain/status.h"

namespace motcua::cli {

// The bytes of the file at `path`. kNotFound if it does not exist, kUnavailable
// if it cannot be read; the message names the path and the reason.
Result<std::string> ReadWholeFile(const std::string& path);

}  // namespace motcua::cli
