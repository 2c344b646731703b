// The domain core must know nothing of HTTP, SQLite or OpenSSL: every include
// in engine/domain is a standard header, nlohmann/json, or another domain
// header. This test reads the sources and fails on anything else.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

bool IsAllowedInclude(const std::string& target, bool quoted) {
  if (quoted) return target.rfind("engine/domain/", 0) == 0;
  if (target.rfind("nlohmann/", 0) == 0) return true;
  // Standard headers have no extension and no directory (<vector>, <chrono>),
  // plus the C compatibility headers (<cassert>, <cstdint>).
  return target.find('/') == std::string::npos && target.find('.') == std::string::npos;
}

}  // namespace

TEST_CASE("layering: domain core includes only the standard library and nlohmann/json") {
  const std::filesystem::path dir = std::filesystem::path(MOTCUA_SOURCE_DIR) / "engine/domain";
  const std::regex include_line(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const auto ext = entry.path().extension();
    if (ext != ".h" && ext != ".cc") continue;
    ++files;
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m;
      if (!std::regex_search(line, m, include_line)) continue;
      INFO(entry.path().filename().string() << ": " << line);
      CHECK(IsAllowedInclude(m[2].str(), m[1].str() == "\""));
    }
  }
  CHECK(files >= 10);
}

TEST_CASE("layering: the include rule rejects adapters") {
  CHECK_FALSE(IsAllowedInclude("sqlite3.h", false));
  CHECK_FALSE(IsAllowedInclude("boost/beast.hpp", false));
  CHECK_FALSE(IsAllowedInclude("openssl/evp.h", false));
  CHECK_FALSE(IsAllowedInclude("api/router.h", true));
  CHECK(IsAllowedInclude("vector", false));
  CHECK(IsAllowedInclude("nlohmann/json.hpp", false));
  CHECK(IsAllowedInclude("engine/domain/status.h", true));
}
