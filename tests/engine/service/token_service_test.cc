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
           actor.error().reason() == "invalid_token";
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
  CHECK_FALSE(rejected("secret-3"));  // still cached for up to 30 s
  f.clock.Advance(31s);
  CHECK(rejected("secret-3"));
  CHECK(f.tokens.Issue("clerk-1", "d", 1h).error().code() == ErrorCode::kFailedPrecondition);
}

}  // namespace
}  // namespace motcua
