// bundled_schema.h: the workflow JSON Schema compiled into the binary, so that
// `motcua` checks definitions without needing the source tree. The text is
// schema/workflow.schema.json, embedded at build time (see CMakeLists.txt).
#pragma once

#include <string_view>

namespace motcua::cli {

std::string_view BundledWorkflowSchemaText();

}  // namespace motcua::cli
