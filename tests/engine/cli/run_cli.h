// run_cli.h: runs `motcua ARGS...` in-process for CLI tests.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "engine/cli/command.h"

namespace motcua::cli {

// The exit status and what the command wrote to stdout and stderr.
struct CliRun {
  int status = -1;
  std::string out;
  std::string err;
};

inline CliRun Cli(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  CliRun run;
  run.status = RunCli(args, {out, err});
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace motcua::cli
