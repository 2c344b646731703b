#include <doctest/doctest.h>

#include <chrono>

#include "engine/sqlite/sqlite_identity_store.h"
#include "engine/sqlite/sqlite_store.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;

const Instant kNow{std::chrono::sys_days{2026y / 3 / 2}};

TEST_CASE("identity store: opens next to the dossier store in either order and persists") {
  TempDirectory dir;
  const std::string path = dir.File("motcua.db");
  {
    Result<std::unique_ptr<SqliteIdentityStore>> identities = SqliteIdentityStore::Open(path);
    REQUIRE(identities.ok());
    REQUIRE((*identities)->CreateUser({"clerk-1", "", {"leader"}, "H26", {}, false, kNow}).ok());
    SqliteStoreOptions options;
    options.path = path;
    REQUIRE(SqliteStore::Open(options).ok());
  }
  SqliteStoreOptions options;
  options.path = path;
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
  REQUIRE(store.ok());
  Result<std::unique_ptr<SqliteIdentityStore>> reopened = SqliteIdentityStore::Open(path);
  REQUIRE(reopened.ok());
  CHECK((*reopened)->GetUser("clerk-1").ok());
}

}  // namespace
}  // namespace motcua
