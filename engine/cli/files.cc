#include "engine/cli/files.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/domain/form_order.h"
#include "engine/domain/status_macros.h"

namespace motcua::cli {

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int saved = errno;
    const ErrorCode code = saved == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable;
    return Error(code, path + ": cannot open: " + std::strerror(saved));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error(ErrorCode::kUnavailable, path + ": read failed");
  return std::move(text).str();
}

namespace {

Result<nlohmann::json> ReadJsonFileWith(const std::string& path, JsonLimits limits,
                                        Result<nlohmann::json> (*parse)(std::string_view,
                                                                        JsonLimits)) {
  std::error_code size_error;
  const std::uintmax_t size = std::filesystem::file_size(path, size_error);
  if (!size_error && size > limits.max_bytes) {
    return Error(
        ErrorCode::kInvalidArgument,
        path + ": the JSON text is larger than " + std::to_string(limits.max_bytes) + " bytes",
        ErrorReason::kJsonTooLarge);
  }
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  Result<nlohmann::json> value = parse(text, limits);
  if (!value.ok()) {
    return Error(value.error().code(), path + ": " + value.error().message(),
                 value.error().reason());
  }
  return value;
}

}  // namespace

Result<nlohmann::json> ReadJsonFile(const std::string& path, JsonLimits limits) {
  return ReadJsonFileWith(path, limits, &ParseJson);
}

Result<nlohmann::json> ReadWorkflowFile(const std::string& path) {
  return ReadJsonFileWith(path, kFileJsonLimits, &ParseWorkflowText);
}

}  // namespace motcua::cli
