#include "engine/cli/workflow_command.h"

#include <ostream>
#include <string>
#include <vector>

#include "engine/cli/files.h"
#include "engine/domain/workflow_diff.h"

namespace motcua::cli {
namespace {

constexpr std::string_view kUsage =
    "Usage: motcua workflow diff [--json] OLD.json NEW.json\n"
    "\n"
    "Prints what changed from the definition OLD to the definition NEW: states,\n"
    "actions, roles, documents, form fields, fees, timers, the deadline and the\n"
    "procedure's description, matched by key (reordering is not a change). One\n"
    "line per change:\n"
    "  CATEGORY KEY: removed (OLD-POINTER)\n"
    "  CATEGORY KEY: changed MEMBERS (OLD-POINTER -> NEW-POINTER)\n"
    "  CATEGORY KEY: added (NEW-POINTER)\n"
    "where the pointers are JSON pointers into each file and MEMBERS the\n"
    "members that differ. With --json, the changes as GET\n"
    "/v1/procedures/{code}/versions/{from}/diff/{to} gives them.\n"
    "\n"
    "Exit status: 0 no changes, 1 changes found, 2 usage error, 3 a file could\n"
    "not be read or is not JSON.\n";

void PrintChange(std::ostream& out, const WorkflowChange& change) {
  out << WorkflowChangeCategoryName(change.category) << ' ' << change.key << ": "
      << WorkflowChangeKindName(change.kind);
  switch (change.kind) {
    case WorkflowChangeKind::kRemoved: out << " (" << change.from_pointer << ")"; break;
    case WorkflowChangeKind::kChanged: {
      for (const std::string& member : change.changed_members) {
        out << ' ' << (member.empty() ? "(value)" : member);
      }
      out << " (" << change.from_pointer << " -> " << change.to_pointer << ")";
      break;
    }
    case WorkflowChangeKind::kAdded: out << " (" << change.to_pointer << ")"; break;
  }
  out << '\n';
}

int RunDiff(const std::vector<std::string>& args, CommandIo io) {
  bool as_json = false;
  std::vector<std::string> files;
  for (const std::string& arg : args) {
    if (arg == "--json") {
      as_json = true;
    } else if (arg.size() > 1 && arg.front() == '-') {
      io.err << "motcua workflow diff: unknown option \"" << arg << "\"\n" << kUsage;
      return kExitUsage;
    } else {
      files.push_back(arg);
    }
  }
  if (files.size() != 2) {
    io.err << "motcua workflow diff: give exactly two files, OLD and NEW\n" << kUsage;
    return kExitUsage;
  }
  Result<nlohmann::json> older = ReadWorkflowFile(files[0]);
  Result<nlohmann::json> newer = ReadWorkflowFile(files[1]);
  for (const Result<nlohmann::json>* read : {&older, &newer}) {
    if (!read->ok()) {
      io.err << "motcua workflow diff: " << read->error().message() << '\n';
      return kExitFailure;
    }
  }
  const std::vector<WorkflowChange> changes = DiffWorkflows(*older, *newer);
  if (as_json) {
    io.out << WorkflowChangesJson(changes).dump(2) << '\n';
  } else {
    for (const WorkflowChange& change : changes) PrintChange(io.out, change);
    io.out << changes.size() << (changes.size() == 1 ? " change" : " changes") << ".\n";
  }
  return changes.empty() ? kExitOk : kExitProblems;
}

int RunWorkflow(const std::vector<std::string>& args, CommandIo io) {
  if (args.empty() || args.front() != "diff") {
    io.err << "motcua workflow: "
           << (args.empty() ? std::string("no subcommand given")
                            : "unknown subcommand \"" + args.front() + "\"")
           << '\n'
           << kUsage;
    return kExitUsage;
  }
  return RunDiff(std::vector<std::string>(args.begin() + 1, args.end()), io);
}

}  // namespace

Command WorkflowCommand() {
  return {"workflow", "compare workflow definitions (diff)", kUsage, &RunWorkflow};
}

}  // namespace motcua::cli
