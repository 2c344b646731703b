// The layers of motcua depend inward only, as the README's layout table says:
//
//   engine/domain   the standard library, nlohmann/json; RE2 in .cc files only
//   engine/service  domain; the standard library, nlohmann/json
//   engine/crypto   domain; OpenSSL, POSIX
//   engine/storage  domain, crypto; nlohmann/json
//   engine/sqlite   domain, crypto, storage; SQLite, POSIX
//   engine/postgres domain, crypto, storage; libpq, POSIX
//   api             domain, service; Boost (Beast, Asio, and OpenSSL through
//                   Asio's TLS; Context), POSIX; the compiler's sanitizer
//                   interface (fiber switches under TSan)
//   engine/cli      everything (it wires the layers together)
//
// This test reads every source file of each layer and fails on an include
// the table does not allow, naming the file and the line.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace {

// What an angle-bracket include names.
enum class External {
  kStandard,
  kJson,
  kRe2,
  kOpenSsl,
  kBoost,
  kSqlite,
  kPostgres,
  kZstd,
  kPosix,
  kSanitizer,
  kOther
};

External Classify(std::string_view target) {
  auto starts = [&](std::string_view prefix) { return target.substr(0, prefix.size()) == prefix; };
  if (starts("nlohmann/")) return External::kJson;
  if (starts("re2/")) return External::kRe2;
  if (starts("openssl/")) return External::kOpenSsl;
  if (starts("boost/")) return External::kBoost;
  if (starts("sanitizer/")) return External::kSanitizer;
  if (target == "sqlite3.h") return External::kSqlite;
  if (target == "libpq-fe.h") return External::kPostgres;
  if (target == "zstd.h") return External::kZstd;
  if (starts("sys/") || starts("arpa/") || starts("netinet/") || target == "unistd.h" ||
      target == "fcntl.h" || target == "semaphore.h" || target == "signal.h" ||
      target == "poll.h" || target == "pwd.h") {
    return External::kPosix;
  }
  // Standard headers have no extension and no directory (<vector>, <chrono>),
  // plus the C compatibility headers (<cassert>, <cstdint>).
  if (target.find('/') == std::string_view::npos && target.find('.') == std::string_view::npos) {
    return External::kStandard;
  }
  return External::kOther;
}

struct LayerRule {
  const char* dir;
  std::vector<std::string_view> project_dirs;  // quoted includes: these folders
  std::vector<External> externals;             // angle includes: these kinds
  bool re2_in_sources_only = false;            // RE2 allowed in .cc, never in .h
};

const std::vector<LayerRule>& Rules() {
  using E = External;
  static const std::vector<LayerRule> rules = {
      {"engine/domain", {"engine/domain/"}, {E::kStandard, E::kJson}, true},
      {"engine/service", {"engine/domain/", "engine/service/"}, {E::kStandard, E::kJson}},
      {"engine/crypto",
       {"engine/domain/", "engine/crypto/"},
       {E::kStandard, E::kJson, E::kOpenSsl, E::kPosix}},
      {"engine/storage",
       {"engine/domain/", "engine/crypto/", "engine/storage/"},
       {E::kStandard, E::kJson}},
      {"engine/sqlite",
       {"engine/domain/", "engine/crypto/", "engine/storage/", "engine/sqlite/"},
       {E::kStandard, E::kJson, E::kSqlite, E::kZstd, E::kPosix}},
      {"engine/postgres",
       {"engine/domain/", "engine/crypto/", "engine/storage/", "engine/postgres/"},
       {E::kStandard, E::kJson, E::kPostgres, E::kPosix}},
      {"api",
       {"engine/domain/", "engine/service/", "api/"},
       {E::kStandard, E::kJson, E::kBoost, E::kOpenSsl, E::kPosix, E::kSanitizer}},
  };
  return rules;
}

const LayerRule& RuleFor(std::string_view dir) {
  for (const LayerRule& rule : Rules()) {
    if (rule.dir == dir) return rule;
  }
  FAIL("no layering rule for " << dir);
  return Rules().front();
}

