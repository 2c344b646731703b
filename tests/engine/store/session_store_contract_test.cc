// The SessionStore contract (engine/domain/session_store.h), run unchanged
// against the SQLite and PostgreSQL identity stores and the in-memory fake.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>

#include "engine/domain/identity.h"
#include "engine/domain/session_store.h"
#include "engine/postgres/postgres_identity_store.h"
#include "engine/sqlite/sqlite_identity_store.h"
#include "tests/engine/sqlite/temp_directory.h"
#include "tests/fakes/memory_session_store.h"
#include "tests/postgres_test_database.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;

const Instant kNow{std::chrono::sys_days{2026y / 3 / 2}};

struct SqliteSessionsFixture {
  TempDirectory directory;
  std::unique_ptr<SqliteIdentityStore> identities;
  SessionStore* store = nullptr;
  SqliteSessionsFixture() {
    Result<std::unique_ptr<SqliteIdentityStore>> opened =
        SqliteIdentityStore::Open(directory.File("store.db"));
    REQUIRE(opened.ok());
    identities = std::move(opened).value();
    store = identities.get();
    for (const char* id : {"001090012345", "clerk-1"}) {
      REQUIRE(identities->CreateUser(User{id, "Name", {"applicant"}, "", {}, false, kNow}).ok());
    }
  }
};

struct PostgresSessionsFixture {
  PostgresTestDatabase database;
  std::unique_ptr<PostgresIdentityStore> identities;
  SessionStore* store = nullptr;
  PostgresSessionsFixture() {
    REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
    Result<std::unique_ptr<PostgresIdentityStore>> opened =
        PostgresIdentityStore::Open(database.uri());
    REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message()));
    identities = std::move(opened).value();
    store = identities.get();
    for (const char* id : {"001090012345", "clerk-1"}) {
      REQUIRE(identities->CreateUser(User{id, "Name", {"applicant"}, "", {}, false, kNow}).ok());
    }
  }
};

struct MemorySessionsFixture {
  MemorySessionStore memory;
  SessionStore* store = &memory;
};

#if MOTCUA_POSTGRES_TESTS
#define SESSION_STORE_TYPES SqliteSessionsFixture, MemorySessionsFixture, PostgresSessionsFixture
#else
#define SESSION_STORE_TYPES SqliteSessionsFixture, MemorySessionsFixture
#endif

SessionRecord NewSession(char hash_digit, const std::string& user_id) {
  SessionRecord session;
  session.session_hash = std::string(64, hash_digit);
  session.user_id = user_id;
  session.method = AuthMethod::kOidcSession;
  session.identity_provider = "vneid";
  session.created_at = kNow;
  session.last_seen_at = kNow;
  session.expires_at = kNow + 12h;
  return session;
}

TEST_CASE_TEMPLATE("session store: a session survives create and get, once per hash", F,
                   SESSION_STORE_TYPES) {
  F f;
  SessionRecord oidc = NewSession('a', "001090012345");
  oidc.verified_identity.claims[IdentityClaim::kName] = "Nguyễn Văn An";
  oidc.verified_identity.claims[IdentityClaim::kBirthdate] = "1990-05-01";
  SessionRecord demo = NewSession('b', "clerk-1");
  demo.method = AuthMethod::kDemoSession;
  demo.identity_provider.clear();
  REQUIRE(f.store->Create(oidc).ok());
  REQUIRE(f.store->Create(demo).ok());
  CHECK(f.store->Create(oidc).error().code() == ErrorCode::kConflict);

  for (const SessionRecord& expected : {oidc, demo}) {
    Result<SessionRecord> read = f.store->Get(expected.session_hash);
    REQUIRE(read.ok());
    CHECK(read->user_id == expected.user_id);
    CHECK(read->method == expected.method);
    CHECK(read->identity_provider == expected.identity_provider);
    CHECK(read->created_at == expected.created_at);
    CHECK(read->last_seen_at == expected.last_seen_at);
    CHECK(read->expires_at == expected.expires_at);
    CHECK_FALSE(read->ended_at.has_value());
    CHECK(read->verified_identity.claims == expected.verified_identity.claims);
  }
  Result<SessionRecord> unknown = f.store->Get(std::string(64, 'c'));
  CHECK(unknown.error().code() == ErrorCode::kNotFound);
  CHECK(unknown.error().reason() == ErrorReason::kSessionInvalid);
  CHECK(f.store->Get("not a hash").error().code() == ErrorCode::kNotFound);
  CHECK(f.store->Get(std::string(1 << 20, 'a')).error().code() == ErrorCode::kNotFound);
}

TEST_CASE_TEMPLATE("session store: last use only moves forward and stops at the end", F,
                   SESSION_STORE_TYPES) {
  F f;
  const SessionRecord session = NewSession('a', "001090012345");
  REQUIRE(f.store->Create(session).ok());
  REQUIRE(f.store->Touch(session.session_hash, kNow + 5min).ok());
  CHECK(f.store->Get(session.session_hash)->last_seen_at == kNow + 5min);
  REQUIRE(f.store->Touch(session.session_hash, kNow + 1min).ok());
  CHECK(f.store->Get(session.session_hash)->last_seen_at == kNow + 5min);

  REQUIRE(f.store->End(session.session_hash, kNow + 6min).ok());
  REQUIRE(f.store->End(session.session_hash, kNow + 7min).ok());
  CHECK(f.store->Get(session.session_hash)->ended_at == kNow + 6min);
  REQUIRE(f.store->Touch(session.session_hash, kNow + 8min).ok());
  CHECK(f.store->Get(session.session_hash)->last_seen_at == kNow + 5min);

  CHECK(f.store->Touch(std::string(64, 'f'), kNow).ok());
  CHECK(f.store->End(std::string(64, 'f'), kNow).ok());
}

