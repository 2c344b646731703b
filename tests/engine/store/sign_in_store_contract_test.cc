// The SignInStore contract (engine/domain/sign_in_store.h), run unchanged
// against the SQLite and PostgreSQL stores and the in-memory fake.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "engine/domain/sign_in_store.h"
#include "engine/postgres/postgres_sign_in_store.h"
#include "engine/sqlite/sign_in_tables.h"
#include "tests/engine/sqlite/temp_directory.h"
#include "tests/fakes/memory_sign_in_store.h"
#include "tests/postgres_test_database.h"

namespace motcua {
namespace {

struct SqliteSignInFixture {
  TempDirectory directory;
  std::unique_ptr<SignInStore> store;
  SqliteSignInFixture() {
    Result<std::unique_ptr<SqliteSignInStore>> opened =
        SqliteSignInStore::Open(directory.File("store.db"));
    REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message()));
    store = std::move(opened).value();
  }
};

struct MemorySignInFixture {
  std::unique_ptr<SignInStore> store = std::make_unique<MemorySignInStore>();
};

struct PostgresSignInFixture {
  PostgresTestDatabase database;
  std::unique_ptr<SignInStore> store;
  PostgresSignInFixture() {
    REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
    Result<std::unique_ptr<PostgresSignInStore>> opened = PostgresSignInStore::Open(database.uri());
    REQUIRE_MESSAGE(opened.ok(), (opened.ok() ? "" : opened.error().message()));
    store = std::move(opened).value();
  }
};

#if MOTCUA_POSTGRES_TESTS
#define SIGN_IN_STORES SqliteSignInFixture, MemorySignInFixture, PostgresSignInFixture
#else
#define SIGN_IN_STORES SqliteSignInFixture, MemorySignInFixture
#endif

const Instant kT0{std::chrono::seconds(1'800'000'000)};

std::string Hash(char fill) {
  return std::string(64, fill);
}

LoginAttempt Attempt(char state_fill = 'a') {
  LoginAttempt attempt;
  attempt.state_hash = Hash(state_fill);
  attempt.provider = "vneid";
  attempt.nonce = "nonce-1";
  attempt.code_verifier = std::string(43, 'v');
  attempt.binding_hash = Hash('b');
  attempt.return_to = "/dossiers?x=1";
  attempt.created_at = kT0;
  return attempt;
}

ExternalIdentity Identity(const std::string& subject, const std::string& user,
                          const std::string& provider = "keycloak-a") {
  return {"https://idp.example/realms/a", subject, user, provider, kT0};
}

TEST_CASE_TEMPLATE("sign-in store: an attempt is kept as written and used exactly once", F,
                   SIGN_IN_STORES) {
  F f;
  REQUIRE(f.store->CreateLoginAttempt(Attempt()).ok());
  Result<LoginAttempt> read = f.store->GetLoginAttempt(Hash('a'));
  REQUIRE(read.ok());
  CHECK(*read == Attempt());

  CHECK(f.store->MarkLoginAttemptUsed(Hash('a'), kT0 + std::chrono::seconds(5)).ok());
  Status again = f.store->MarkLoginAttemptUsed(Hash('a'), kT0 + std::chrono::seconds(6));
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code() == ErrorCode::kConflict);
  CHECK(again.error().reason() == ErrorReason::kLoginAttemptInvalid);
  read = f.store->GetLoginAttempt(Hash('a'));
  REQUIRE(read.ok());
  CHECK(read->used_at == kT0 + std::chrono::seconds(5));

  Status missing = f.store->MarkLoginAttemptUsed(Hash('c'), kT0);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code() == ErrorCode::kNotFound);
  CHECK(missing.error().reason() == ErrorReason::kLoginAttemptInvalid);
  Result<LoginAttempt> unknown = f.store->GetLoginAttempt(Hash('c'));
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code() == ErrorCode::kNotFound);
  CHECK(unknown.error().reason() == ErrorReason::kLoginAttemptInvalid);

  Status duplicate = f.store->CreateLoginAttempt(Attempt());
  REQUIRE_FALSE(duplicate.ok());
  CHECK(duplicate.error().code() == ErrorCode::kConflict);
}

TEST_CASE_TEMPLATE("sign-in store: of many racing uses of one state exactly one wins", F,
                   SIGN_IN_STORES) {
  F f;
  REQUIRE(f.store->CreateLoginAttempt(Attempt()).ok());
  std::atomic<int> wins{0};
  std::vector<std::thread> racers;
  for (int i = 0; i < 8; ++i) {
    racers.emplace_back([&] {
      if (f.store->MarkLoginAttemptUsed(Hash('a'), kT0).ok()) ++wins;
    });
  }
  for (std::thread& racer : racers) racer.join();
  CHECK(wins == 1);
}

TEST_CASE_TEMPLATE("sign-in store: pruning deletes attempts created before the cut-off only", F,
                   SIGN_IN_STORES) {
  F f;
  LoginAttempt old = Attempt('a');
  LoginAttempt fresh = Attempt('c');
  fresh.created_at = kT0 + std::chrono::minutes(20);
  REQUIRE(f.store->CreateLoginAttempt(old).ok());
  REQUIRE(f.store->CreateLoginAttempt(fresh).ok());
  REQUIRE(f.store->PruneLoginAttempts(kT0 + std::chrono::minutes(10)).ok());
  CHECK_FALSE(f.store->GetLoginAttempt(old.state_hash).ok());
  CHECK(f.store->GetLoginAttempt(fresh.state_hash).ok());
}

