// The IdentityStore contract (engine/domain/identity.h), run unchanged
// against the SQLite and PostgreSQL identity stores and the in-memory fake.
#include <doctest/doctest.h>

#include <chrono>

#include "engine/postgres/postgres_identity_store.h"
#include "engine/sqlite/sqlite_identity_store.h"
#include "tests/engine/sqlite/temp_directory.h"
#include "tests/fakes/memory_identity_store.h"
#include "tests/postgres_test_database.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;

const Instant kNow{std::chrono::sys_days{2026y / 3 / 2}};

// The same cases for each store.
void CheckIdentityContract(IdentityStore& store) {
  CHECK(store.CountUsers().value() == 0);
  const User clerk{"clerk-1", "Bình", {"reception_clerk", "specialist"}, "000.00.01.H26", {},
                   false,     kNow};
  const User owner{"001090012345", "An", {"applicant"}, "", {}, false, kNow};
  REQUIRE(store.CreateUser(clerk).ok());
  REQUIRE(store.CreateUser(owner).ok());
  CHECK(store.CreateUser(clerk).error().code() == ErrorCode::kConflict);
  CHECK(store.CountUsers().value() == 2);

  Result<User> read = store.GetUser("clerk-1");
  REQUIRE(read.ok());
  CHECK(read->roles == clerk.roles);
  CHECK(read->agency == clerk.agency);
  CHECK(read->created_at == kNow);
  CHECK(store.GetUser("nobody").error().code() == ErrorCode::kNotFound);

  User changed = clerk;
  changed.disabled = true;
  changed.certificate_fingerprint = std::string(64, 'c');
  REQUIRE(store.UpdateUser(changed).ok());
  CHECK(store.GetUser("clerk-1")->disabled);
  CHECK(store.GetUser("clerk-1")->certificate_fingerprint == std::string(64, 'c'));
  User ghost = clerk;
  ghost.id = "ghost";
  CHECK(store.UpdateUser(ghost).error().code() == ErrorCode::kNotFound);

  REQUIRE(store.ListUsers("000.00.01.H26")->size() == 1);
  CHECK(store.ListUsers(std::nullopt)->size() == 2);

  const TokenRecord token{std::string(64, 'a'), "clerk-1", "desk", kNow, kNow + 24h, std::nullopt};
  REQUIRE(store.CreateToken(token).ok());
  Result<TokenRecord> got = store.GetToken(token.token_hash);
  REQUIRE(got.ok());
  CHECK(got->user_id == "clerk-1");
  CHECK(got->expires_at == kNow + 24h);
  CHECK_FALSE(got->revoked_at.has_value());
  REQUIRE(store.RevokeToken(token.token_hash, kNow + 1h).ok());
  CHECK(store.GetToken(token.token_hash)->revoked_at == kNow + 1h);
  CHECK(store.GetToken(std::string(64, 'b')).error().code() == ErrorCode::kNotFound);
}

TEST_CASE("identity store: the contract holds for SQLite, PostgreSQL and the fake") {
  SUBCASE("sqlite") {
    TempDirectory dir;
    Result<std::unique_ptr<SqliteIdentityStore>> store =
        SqliteIdentityStore::Open(dir.File("motcua.db"));
    REQUIRE(store.ok());
    CheckIdentityContract(**store);
  }
#if MOTCUA_POSTGRES_TESTS
  SUBCASE("postgresql") {
    PostgresTestDatabase database;
    REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
    Result<std::unique_ptr<PostgresIdentityStore>> store =
        PostgresIdentityStore::Open(database.uri());
    REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().message()));
    CheckIdentityContract(**store);
  }
#endif
  SUBCASE("memory") {
    MemoryIdentityStore store;
    CheckIdentityContract(store);
  }
}

}  // namespace
}  // namespace motcua
