// Guards the test suite itself: ctest registers each doctest case by name
// through a CMake list, and CMake splits lists at ';'. A case whose name holds
// a ';' became two ctest entries that each matched nothing, so it never ran
// while ctest reported it passed (ten cases were lost this way).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace motcua {
namespace {

TEST_CASE("test names: no test case name contains a semicolon, which ctest would split") {
  const std::filesystem::path root = std::filesystem::path(MOTCUA_SOURCE_DIR) / "tests";
  std::vector<std::string> offenders;
  std::size_t cases = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.path().extension() != ".cc") continue;
    std::ifstream in(entry.path());
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const std::size_t start = line.find("TEST_CASE(\"");
      if (start == std::string::npos) continue;
      ++cases;
      const std::size_t open = start + 11;
      const std::size_t close = line.find('"', open);
      const std::string name = line.substr(open, close == std::string::npos ? close : close - open);
      if (name.find(';') != std::string::npos) {
        offenders.push_back(entry.path().filename().string() + ":" + std::to_string(number));
      }
    }
  }
  CHECK(cases > 100);
  for (const std::string& where : offenders) FAIL_CHECK("';' in a test case name at " << where);
}

}  // namespace
}  // namespace motcua
