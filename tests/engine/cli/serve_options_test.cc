#include "engine/cli/serve_options.h"

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/cli/command.h"
#include "tests/engine/cli/run_cli.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua::cli {
namespace {

std::string WriteFile(const TempDirectory& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.File(name);
  std::ofstream(path) << text;
  return path;
}

TEST_CASE("serve options: --help shows every option of the table, with its value name") {
  const std::string usage = ServeUsage();
  CHECK(usage.find("Usage: motcua serve") == 0);
  CHECK(usage.find("--config FILE") != std::string::npos);
  REQUIRE(ServeOptionTable().size() >= 31);
  for (const OptionSpec& spec : ServeOptionTable()) {
    CAPTURE(spec.name);
    CHECK(usage.find("  --" + std::string(spec.name) + " " + std::string(spec.value_name)) !=
          std::string::npos);
    CHECK_FALSE(spec.help.empty());
  }
  // Once missing from the hand-written usage.
  CHECK(usage.find("--payment-secret-file FILE") != std::string::npos);
  CHECK(usage.find("--timer-interval S") != std::string::npos);
  CHECK(Cli({"serve", "--help"}).out == usage);
}

TEST_CASE("serve options: names are unique and help lines fit the terminal") {
  std::set<std::string_view> names = {"config"};
  for (const OptionSpec& spec : ServeOptionTable()) {
    CAPTURE(spec.name);
    CHECK(names.insert(spec.name).second);
  }
  std::istringstream lines(ServeUsage());
  for (std::string line; std::getline(lines, line);) {
    CAPTURE(line);
    CHECK(line.size() <= 80);
  }
}

TEST_CASE("serve options: the config file gives values, flags win, paths are relative to it") {
  TempDirectory dir;
  const std::string config =
      WriteFile(dir, "serve.json",
                R"({"db": "data/motcua.db", "listen": "127.0.0.1:9000", "threads": 4,)"
                R"( "trust": "/etc/motcua/ca.pem", "log-level": "warning"})");
  Result<ParsedOptions> parsed =
      ParseServeArguments({"--config", config, "--threads=8", "--admin-agency", "000.00.01.H26"});
  REQUIRE(parsed.ok());
  CHECK(parsed->Get("db") == dir.File("data/motcua.db"));
  CHECK(parsed->Get("listen") == "127.0.0.1:9000");
  CHECK(parsed->Get("threads") == "8");
  CHECK(parsed->Get("trust") == "/etc/motcua/ca.pem");
  CHECK(parsed->Get("log-level") == "warning");
  CHECK(parsed->Get("admin-agency") == "000.00.01.H26");
  CHECK_FALSE(parsed->Get("config").has_value());
  CHECK(parsed->positional.empty());

  Result<ParsedOptions> flags_only = ParseServeArguments({"--db", "x.db"});
  REQUIRE(flags_only.ok());
  CHECK(flags_only->values == std::map<std::string, std::string>{{"db", "x.db"}});
}

TEST_CASE("serve options: config file errors name the file and the key") {
  TempDirectory dir;
  struct Case {
    const char* what;
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {"unknown key", R"({"db": "a.db", "listen-address": "x"})", "\"listen-address\""},
      {"config inside config", R"({"config": "other.json"})", "\"config\""},
      {"a flag spelling", R"({"--db": "a.db"})", "\"--db\""},
      {"integer as string", R"({"threads": "4"})", "\"threads\": must be an integer"},
      {"fraction", R"({"threads": 1.5})", "\"threads\": must be an integer"},
      {"boolean", R"({"max-connections": true})", "\"max-connections\": must be an integer"},
      {"path as number", R"({"db": 7})", "\"db\": must be a string"},
      {"text as array", R"({"listen": ["127.0.0.1:1"]})", "\"listen\": must be a string"},
      {"null", R"({"log-level": null})", "\"log-level\": must be a string"},
      {"not an object", R"(["db", "a.db"])", "one JSON object"},
      {"not JSON", "db = \"a.db\"\n", "serve.json"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    const std::string config = WriteFile(dir, "serve.json", c.text);
    Result<ParsedOptions> parsed = ParseServeArguments({"--config", config});
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().message().find(c.expected) != std::string::npos);
    CHECK(parsed.error().message().find(config) != std::string::npos);
    CliRun run = Cli({"serve", "--config", config});
    CHECK(run.status == kExitUsage);
    CHECK(run.err.find(c.expected) != std::string::npos);
  }
  CHECK_FALSE(ParseServeArguments({"--config", dir.File("missing.json")}).ok());
  CHECK(Cli({"serve", "--config", dir.File("missing.json")}).status == kExitUsage);
  CHECK_FALSE(ParseServeArguments({"--config", "a.json", "--config", "b.json"}).ok());
}

TEST_CASE("serve options: --demo is a flag without a value, off unless given") {
  const std::string usage = ServeUsage();
  CHECK(usage.find("\n  --demo                 demo mode") != std::string::npos);
  CHECK_FALSE(ParseServeArguments({"--db", "x.db"})->Has("demo"));
  Result<ParsedOptions> given = ParseServeArguments({"--demo", "--db", "x.db"});
  REQUIRE(given.ok());
  CHECK(given->Has("demo"));
  CHECK(given->Get("db") == "x.db");
  CHECK(given->positional.empty());
  // A value glued on is refused; one after it is an argument serve refuses.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--demo=true"}, {"--demo="}, {"--demo", "--demo"}}) {
    CAPTURE(args.front());
    Result<ParsedOptions> refused = ParseServeArguments(args);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message().find("\"--demo\"") != std::string::npos);
  }
  CHECK(ParseServeArguments({"--demo", "true"})->positional == std::vector<std::string>{"true"});
  CliRun run = Cli({"serve", "--demo=yes"});
  CHECK(run.status == kExitUsage);
  CHECK(run.err.find("\"--demo\" takes no value") != std::string::npos);
  CHECK(Cli({"serve", "--demo", "true"}).status == kExitUsage);
}

