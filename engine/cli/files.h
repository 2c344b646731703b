// files.h: reading whole files for the command-line adapters.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/domain/json_parse.h"
#include "engine/domain/status.h"

namespace motcua::cli {

// The bytes of the file at `path`. kNotFound if it does not exist, kUnavailable
// if it cannot be read; the message names the path and the reason.
Result<std::string> ReadWholeFile(const std::string& path);

// The JSON value in the file at `path`, parsed with ParseJson under `limits`
// (a file over limits.max_bytes is refused before it is read). Errors as
// ReadWholeFile's and ParseJson's, the message prefixed with "PATH: ".
Result<nlohmann::json> ReadJsonFile(const std::string& path, JsonLimits limits = kFileJsonLimits);

// ReadJsonFile for a workflow definition, parsed with ParseWorkflowText
// (engine/domain/form_order.h) under kFileJsonLimits, which records the order
// of the form's fields.
Result<nlohmann::json> ReadWorkflowFile(const std::string& path);

}  // namespace motcua::cli