TEST_CASE_TEMPLATE("sign-in store: the front refuses malformed attempts before any adapter", F,
                   SIGN_IN_STORES) {
  F f;
  struct Case {
    const char* pointer;
    void (*spoil)(LoginAttempt&);
  };
  const Case cases[] = {
      {"/state_hash", [](LoginAttempt& a) { a.state_hash = "secret-state"; }},
      {"/state_hash", [](LoginAttempt& a) { a.state_hash = std::string(64, 'A'); }},
      {"/binding_hash", [](LoginAttempt& a) { a.binding_hash = ""; }},
      {"/provider", [](LoginAttempt& a) { a.provider = ""; }},
      {"/nonce", [](LoginAttempt& a) { a.nonce = std::string(129, 'n'); }},
      {"/code_verifier", [](LoginAttempt& a) { a.code_verifier = ""; }},
      {"/return_to", [](LoginAttempt& a) { a.return_to = "https://evil.example/"; }},
      {"/return_to",
       [](LoginAttempt& a) { a.return_to = "/" + std::string(kMaxReturnToBytes, 'x'); }},
      {"/used_at", [](LoginAttempt& a) { a.used_at = kT0; }},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pointer);
    LoginAttempt attempt = Attempt();
    c.spoil(attempt);
    Status created = f.store->CreateLoginAttempt(attempt);
    REQUIRE_FALSE(created.ok());
    CHECK(created.error().code() == ErrorCode::kInvalidArgument);
    REQUIRE(created.error().fields().size() == 1);
    CHECK(created.error().fields()[0].pointer == c.pointer);
  }
  CHECK_FALSE(f.store->GetLoginAttempt(Hash('a')).ok());
  CHECK(f.store->GetLoginAttempt("not-a-hash").error().code() == ErrorCode::kInvalidArgument);
  CHECK(f.store->MarkLoginAttemptUsed("", kT0).error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE_TEMPLATE("sign-in store: an identity belongs to one user, one per provider", F,
                   SIGN_IN_STORES) {
  F f;
  REQUIRE(f.store->LinkIdentity(Identity("sub-1", "clerk-a")).ok());
  Result<ExternalIdentity> found = f.store->FindIdentity(Identity("", "").issuer, "sub-1");
  REQUIRE(found.ok());
  CHECK(*found == Identity("sub-1", "clerk-a"));

  // Relinking the same pair to the same user is a no-op.
  ExternalIdentity later = Identity("sub-1", "clerk-a");
  later.created_at = kT0 + std::chrono::hours(1);
  REQUIRE(f.store->LinkIdentity(later).ok());
  CHECK(f.store->FindIdentity(later.issuer, "sub-1")->created_at == kT0);

  // Someone else's subject is refused and stays theirs.
  Status stolen = f.store->LinkIdentity(Identity("sub-1", "clerk-b"));
  REQUIRE_FALSE(stolen.ok());
  CHECK(stolen.error().code() == ErrorCode::kConflict);
  CHECK(stolen.error().reason() == ErrorReason::kIdentityAlreadyLinked);
  CHECK(f.store->FindIdentity(later.issuer, "sub-1")->user_id == "clerk-a");

  // A new subject at the same provider replaces the user's old one.
  REQUIRE(f.store->LinkIdentity(Identity("sub-2", "clerk-a")).ok());
  Result<ExternalIdentity> old = f.store->FindIdentity(later.issuer, "sub-1");
  REQUIRE_FALSE(old.ok());
  CHECK(old.error().code() == ErrorCode::kNotFound);
  CHECK(old.error().reason() == ErrorReason::kIdentityNotLinked);
  CHECK(f.store->FindUserIdentity("clerk-a", "keycloak-a")->subject == "sub-2");
  // ... so the first subject is free for another user.
  CHECK(f.store->LinkIdentity(Identity("sub-1", "clerk-b")).ok());

  // Another provider is another identity of the same user.
  REQUIRE(f.store->LinkIdentity(Identity("sub-9", "clerk-a", "keycloak-x")).ok());
  CHECK(f.store->FindUserIdentity("clerk-a", "keycloak-a")->subject == "sub-2");

  REQUIRE(f.store->UnlinkIdentity("clerk-a", "keycloak-a").ok());
  CHECK_FALSE(f.store->FindIdentity(later.issuer, "sub-2").ok());
  CHECK(f.store->FindUserIdentity("clerk-a", "keycloak-x").ok());
  Status twice = f.store->UnlinkIdentity("clerk-a", "keycloak-a");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code() == ErrorCode::kNotFound);
  CHECK(twice.error().reason() == ErrorReason::kIdentityNotLinked);
}

TEST_CASE_TEMPLATE("sign-in store: the front refuses empty or over-long identity parts", F,
                   SIGN_IN_STORES) {
  F f;
  ExternalIdentity long_subject = Identity(std::string(kMaxIdentityPartBytes + 1, 's'), "u");
  ExternalIdentity no_issuer = Identity("s", "u");
  no_issuer.issuer.clear();
  for (const ExternalIdentity& bad :
       {long_subject, no_issuer, Identity("", "u"), Identity("s", ""), Identity("s", "u", "")}) {
    Status linked = f.store->LinkIdentity(bad);
    REQUIRE_FALSE(linked.ok());
    CHECK(linked.error().code() == ErrorCode::kInvalidArgument);
  }
  CHECK(f.store->FindIdentity("", "s").error().code() == ErrorCode::kInvalidArgument);
  CHECK(f.store->UnlinkIdentity("u", "").error().code() == ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace motcua
