// options.h: "--name value" options of the subcommands.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/status.h"

namespace motcua::cli {

// Options given as "--name value" or "--name=value". Each name may appear
// once; only `allowed` names are accepted; arguments that are not options are
// kept in `positional`.
struct ParsedOptions {
  std::map<std::string, std::string> values;
  std::vector<std::string> positional;

  std::optional<std::string> Get(const std::string& name) const;
};

// kInvalidArgument naming the offending argument for an unknown option, a
// repeated one, or one without a value.
Result<ParsedOptions> ParseOptions(const std::vector<std::string>& args,
                                   const std::vector<std::string>& allowed);

}  // namespace motcua::cli
