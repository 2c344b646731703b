#include "engine/service/jwks_cache.h"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "engine/domain/id_token_refusal.h"
#include "tests/fakes/fake_jwks_fetcher.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

// A key that is its JWK: {"kid": ..., "alg": ...}; it fits the algorithm
// named by "alg" (any when absent) and accepts the signature "valid".
class FakeKey final : public JwsPublicKey {
 public:
  explicit FakeKey(const json& jwk)
      : key_id_(jwk.value("kid", "")), algorithm_(jwk.value("alg", "")) {}
  const std::string& key_id() const override { return key_id_; }
  bool Fits(JwsAlgorithm algorithm) const override {
    return algorithm_.empty() || algorithm_ == JwsAlgorithmName(algorithm);
  }
  Status Verify(JwsAlgorithm, std::string_view, std::string_view signature) const override {
    if (signature == "valid") return {};
    return IdTokenRefused(IdTokenRefusal::kBadSignature, "fake");
  }

 private:
  std::string key_id_;
  std::string algorithm_;
};

// Imports any object without "private": true.
class FakeImporter final : public JwkImporter {
 public:
  Result<std::shared_ptr<const JwsPublicKey>> Import(const json& jwk) const override {
    if (!jwk.is_object() || jwk.value("private", false)) {
      return Error(ErrorCode::kInvalidArgument, "the JWK cannot verify signatures: private");
    }
    return std::shared_ptr<const JwsPublicKey>(std::make_shared<FakeKey>(jwk));
  }
};

std::string KeySet(std::vector<json> keys) {
  return json{{"keys", std::move(keys)}}.dump();
}

struct Fixture {
  FakeJwksFetcher fetcher;
  FakeImporter importer;
  FakeClock clock{Instant{std::chrono::sys_days{2026y / 12 / 4}}};
  std::vector<std::string> log;
  JwksCache cache{
      "https://sso.example.vn/jwks", fetcher, importer, clock,
      JwksCacheOptions{.min_refetch_interval = 60s,
                       .max_document_bytes = 4096,
                       .max_keys = 8,
                       .log = [this](std::string_view line) { log.emplace_back(line); }}};

  std::optional<IdTokenRefusal> RefusalFor(const char* kid,
                                           JwsAlgorithm algorithm = JwsAlgorithm::kRs256) {
    Result<std::shared_ptr<const JwsPublicKey>> key = cache.FindKey(kid, algorithm);
    if (key.ok()) return std::nullopt;
    return IdTokenRefusalOf(key.error());
  }
  bool Finds(const char* kid) { return cache.FindKey(kid, JwsAlgorithm::kRs256).ok(); }
};

TEST_CASE("jwks cache: the first lookup fetches, later lookups use the cached keys") {
  Fixture f;
  f.fetcher.Serve(KeySet({{{"kid", "k1"}}, {{"kid", "k2"}}}));
  Result<std::shared_ptr<const JwsPublicKey>> key = f.cache.FindKey("k2", JwsAlgorithm::kRs256);
  REQUIRE(key.ok());
  CHECK((*key)->key_id() == "k2");
  CHECK(f.Finds("k1"));
  CHECK(f.Finds("k2"));
  CHECK(f.fetcher.fetches() == 1);
}

TEST_CASE("jwks cache: a rotated-in kid is found by one refetch, a withdrawn key stops working") {
  Fixture f;
  f.fetcher.Serve(KeySet({{{"kid", "old"}}}));
  REQUIRE(f.Finds("old"));
  f.fetcher.Serve(KeySet({{{"kid", "new"}}}));
  f.clock.Advance(61s);
  CHECK(f.Finds("new"));
  CHECK(f.fetcher.fetches() == 2);
  CHECK(f.RefusalFor("old") == IdTokenRefusal::kUnknownKid);  // within the interval: no refetch
  CHECK(f.fetcher.fetches() == 2);
}

TEST_CASE("jwks cache: unknown kids refetch at most once per interval") {
  Fixture f;
  f.fetcher.Serve(KeySet({{{"kid", "k1"}}}));
  REQUIRE(f.Finds("k1"));
  f.clock.Advance(60s);
  CHECK(f.RefusalFor("invented-1") == IdTokenRefusal::kUnknownKid);
  CHECK(f.fetcher.fetches() == 2);
  f.clock.Advance(59s);
  f.fetcher.Serve(KeySet({{{"kid", "k1"}}, {{"kid", "invented-2"}}}));
  CHECK(f.RefusalFor("invented-2") == IdTokenRefusal::kUnknownKid);  // rate-limited
  for (int i = 0; i < 100; ++i) CHECK(f.RefusalFor("invented-3") == IdTokenRefusal::kUnknownKid);
  CHECK(f.fetcher.fetches() == 2);
  CHECK(f.Finds("k1"));  // known keys still answer during the interval
  f.clock.Advance(1s);
  CHECK(f.Finds("invented-2"));
  CHECK(f.fetcher.fetches() == 3);
}

TEST_CASE("jwks cache: a failed fetch is keys_unavailable, keeps the old keys, and counts") {
  Fixture f;
  f.fetcher.Fail();
  Result<std::shared_ptr<const JwsPublicKey>> key = f.cache.FindKey("k1", JwsAlgorithm::kRs256);
  REQUIRE_FALSE(key.ok());
  CHECK(IdTokenRefusalOf(key.error()) == IdTokenRefusal::kKeysUnavailable);
  CHECK(key.error().code() == ErrorCode::kUnavailable);
  CHECK(f.fetcher.fetches() == 1);
  f.fetcher.Serve(KeySet({{{"kid", "k1"}}}));
  CHECK(f.RefusalFor("k1") == IdTokenRefusal::kUnknownKid);  // failed attempts count too
  f.clock.Advance(60s);
  CHECK(f.Finds("k1"));
  f.fetcher.Fail();
  f.clock.Advance(60s);
  CHECK(f.RefusalFor("k2") == IdTokenRefusal::kKeysUnavailable);
  CHECK(f.Finds("k1"));
  REQUIRE_FALSE(f.log.empty());
  CHECK(f.log.back().find("connection refused") != std::string::npos);
}

