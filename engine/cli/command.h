// command.h: the subcommands of the `motcua` binary.
//
// Each subcommand is a function from its arguments to an exit status, writing
// to the given streams, so that tests run commands without spawning processes.
// Exit statuses: 0 success, 1 the command ran and found problems (e.g. lint
// errors), 2 usage error (unknown option, missing argument), 3 an operation
// failed (file unreadable, database error).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace motcua::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitProblems = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitFailure = 3;

struct CommandIo {
  std::ostream& out;
  std::ostream& err;
};

struct Command {
  std::string_view name;     // e.g. "lint"
  std::string_view summary;  // one line for `motcua --help`
  std::string_view usage;    // full text for `motcua NAME --help`
  int (*run)(const std::vector<std::string>& args, CommandIo io);
};

// Every subcommand, in the order `motcua --help` lists them.
const std::vector<Command>& Commands();

// Runs `motcua ARGS...` (args excludes the program name) and returns the exit
// status: dispatches to the subcommand, or prints help / a usage error.
int RunCli(const std::vector<std::string>& args, CommandIo io);

// True if `args` asks for help ("--help" or "-h" anywhere).
bool WantsHelp(const std::vector<std::string>& args);

}  // namespace motcua::cli
