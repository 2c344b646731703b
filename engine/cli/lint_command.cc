#include "engine/cli/lint_command.h"

#include <ostream>
#include <string>
#include <vector>

#include "engine/cli/bundled_schema.h"
#include "engine/cli/files.h"
#include "engine/domain/form_order.h"
#include "engine/domain/json_positions.h"
#include "engine/domain/json_schema.h"
#include "engine/domain/workflow_lint.h"

namespace motcua::cli {
namespace {

constexpr std::string_view kUsage =
    "Usage: motcua lint FILE...\n"
    "\n"
    "Checks workflow definitions: first against the workflow JSON Schema\n"
    "(schema/workflow.schema.json, built into motcua), then for sense: every\n"
    "referenced state, role and document exists, every state is reachable and\n"
    "has a way out, terminal states end with an ending status, timers name real\n"
    "actions, procedure codes are unique across the files given.\n"
    "\n"
    "Also checks that the form's fields have titles in Vietnamese and English\n"
    "and widgets that fit them.\n"
    "\n"
    "Prints one line per problem, \"FILE:LINE:COLUMN: JSON-POINTER: message\"\n"
    "(LINE and COLUMN locate the value at fault, or its nearest enclosing value\n"
    "when it is missing; a syntax error is \"FILE:LINE:COLUMN: message\"), and\n"
    "\"FILE: ok\" for a clean file.\n"
    "\n"
    "Exit status: 0 all files clean, 1 problems found, 2 usage error,\n"
    "3 a file could not be read.\n";

int RunLint(const std::vector<std::string>& args, CommandIo io) {
  if (args.empty()) {
    io.err << "motcua lint: no files given\n" << kUsage;
    return kExitUsage;
  }
  for (const std::string& arg : args) {
    if (arg.size() > 1 && arg.front() == '-') {
      io.err << "motcua lint: unknown option \"" << arg << "\"\n";
      return kExitUsage;
    }
  }

  Result<nlohmann::json> schema_json = ParseJsonText(std::string(BundledWorkflowSchemaText()));
  if (!schema_json.ok()) {
    io.err << "motcua lint: the built-in workflow schema is not valid JSON: "
           << schema_json.error().message() << '\n';
    return kExitFailure;
  }
  Result<JsonSchema> schema = JsonSchema::Compile(*schema_json);
  if (!schema.ok()) {
    io.err << "motcua lint: the built-in workflow schema does not compile: "
           << schema.error().message() << '\n';
    return kExitFailure;
  }

  // Read and parse every file first, so that codes are compared across all.
  int status = kExitOk;
  std::vector<std::string> names;
  std::vector<JsonPositions> positions;
  std::vector<nlohmann::json> documents;
  for (const std::string& path : args) {
    Result<std::string> text = ReadWholeFile(path);
    if (!text.ok()) {
      io.out << text.error().message() << '\n';
      status = kExitFailure;
      continue;
    }
    Result<nlohmann::json> document = ParseWorkflowText(*text, kFileJsonLimits);
    JsonPositions located = JsonPositions::Index(*text);
    if (!document.ok()) {
      if (const auto& syntax = located.syntax_error();
          syntax && document.error().reason() == ErrorReason::kInvalidJson) {
        io.out << path << ':' << syntax->at.line << ':' << syntax->at.column << ": "
               << syntax->reason << '\n';
      } else {
        io.out << path << ": " << document.error().message() << '\n';
      }
      if (status == kExitOk) status = kExitProblems;
      continue;
    }
    names.push_back(path);
    positions.push_back(std::move(located));
    documents.push_back(std::move(document).value());
  }

  std::vector<std::vector<FieldError>> problems = LintWorkflows(*schema, documents);
  std::size_t total = 0;
  for (std::size_t i = 0; i < documents.size(); ++i) {
    if (problems[i].empty()) {
      io.out << names[i] << ": ok\n";
      continue;
    }
    for (const FieldError& problem : problems[i]) {
      const TextPosition at = positions[i].Locate(problem.pointer);
      io.out << names[i] << ':' << at.line << ':' << at.column << ": "
             << (problem.pointer.empty() ? "/" : problem.pointer) << ": " << problem.message
             << '\n';
    }
    total += problems[i].size();
    if (status == kExitOk) status = kExitProblems;
  }
  if (total > 0) io.out << total << (total == 1 ? " problem" : " problems") << " found.\n";
  return status;
}

}  // namespace

Command LintCommand() {
  return {"lint", "check workflow definition files", kUsage, &RunLint};
}

}  // namespace motcua::cli
