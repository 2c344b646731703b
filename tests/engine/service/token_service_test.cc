#include "engine/service/token_service.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/fakes/memory_identity_store.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;

// Deterministic secrets ("secret-1", "secret-2", ...) and a visible "hash".
class CountingCrypto final : public TokenCrypto {
 public:
  std::string NewSecret() const override { return "secret-" + std::to_string(++issued_); }
  std::string Hash(std::string_view secret) const override {
    return "hash(" + std::string(secret) + ")";
  }
  std::string Derive(std::string_view secret, std::string_view label) const override {
    return "derive(" + std::string(label) + "," + std::string(secret) + ")";
  }
  bool DerivedMatches(std::string_view secret, std::string_view label,
                      std::string_view presented) const override {
    return Derive(secret, label) == presented;
  }

 private:
  mutable int issued_ = 0;
};

struct Fixture {
  MemoryIdentityStore store;
  CountingCrypto crypto;
  FakeClock clock{Instant{std::chrono::sys_days{2026y / 3 / 2}}};
  TokenService tokens{store, crypto, clock};

  Fixture() {
    REQUIRE(
        store
            .CreateUser(
                {"clerk-1", "Bình", {"reception_clerk"}, "000.00.01.H26", {}, false, clock.Now()})
            .ok());
  }
};

TEST_CASE("token service: an issued token authenticates as its user, and only its hash is kept") {
  Fixture f;
  Result<TokenService::Issued> issued = f.tokens.Issue("clerk-1", "desk PC", 24h);
  REQUIRE(issued.ok());
  CHECK(issued->secret == "secret-1");
  Result<Actor> actor = f.tokens.Authenticate("secret-1");
  REQUIRE(actor.ok());
  CHECK(actor->user_id == "clerk-1");
  CHECK(actor->roles == std::vector<std::string>{"reception_clerk"});
  CHECK(actor->agency == "000.00.01.H26");
  for (const TokenRecord& record : f.store.Tokens()) {
    CHECK(record.token_hash == "hash(secret-1)");
    CHECK(record.user_id.find("secret") == std::string::npos);
    CHECK(record.label.find("secret") == std::string::npos);
  }
  CHECK(f.tokens.Issue("nobody", "x", 1h).error().code() == ErrorCode::kNotFound);
}

TEST_CASE("token service: unknown, expired, revoked and disabled all look the same") {
  Fixture f;
  REQUIRE(f.tokens.Issue("clerk-1", "a", 1h).ok());  // secret-1
  REQUIRE(f.tokens.Issue("clerk-1", "b", 1h).ok());  // secret-2
  REQUIRE(f.tokens.Issue("clerk-1", "c", 1h).ok());  // secret-3

  auto rejected = [&f](std::string_view secret) {
    Result<Actor> actor = f.tokens.Authenticate(secret);
    return !actor.ok() && actor.error().code() == ErrorCode::kUnauthenticated &&
           actor.error().reason() == ErrorReason::kInvalidToken;
  };
  CHECK(rejected("secret-99"));
  CHECK(rejected(""));
  CHECK(rejected(std::string(1000, 'x')));

  CHECK_FALSE(rejected("secret-1"));  // now cached
  REQUIRE(f.tokens.Revoke("hash(secret-1)").ok());
  CHECK(rejected("secret-1"));  // the cache entry went with the revocation

  f.clock.Advance(1h);
  CHECK(rejected("secret-2"));  // expired, even though never cached

  f.clock.Set(f.clock.Now() - 1h);
  CHECK_FALSE(rejected("secret-3"));
  User clerk = f.store.GetUser("clerk-1").value();
  clerk.disabled = true;
  REQUIRE(f.store.UpdateUser(clerk).ok());
  CHECK(rejected("secret-3"));  // at once, although it was cached
  CHECK(f.tokens.Issue("clerk-1", "d", 1h).error().code() == ErrorCode::kFailedPrecondition);
}

// Issue 14.10: `motcua token revoke` writes to the store from another
// process; the server's cached authentication kept working for 30 s.
TEST_CASE("token service: a token revoked in the store by someone else stops working at once") {
  Fixture f;
  REQUIRE(f.tokens.Issue("clerk-1", "a", 1h).ok());  // secret-1
  REQUIRE(f.tokens.Issue("clerk-1", "b", 1h).ok());  // secret-2
  REQUIRE(f.tokens.Authenticate("secret-1").ok());   // cached now
  REQUIRE(f.tokens.Authenticate("secret-2").ok());
  REQUIRE(f.store.RevokeToken("hash(secret-1)", f.clock.Now()).ok());  // not through f.tokens
  Result<Actor> revoked = f.tokens.Authenticate("secret-1");
  CHECK_FALSE(revoked.ok());
  CHECK(f.tokens.Authenticate("secret-2").ok());  // the other token is unaffected
  f.clock.Advance(10s);
  CHECK_FALSE(f.tokens.Authenticate("secret-1").ok());
}

}  // namespace
}  // namespace motcua
