// The `motcua` binary: parses the subcommand and hands over to engine/cli.
#include <iostream>
#include <string>
#include <vector>

#include "engine/cli/command.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return motcua::cli::RunCli(args, {std::cout, std::cerr});
}