TEST_CASE("serve options: the config file turns demo mode on with true only") {
  TempDirectory dir;
  Result<ParsedOptions> on =
      ParseServeArguments({"--config", WriteFile(dir, "on.json", R"({"demo": true})")});
  REQUIRE(on.ok());
  CHECK(on->Has("demo"));
  Result<ParsedOptions> off =
      ParseServeArguments({"--config", WriteFile(dir, "off.json", R"({"demo": false})")});
  REQUIRE(off.ok());
  CHECK_FALSE(off->Has("demo"));
  // The flag wins over the file.
  Result<ParsedOptions> flag_wins =
      ParseServeArguments({"--config", dir.File("off.json"), "--demo"});
  REQUIRE(flag_wins.ok());
  CHECK(flag_wins->Has("demo"));
  for (const char* text : {R"({"demo": "true"})", R"({"demo": 1})", R"({"demo": null})"}) {
    CAPTURE(text);
    Result<ParsedOptions> refused =
        ParseServeArguments({"--config", WriteFile(dir, "bad.json", text)});
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message().find("\"demo\": must be true or false") != std::string::npos);
  }
}

TEST_CASE("serve options: a bad --log-level, from a flag or the file, is a usage error") {
  TempDirectory dir;
  CliRun flag = Cli({"serve", "--log-level", "verbose"});
  CHECK(flag.status == kExitUsage);
  CHECK(flag.err.find("--log-level") != std::string::npos);
  const std::string config = WriteFile(dir, "serve.json", R"({"log-level": "INFO"})");
  CliRun file = Cli({"serve", "--config", config});
  CHECK(file.status == kExitUsage);
  CHECK(file.err.find("--log-level") != std::string::npos);
}

}  // namespace
}  // namespace motcua::cli
