#include "engine/cli/command.h"

#include <algorithm>
#include <ostream>

#include "engine/cli/copy_command.h"
#include "engine/cli/lint_command.h"
#include "engine/cli/serve_command.h"
#include "engine/cli/signature_commands.h"
#include "engine/cli/store_commands.h"
#include "engine/cli/token_command.h"
#include "engine/cli/workflow_command.h"

namespace motcua::cli {
namespace {

constexpr std::string_view kOverview =
    "motcua: online public-service workflow engine.\n"
    "\n"
    "Usage: motcua COMMAND [OPTIONS]\n"
    "       motcua COMMAND --help\n"
    "\n"
    "Commands:\n";

void PrintOverview(std::ostream& out) {
  out << kOverview;
  for (const Command& command : Commands()) {
    out << "  " << command.name;
    for (std::size_t i = command.name.size(); i < 10; ++i) out << ' ';
    out << command.summary << '\n';
  }
}

}  // namespace

const std::vector<Command>& Commands() {
  static const std::vector<Command> commands = {
      ServeCommand(),  LintCommand(), WorkflowCommand(), TokenCommand(), AuditCommand(),
      BackupCommand(), CopyCommand(), PkiCommand(),      SignCommand(),
  };
  return commands;
}

bool WantsHelp(const std::vector<std::string>& args) {
  return std::any_of(args.begin(), args.end(),
                     [](const std::string& a) { return a == "--help" || a == "-h"; });
}

int RunCli(const std::vector<std::string>& args, CommandIo io) {
  if (args.empty()) {
    PrintOverview(io.err);
    return kExitUsage;
  }
  if (args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
    PrintOverview(io.out);
    return kExitOk;
  }
  for (const Command& command : Commands()) {
    if (command.name != args.front()) continue;
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (WantsHelp(rest)) {
      io.out << command.usage;
      return kExitOk;
    }
    return command.run(rest, io);
  }
  io.err << "motcua: unknown command \"" << args.front() << "\"; run `motcua --help`.\n";
  return kExitUsage;
}

}  // namespace motcua::cli
