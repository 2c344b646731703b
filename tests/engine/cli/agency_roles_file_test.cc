#include "engine/cli/agency_roles_file.h"

#include <doctest/doctest.h>

#include <fstream>
#include <string>

#include "tests/engine/cli/run_cli.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua::cli {
namespace {

std::string Write(const TempDirectory& dir, const std::string& text) {
  const std::string path = dir.File("agency-roles.json");
  std::ofstream(path) << text;
  return path;
}

TEST_CASE("agency_roles_file: the bundled example loads") {
  Result<AgencyRoleDirectory> loaded =
      LoadAgencyRoles(std::string(MOTCUA_SOURCE_DIR) + "/tools/agency-roles.example.json");
  REQUIRE_MESSAGE(loaded.ok(), loaded.error().message());
  CHECK(loaded->Find("000.00.01.H26", "residence_police") == "000.00.20.H26");
  CHECK(loaded->Find("000.00.05.H26", "social_insurance") == "000.00.31.H26");
}

TEST_CASE("agency_roles_file: a bad file is refused naming the file and the member") {
  TempDirectory dir;
  const std::string path = Write(dir, R"({"000.00.01.H26": {"residence_police": "the police"}})");
  Result<AgencyRoleDirectory> loaded = LoadAgencyRoles(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.error().message().find(path) == 0);
  CHECK(loaded.error().message().find("/000.00.01.H26/residence_police") != std::string::npos);
  CHECK_FALSE(LoadAgencyRoles(dir.File("absent.json")).ok());
  CHECK_FALSE(LoadAgencyRoles(Write(dir, "{not json")).ok());
}

TEST_CASE("agency_roles_file: serve refuses to start on a bad --agency-roles file") {
  TempDirectory dir;
  const std::string path = Write(dir, R"({"*": {"Police": "000.00.20.H26"}})");
  CliRun run = Cli({"serve", "--db", dir.File("motcua.db"), "--agency-roles", path});
  CHECK(run.status != 0);
  CHECK(run.err.find("motcua serve: --agency-roles " + path) != std::string::npos);
  CHECK(run.err.find("/*/Police") != std::string::npos);
  std::ifstream database(dir.File("motcua.db"));
  CHECK_FALSE(database.good());  // refused before anything was created
}

}  // namespace
}  // namespace motcua::cli
