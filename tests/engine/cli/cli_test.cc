#include <doctest/doctest.h>
#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/cli/command.h"
#include "tests/engine/cli/run_cli.h"
#include "tests/json_text_support.h"

namespace motcua::cli {
namespace {

namespace fs = std::filesystem;

std::string Workflow(const std::string& name) {
  return std::string(MOTCUA_SOURCE_DIR) + "/workflows/" + name;
}

// A file in a fresh temporary directory of its own (mkdtemp: test processes
// run in parallel), removed with the object.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& content) {
    std::string pattern = (fs::temp_directory_path() / "motcua-cli-test-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    std::ofstream(dir_ / name) << content;
    path_ = (dir_ / name).string();
  }
  ~TempFile() { fs::remove_all(dir_); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  fs::path dir_;
  std::string path_;
};

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// "LINE:COLUMN" of the first byte of `needle` in `text`.
std::string LineColumnOf(const std::string& text, const std::string& needle) {
  const std::size_t at = text.find(needle);
  REQUIRE(at != std::string::npos);
  const auto [line, column] = LineColumnAt(text, at);
  return std::to_string(line) + ":" + std::to_string(column);
}

TEST_CASE("cli: --help lists every command and each command has its own help") {
  CliRun help = Cli({"--help"});
  CHECK(help.status == kExitOk);
  CHECK(help.out.find("lint") != std::string::npos);
  for (const Command& command : Commands()) {
    CliRun own = Cli({std::string(command.name), "--help"});
    CHECK(own.status == kExitOk);
    CHECK(own.out.find("Usage: motcua " + std::string(command.name)) != std::string::npos);
  }
}

TEST_CASE("cli: every command refuses an unknown flag with exit 2, naming it") {
  for (const Command& command : Commands()) {
    CAPTURE(command.name);
    for (std::vector<std::string> flags :
         {std::vector<std::string>{"--no-such-flag", "value"}, {"--no-such-flag=value"}}) {
      std::vector<std::string> args = {std::string(command.name)};
      args.insert(args.end(), flags.begin(), flags.end());
      CliRun run = Cli(args);
      CHECK(run.status == kExitUsage);
      CHECK(run.err.find("--no-such-flag") != std::string::npos);
      CHECK(run.out.empty());
    }
  }
}

TEST_CASE("cli: every command's --help is its usage wherever --help stands, exit 0") {
  for (const Command& command : Commands()) {
    CAPTURE(command.name);
    for (const char* help : {"--help", "-h"}) {
      CliRun first = Cli({std::string(command.name), help});
      CHECK(first.status == kExitOk);
      CHECK(first.out == command.usage);
      CHECK(first.err.empty());
      CliRun later = Cli({std::string(command.name), "--db", "x.db", help});
      CHECK(later.status == kExitOk);
      CHECK(later.out == command.usage);
    }
  }
}

TEST_CASE("cli: no command and an unknown command are usage errors") {
  CHECK(Cli({}).status == kExitUsage);
  CliRun unknown = Cli({"frobnicate"});
  CHECK(unknown.status == kExitUsage);
  CHECK(unknown.err.find("unknown command \"frobnicate\"") != std::string::npos);
}

TEST_CASE("cli: lint accepts every bundled workflow") {
  std::vector<std::string> args = {"lint"};
  for (const auto& entry : fs::directory_iterator(std::string(MOTCUA_SOURCE_DIR) + "/workflows")) {
    if (entry.path().extension() == ".json") args.push_back(entry.path().string());
  }
  REQUIRE(args.size() >= 8);
  CliRun run = Cli(args);
  INFO(run.out);
  CHECK(run.status == kExitOk);
  CHECK(run.out.find("problem") == std::string::npos);
}

TEST_CASE("cli: lint reports malformed JSON with line and column") {
  TempFile file("broken.json", "{\n  \"procedure\": {\n    \"code\": 1.2.3\n  }\n}\n");
  CliRun run = Cli({"lint", file.path()});
  CHECK(run.status == kExitProblems);
  // Issue 17 moved the position to the front, where editors read it.
  CHECK(run.out.find(file.path() + ":3:") != std::string::npos);
}

TEST_CASE("cli: lint lists every problem with its JSON pointer") {
  std::string text = ReadText(Workflow("1.004222-permanent-residence.json"));
  // Two independent defects: a misspelt target state and an unknown timer action.
  auto replace = [&text](const std::string& from, const std::string& to) {
    std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
  };
  replace("\"to\": \"in_review\", \"roles\": [\"applicant\", \"reception_clerk\", \"system\"]",
          "\"to\": \"in_reveiw\", \"roles\": [\"applicant\", \"reception_clerk\", \"system\"]");
  replace("\"action\": \"stop_processing\" }\n  ]", "\"action\": \"stop_procesing\" }\n  ]");
  TempFile file("two-defects.json", text);

  CliRun run = Cli({"lint", file.path()});
  INFO(run.out);
  CHECK(run.status == kExitProblems);
  CHECK(run.out.find(file.path() + ":" + LineColumnOf(text, "\"in_reveiw\"") +
                     ": /actions/4/to: ") != std::string::npos);
  CHECK(run.out.find("in_reveiw") != std::string::npos);
  CHECK(run.out.find(file.path() + ":" + LineColumnOf(text, "\"stop_procesing\"") +
                     ": /timers/1/action: ") != std::string::npos);
  CHECK(run.out.find("stop_procesing") != std::string::npos);
}

TEST_CASE("cli: lint flags a national code used by two files") {
  std::string text = ReadText(Workflow("1.004222-permanent-residence.json"));
  TempFile copy("copy.json", text);
  CliRun run = Cli({"lint", Workflow("1.004222-permanent-residence.json"), copy.path()});
  CHECK(run.status == kExitProblems);
  CHECK(run.out.find(copy.path() + ":" + LineColumnOf(text, "\"1.004222\"") +
                     ": /procedure/code: ") != std::string::npos);
}

TEST_CASE("cli: lint of a missing file fails and names it") {
  CliRun run = Cli({"lint", "/nonexistent/motcua/workflow.json"});
  CHECK(run.status == kExitFailure);
  CHECK(run.out.find("/nonexistent/motcua/workflow.json: cannot open") != std::string::npos);
}

TEST_CASE("cli: the built binary runs the same commands") {
  const std::string command = std::string(MOTCUA_BINARY) + " lint " +
                              Workflow("1.004222-permanent-residence.json") + " > /dev/null";
  CHECK(std::system(command.c_str()) == 0);
  const std::string unknown = std::string(MOTCUA_BINARY) + " frobnicate 2> /dev/null";
  int status = std::system(unknown.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == kExitUsage);
}

TEST_CASE("cli: workflow diff names what changed between two definitions, with pointers") {
  const std::string original = ReadText(Workflow("1.004222-permanent-residence.json"));
  nlohmann::ordered_json changed = nlohmann::ordered_json::parse(original);
  changed["procedure"]["deadline"] = {{"working_days", 99}};
  TempFile older("old.json", original);
  TempFile newer("new.json", changed.dump(2));

  CliRun diff = Cli({"workflow", "diff", older.path(), newer.path()});
  CHECK(diff.status == kExitProblems);
  CHECK(diff.out ==
        "deadline deadline: changed /working_days (/procedure/deadline -> /procedure/deadline)\n"
        "1 change.\n");
  CliRun as_json = Cli({"workflow", "diff", "--json", older.path(), newer.path()});
  CHECK(as_json.status == kExitProblems);
  const nlohmann::json listed = nlohmann::json::parse(as_json.out);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].at("category") == "deadline");

  CliRun same = Cli({"workflow", "diff", older.path(), older.path()});
  CHECK(same.status == kExitOk);
  CHECK(same.out == "0 changes.\n");

  CHECK(Cli({"workflow", "diff", older.path()}).status == kExitUsage);
  CHECK(Cli({"workflow", "diff", "--colour", older.path(), newer.path()}).status == kExitUsage);
  CHECK(Cli({"workflow", "merge", older.path(), newer.path()}).status == kExitUsage);
  CHECK(Cli({"workflow"}).status == kExitUsage);
  CliRun missing = Cli({"workflow", "diff", older.path(), older.path() + ".gone"});
  CHECK(missing.status == kExitFailure);
  CHECK(missing.err.find(".gone") != std::string::npos);
  TempFile deep("deep.json", std::string(100'000, '[') + std::string(100'000, ']'));
  CliRun refused = Cli({"workflow", "diff", older.path(), deep.path()});
  CHECK(refused.status == kExitFailure);
  CHECK(refused.err.find("nests deeper than 64 levels") != std::string::npos);
}

}  // namespace
}  // namespace motcua::cli
