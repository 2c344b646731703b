// The domain core must know nothing of HTTP, SQLite or OpenSSL: every include
// in engine/domain is a standard header, nlohmann/json, or another domain
// header, plus RE2 (pure, I/O-free linear-time regular expressions for JSON
// Schema patterns) in .cc files only, so that no domain header exposes it.
// This test reads the sources and fails on anything else.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

namespace {

bool IsAllowedInclude(const std::string& target, bool quoted, bool in_header) {
  if (quoted) return target.rfind("engine/domain/", 0) == 0;
  if (target.rfind("nlohmann/", 0) == 0) return true;
  if (target == "re2/re2.h") return !in_header;
  // Standard headers have no extension and no directory (<vector>, <chrono>),
  // plus the C compatibility headers (<cassert>, <cstdint>).
  return target.find('/') == std::string::npos && target.find('.') == std::string::npos;
}

}  // namespace

TEST_CASE("layering: domain core includes only the standard library, nlohmann/json and RE2") {
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
      CHECK(IsAllowedInclude(m[2].str(), m[1].str() == "\"", ext == ".h"));
    }
  }
  CHECK(files >= 10);
}

TEST_CASE("layering: the include rule rejects adapters") {
  CHECK_FALSE(IsAllowedInclude("sqlite3.h", false, false));
  CHECK_FALSE(IsAllowedInclude("boost/beast.hpp", false, false));
  CHECK_FALSE(IsAllowedInclude("openssl/evp.h", false, false));
  CHECK_FALSE(IsAllowedInclude("api/router.h", true, false));
  CHECK_FALSE(IsAllowedInclude("re2/re2.h", false, /*in_header=*/true));
  CHECK_FALSE(IsAllowedInclude("re2/set.h", false, false));
  CHECK(IsAllowedInclude("re2/re2.h", false, /*in_header=*/false));
  CHECK(IsAllowedInclude("vector", false, true));
  CHECK(IsAllowedInclude("nlohmann/json.hpp", false, true));
  CHECK(IsAllowedInclude("engine/domain/status.h", true, true));
}
