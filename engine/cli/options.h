// options.h: "--name value" options of the subcommands.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/status.h"

namespace motcua::cli {

// Options given as "--name value" or "--name=value", and value-less flags
// "--name" (kept with the value "true"). Each name may appear once; only
// `allowed` and `flags` names are accepted; arguments that are not options
// are kept in `positional`.
struct ParsedOptions {
  std::map<std::string, std::string> values;
  std::vector<std::string> positional;

  std::optional<std::string> Get(const std::string& name) const;
  // Whether flag `name` was given.
  bool Has(const std::string& name) const { return values.count(name) != 0; }
};

// The value a given flag is kept with.
inline constexpr const char* kFlagValue = "true";

// kInvalidArgument naming the offending argument for an unknown option, a
// repeated one, an option without a value, or a flag given one ("--demo=x").
Result<ParsedOptions> ParseOptions(const std::vector<std::string>& args,
                                   const std::vector<std::string>& allowed,
                                   const std::vector<std::string>& flags = {});

}  // namespace motcua::cli
