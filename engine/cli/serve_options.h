// serve_options.h: every option of `motcua serve`, declared once.
//
// ServeOptionTable() (serve_options.cc) is the one list of serve's options.
// Each row gives the flag (--NAME VALUE or --NAME=VALUE), its entry in
// `serve --help`, and its key in the --config file. To add an option, add
// one row there and read it in serve_command.cc with options.Get("NAME");
// nothing else lists options.
//
// The configuration file (`serve --config FILE`) is one JSON object whose
// keys are option names without "--":
//   {"db": "/var/lib/motcua/motcua.db", "listen": "127.0.0.1:8080",
//    "handler-threads": 32, "log-level": "info"}
// A kText or kPath option takes a JSON string, a kInteger option a JSON
// integer, a kFlag a JSON boolean (true sets it, false leaves it unset, as
// if absent); a relative kPath is relative to FILE's directory (a URI,
// "scheme://...", is kept as written). Flags win over
// the file. Errors (kInvalidArgument, the message naming FILE and the key):
// a key that is no option (or is "config"), a value of the wrong type, a
// file that is not one JSON object; kNotFound when FILE cannot be read.
// Ranges and combinations are checked afterwards by serve itself, the same
// for a flag and a key.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/cli/options.h"
#include "engine/domain/status.h"

namespace motcua::cli {

enum class OptionKind {
  kText,     // any string
  kPath,     // a file or directory; relative to the config file's directory there
  kInteger,  // a decimal integer
  kFlag,     // no value: given ("--demo") or not; ParsedOptions::Has
};

struct OptionSpec {
  std::string_view name;        // without "--", e.g. "db"
  std::string_view value_name;  // as --help shows it, e.g. "PATH"; empty for a kFlag
  OptionKind kind;
  std::string_view help;  // lines of at most 52 characters, separated by '\n'
};

// Every serve option except --config itself, in the order --help lists them.
const std::vector<OptionSpec>& ServeOptionTable();

// The whole text of `motcua serve --help`, generated from the table.
std::string ServeUsage();

// Flags (as ParseOptions: unknown, repeated or valueless ones are errors
// naming them), merged over the --config file's values when one is given.
// The result holds every option by name, "config" excluded.
Result<ParsedOptions> ParseServeArguments(const std::vector<std::string>& args);

}  // namespace motcua::cli