bool IsAllowedInclude(const LayerRule& rule, const std::string& target, bool quoted,
                      bool in_header) {
  if (quoted) {
    for (std::string_view dir : rule.project_dirs) {
      if (target.rfind(dir, 0) == 0) return true;
    }
    return false;
  }
  const External kind = Classify(target);
  if (kind == External::kRe2)
    return rule.re2_in_sources_only && !in_header && target == "re2/re2.h";
  for (External allowed : rule.externals) {
    if (kind == allowed) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("layering: every layer includes only what the README's layout table allows") {
  const std::regex include_line(R"(^\s*#\s*include\s*([<"])([^>"]+)[>"])");
  for (const LayerRule& rule : Rules()) {
    const std::filesystem::path dir = std::filesystem::path(MOTCUA_SOURCE_DIR) / rule.dir;
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
        INFO(rule.dir << "/" << entry.path().filename().string() << ": " << line);
        CHECK(IsAllowedInclude(rule, m[2].str(), m[1].str() == "\"", ext == ".h"));
      }
    }
    INFO(rule.dir);
    CHECK(files >= 3);
  }
}

TEST_CASE("layering: the include rules refuse outward dependencies") {
  const LayerRule& domain = RuleFor("engine/domain");
  CHECK_FALSE(IsAllowedInclude(domain, "sqlite3.h", false, false));
  CHECK_FALSE(IsAllowedInclude(domain, "boost/beast.hpp", false, false));
  CHECK_FALSE(IsAllowedInclude(domain, "openssl/evp.h", false, false));
  CHECK_FALSE(IsAllowedInclude(domain, "zstd.h", false, false));
  CHECK_FALSE(IsAllowedInclude(RuleFor("engine/storage"), "zstd.h", false, false));
  CHECK(IsAllowedInclude(RuleFor("engine/sqlite"), "zstd.h", false, false));
  CHECK_FALSE(IsAllowedInclude(domain, "unistd.h", false, false));
  CHECK_FALSE(IsAllowedInclude(domain, "api/router.h", true, false));
  CHECK_FALSE(IsAllowedInclude(domain, "engine/service/token_service.h", true, false));
  CHECK_FALSE(IsAllowedInclude(domain, "re2/re2.h", false, /*in_header=*/true));
  CHECK_FALSE(IsAllowedInclude(domain, "re2/set.h", false, false));
  CHECK(IsAllowedInclude(domain, "re2/re2.h", false, /*in_header=*/false));
  CHECK(IsAllowedInclude(domain, "vector", false, true));
  CHECK(IsAllowedInclude(domain, "nlohmann/json.hpp", false, true));
  CHECK(IsAllowedInclude(domain, "engine/domain/status.h", true, true));

  const LayerRule& crypto = RuleFor("engine/crypto");
  CHECK_FALSE(IsAllowedInclude(crypto, "engine/service/token_service.h", true, true));
  CHECK_FALSE(IsAllowedInclude(crypto, "engine/sqlite/sqlite_store.h", true, true));
  CHECK_FALSE(IsAllowedInclude(crypto, "re2/re2.h", false, false));
  CHECK(IsAllowedInclude(crypto, "openssl/cms.h", false, true));

  const LayerRule& service = RuleFor("engine/service");
  CHECK_FALSE(IsAllowedInclude(service, "engine/crypto/sha256.h", true, false));
  CHECK_FALSE(IsAllowedInclude(service, "engine/sqlite/sqlite_store.h", true, false));
  CHECK_FALSE(IsAllowedInclude(service, "api/router.h", true, false));
  CHECK_FALSE(IsAllowedInclude(service, "openssl/evp.h", false, false));
  CHECK_FALSE(IsAllowedInclude(service, "unistd.h", false, false));

  const LayerRule& sqlite = RuleFor("engine/sqlite");
  CHECK_FALSE(IsAllowedInclude(sqlite, "engine/service/dossier_service.h", true, false));
  CHECK_FALSE(IsAllowedInclude(sqlite, "boost/asio.hpp", false, false));
  CHECK(IsAllowedInclude(sqlite, "engine/crypto/sha256.h", true, false));

  const LayerRule& api = RuleFor("api");
  CHECK_FALSE(IsAllowedInclude(api, "engine/sqlite/sqlite_store.h", true, false));
  CHECK_FALSE(IsAllowedInclude(api, "engine/crypto/openssl_cms.h", true, false));
  CHECK_FALSE(IsAllowedInclude(api, "engine/cli/options.h", true, false));
  CHECK_FALSE(IsAllowedInclude(api, "sqlite3.h", false, false));
  CHECK(IsAllowedInclude(api, "boost/beast/http.hpp", false, false));
  CHECK(IsAllowedInclude(api, "engine/service/dossier_service.h", true, false));
}
