#include "engine/cli/options.h"

#include <algorithm>

namespace motcua::cli {

std::optional<std::string> ParsedOptions::Get(const std::string& name) const {
  auto found = values.find(name);
  if (found == values.end()) return std::nullopt;
  return found->second;
}

Result<ParsedOptions> ParseOptions(const std::vector<std::string>& args,
                                   const std::vector<std::string>& allowed,
                                   const std::vector<std::string>& flags) {
  ParsedOptions parsed;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      parsed.positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::optional<std::string> value;
    if (std::size_t equals = name.find('='); equals != std::string::npos) {
      value = name.substr(equals + 1);
      name.resize(equals);
    }
    if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
      if (value) {
        return Error(ErrorCode::kInvalidArgument, "option \"--" + name + "\" takes no value");
      }
      value = kFlagValue;
    } else if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      return Error(ErrorCode::kInvalidArgument, "unknown option \"--" + name + "\"");
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        return Error(ErrorCode::kInvalidArgument, "option \"--" + name + "\" needs a value");
      }
      value = args[++i];
    }
    if (!parsed.values.emplace(name, *value).second) {
      return Error(ErrorCode::kInvalidArgument, "option \"--" + name + "\" is given twice");
    }
  }
  return parsed;
}

}  // namespace motcua::cli