TEST_CASE_TEMPLATE("session store: ending a user's sessions leaves other users' open", F,
                   SESSION_STORE_TYPES) {
  F f;
  REQUIRE(f.store->Create(NewSession('a', "001090012345")).ok());
  REQUIRE(f.store->Create(NewSession('b', "001090012345")).ok());
  REQUIRE(f.store->Create(NewSession('c', "clerk-1")).ok());
  REQUIRE(f.store->End(std::string(64, 'b'), kNow + 1min).ok());

  Result<std::int64_t> ended = f.store->EndUserSessions("001090012345", kNow + 2min);
  REQUIRE(ended.ok());
  CHECK(*ended == 1);
  CHECK(f.store->Get(std::string(64, 'a'))->ended_at == kNow + 2min);
  CHECK(f.store->Get(std::string(64, 'b'))->ended_at == kNow + 1min);
  CHECK_FALSE(f.store->Get(std::string(64, 'c'))->ended_at.has_value());
  CHECK(f.store->EndUserSessions("001090012345", kNow + 3min).value() == 0);
}

TEST_CASE_TEMPLATE("session store: invalid sessions are refused alike, writing nothing", F,
                   SESSION_STORE_TYPES) {
  F f;
  struct Case {
    const char* pointer;
    void (*spoil)(SessionRecord&);
  };
  const Case cases[] = {
      {"/session_hash", [](SessionRecord& s) { s.session_hash = std::string(64, 'A'); }},
      {"/session_hash", [](SessionRecord& s) { s.session_hash = std::string(63, 'a'); }},
      {"/session_hash", [](SessionRecord& s) { s.session_hash = std::string(1 << 16, 'a'); }},
      {"/user_id", [](SessionRecord& s) { s.user_id.clear(); }},
      {"/method", [](SessionRecord& s) { s.method = AuthMethod::kBearerToken; }},
      {"/method", [](SessionRecord& s) { s.method = AuthMethod::kSystem; }},
      {"/identity_provider", [](SessionRecord& s) { s.identity_provider.clear(); }},
      {"/identity_provider", [](SessionRecord& s) { s.method = AuthMethod::kDemoSession; }},
      {"/expires_at", [](SessionRecord& s) { s.expires_at = s.created_at; }},
      {"/last_seen_at", [](SessionRecord& s) { s.last_seen_at = s.created_at + 1s; }},
      {"/ended_at", [](SessionRecord& s) { s.ended_at = s.created_at; }},
      {"/verified_identity",
       [](SessionRecord& s) {
         s.method = AuthMethod::kDemoSession;
         s.identity_provider.clear();
         s.verified_identity.claims[IdentityClaim::kName] = "An";
       }},
  };
  for (const Case& c : cases) {
    INFO(c.pointer);
    SessionRecord session = NewSession('d', "001090012345");
    c.spoil(session);
    Status created = f.store->Create(session);
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().code() == ErrorCode::kInvalidArgument);
    REQUIRE(created.error().fields().size() == 1);
    CHECK(created.error().fields()[0].pointer == c.pointer);
  }
  CHECK(f.store->Get(std::string(64, 'd')).error().code() == ErrorCode::kNotFound);
  CHECK(f.store->Touch("x", kNow).error().code() == ErrorCode::kInvalidArgument);
  CHECK(f.store->End("x", kNow).error().code() == ErrorCode::kInvalidArgument);
  CHECK(f.store->EndUserSessions("", kNow).error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("session store: SQLite refuses a session of an unknown user") {
  SqliteSessionsFixture f;
  CHECK(f.store->Create(NewSession('a', "ghost")).error().code() == ErrorCode::kConflict);
}

TEST_CASE("session store: SQLite refuses to read a verified identity edited into nonsense") {
  SqliteSessionsFixture f;
  SessionRecord session = NewSession('a', "001090012345");
  session.verified_identity.claims[IdentityClaim::kName] = "An";
  REQUIRE(f.store->Create(session).ok());
  for (const char* edit : {"'not json'", "'{\"name\": 5}'", "'{\"role\": \"admin\"}'", "'[]'"}) {
    INFO(edit);
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(f.directory.File("store.db").c_str(), &db) == SQLITE_OK);
    const std::string sql = std::string("UPDATE sessions SET verified_identity = ") + edit;
    CHECK(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    Result<SessionRecord> read = f.store->Get(session.session_hash);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().code() == ErrorCode::kInternal);
    CHECK(read.error().reason() == ErrorReason::kCorruptRow);
  }
}

TEST_CASE("session store: SQLite bumps the identity generation when sessions end, not on use") {
  SqliteSessionsFixture f;
  REQUIRE(f.store->Create(NewSession('a', "001090012345")).ok());
  REQUIRE(f.store->Create(NewSession('b', "clerk-1")).ok());
  const std::int64_t before = f.identities->IdentityGeneration().value();
  REQUIRE(f.store->Touch(std::string(64, 'a'), kNow + 2min).ok());
  CHECK(f.identities->IdentityGeneration().value() == before);
  REQUIRE(f.store->End(std::string(64, 'a'), kNow + 3min).ok());
  const std::int64_t after_end = f.identities->IdentityGeneration().value();
  CHECK(after_end > before);
  REQUIRE(f.store->EndUserSessions("clerk-1", kNow + 4min).ok());
  CHECK(f.identities->IdentityGeneration().value() > after_end);
}

}  // namespace
}  // namespace motcua
