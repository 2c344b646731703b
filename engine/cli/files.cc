#include "engine/cli/files.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

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

}  // namespace motcua::cli