TEST_CASE("jwks cache: unreadable documents are keys_unavailable and keep the old keys") {
  const std::vector<std::string> documents = {
      "not json",
      R"([{"kid":"k2"}])",
      R"({"keys":{"kid":"k2"}})",
      R"({"no_keys":[]})",
      KeySet({{{"kid", "k2"}, {"pad", std::string(5000, 'x')}}}),  // over 4096 bytes
      R"({"keys":[{"kid":"k2","deep":[[[[[[[[[1]]]]]]]]]}]})",
  };
  for (const std::string& document : documents) {
    INFO(document.substr(0, 60));
    Fixture f;
    f.fetcher.Serve(KeySet({{{"kid", "k1"}}}));
    REQUIRE(f.Finds("k1"));
    f.fetcher.Serve(document);
    f.clock.Advance(60s);
    CHECK(f.RefusalFor("k2") == IdTokenRefusal::kKeysUnavailable);
    CHECK(f.Finds("k1"));
    CHECK(f.log.size() == 1);
  }
}

TEST_CASE("jwks cache: bad members are skipped and logged without poisoning the others") {
  Fixture f;
  f.fetcher.Serve(KeySet({{{"kid", "leaked"}, {"private", true}},
                          "a string",
                          {{"kid", "good"}},
                          {{"kid", "good"}, {"alg", "ES256"}},
                          {{"kid", "also-good"}}}));
  CHECK(f.Finds("good"));
  CHECK(f.Finds("also-good"));
  CHECK(f.RefusalFor("leaked") == IdTokenRefusal::kUnknownKid);
  CHECK(f.fetcher.fetches() == 1);
  REQUIRE(f.log.size() == 3);
  CHECK(f.log[0].find("key #0 skipped: ") != std::string::npos);
  CHECK(f.log[0].find("private") != std::string::npos);
  CHECK(f.log[1].find("key #1 skipped") != std::string::npos);
  CHECK(f.log[2].find("key #3 skipped: it repeats the kid \"good\"") != std::string::npos);
  // The repeat did not replace the first: "good" still fits RS256.
  Result<std::shared_ptr<const JwsPublicKey>> key = f.cache.FindKey("good", JwsAlgorithm::kRs256);
  REQUIRE(key.ok());
  CHECK((*key)->Fits(JwsAlgorithm::kRs256));
}

TEST_CASE("jwks cache: only max_keys members are read") {
  Fixture f;
  std::vector<json> keys;
  for (int i = 0; i < 20; ++i) keys.push_back({{"kid", "k" + std::to_string(i)}});
  f.fetcher.Serve(KeySet(keys));
  CHECK(f.Finds("k7"));
  CHECK(f.RefusalFor("k8") == IdTokenRefusal::kUnknownKid);
  REQUIRE_FALSE(f.log.empty());
  CHECK(f.log[0].find("only the first 8 of 20 keys") != std::string::npos);
}

TEST_CASE("jwks cache: without a kid, the one key that fits the algorithm, else unknown_kid") {
  Fixture f;
  f.fetcher.Serve(KeySet({{{"kid", "rsa"}, {"alg", "RS256"}}, {{"kid", "ec"}, {"alg", "ES256"}}}));
  Result<std::shared_ptr<const JwsPublicKey>> key =
      f.cache.FindKey(std::nullopt, JwsAlgorithm::kEs256);
  REQUIRE(key.ok());
  CHECK((*key)->key_id() == "ec");
  CHECK(IdTokenRefusalOf(f.cache.FindKey(std::nullopt, JwsAlgorithm::kEdDsa).error()) ==
        IdTokenRefusal::kUnknownKid);

  Fixture two;
  two.fetcher.Serve(KeySet({{{"kid", "a"}, {"alg", "RS256"}}, {{"kid", "b"}, {"alg", "RS256"}}}));
  CHECK(IdTokenRefusalOf(two.cache.FindKey(std::nullopt, JwsAlgorithm::kRs256).error()) ==
        IdTokenRefusal::kUnknownKid);
}

TEST_CASE("jwks cache: the key is returned by kid even if it does not fit, for Verify to refuse") {
  Fixture f;
  f.fetcher.Serve(KeySet({{{"kid", "rsa"}, {"alg", "RS256"}}}));
  Result<std::shared_ptr<const JwsPublicKey>> key = f.cache.FindKey("rsa", JwsAlgorithm::kEs256);
  REQUIRE(key.ok());
  CHECK_FALSE((*key)->Fits(JwsAlgorithm::kEs256));
}

TEST_CASE("jwks cache: many threads asking for a rotated-in kid cause a single fetch") {
  Fixture f;
  f.fetcher.Serve(KeySet({{{"kid", "old"}}}));
  REQUIRE(f.Finds("old"));
  f.fetcher.Serve(KeySet({{{"kid", "old"}}, {{"kid", "new"}}}));
  f.fetcher.SetDelay(50ms);
  f.clock.Advance(61s);
  std::atomic<int> found{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&f, &found, i] {
      for (int round = 0; round < 20; ++round) {
        const char* kid = (i + round) % 2 == 0 ? "new" : "old";
        if (f.cache.FindKey(kid, JwsAlgorithm::kRs256).ok()) ++found;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(found == 8 * 20);
  CHECK(f.fetcher.fetches() == 2);
}

}  // namespace
}  // namespace motcua
