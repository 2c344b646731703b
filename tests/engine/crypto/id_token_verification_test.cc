// End to end: tokens signed here with real keys, verified by the service's
// IdTokenVerifier through a JwksCache of OpenSslJwkImporter keys, the way a
// provider's tokens will be (only the HTTPS fetch is faked).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "engine/crypto/openssl_jwk.h"
#include "engine/domain/id_token_refusal.h"
#include "engine/service/id_token_verifier.h"
#include "engine/service/jwks_cache.h"
#include "tests/engine/crypto/jws_test_signer.h"
#include "tests/fakes/fake_jwks_fetcher.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::EcdsaEncoding;
using testing::PublicJwk;
using testing::SignedToken;

constexpr std::int64_t kNow = 1'800'000'000;

struct Provider {
  ossl::PkeyPtr rsa = testing::GenerateRsaKey();
  ossl::PkeyPtr p256 = testing::GenerateP256Key();
  ossl::PkeyPtr ed25519 = testing::GenerateEd25519Key();
  ossl::PkeyPtr rotated_in = testing::GenerateRsaKey();
};

const Provider& Keys() {
  static const Provider keys;
  return keys;
}

std::string KeySet(const std::vector<json>& keys) {
  return json{{"keys", keys}}.dump();
}

struct Fixture {
  FakeClock clock{Instant(std::chrono::seconds(kNow))};
  FakeJwksFetcher fetcher;
  OpenSslJwkImporter importer;
  JwksCache keys{"https://sso.example.vn/jwks", fetcher, importer, clock};
  IdTokenVerifier verifier{clock};

  Fixture() {
    fetcher.Serve(
        KeySet({PublicJwk(Keys().rsa.get(), "rsa-1"), PublicJwk(Keys().p256.get(), "ec-1"),
                PublicJwk(Keys().ed25519.get(), "ed-1")}));
  }

  static IdTokenPolicy Policy() {
    IdTokenPolicy policy;
    policy.issuer = "https://sso.example.vn";
    policy.client_id = "motcua";
    policy.expected_nonce = "nonce-7Yx";
    return policy;
  }

  static json Claims() {
    return {{"iss", "https://sso.example.vn"},
            {"sub", "248289761001"},
            {"aud", "motcua"},
            {"exp", kNow + 300},
            {"iat", kNow},
            {"auth_time", kNow - 30},
            {"nonce", "nonce-7Yx"},
            {"citizen_id", "001090012345"}};
  }

  Result<IdTokenClaims> Verify(const std::string& token) {
    return verifier.Verify(token, Policy(), keys);
  }

  std::optional<IdTokenRefusal> RefusalOf(const std::string& token) {
    Result<IdTokenClaims> verified = Verify(token);
    if (verified.ok()) return std::nullopt;
    CHECK(verified.error().reason() == ErrorReason::kIdTokenRefused);
    return IdTokenRefusalOf(verified.error());
  }
};

json Header(const char* alg, const char* kid) {
  return {{"alg", alg}, {"kid", kid}, {"typ", "JWT"}};
}

std::string RsaToken(const json& claims = Fixture::Claims()) {
  return SignedToken(Keys().rsa.get(), Header("RS256", "rsa-1"), claims);
}

TEST_CASE("id token verification: RS256, PS256, ES256 and EdDSA tokens verify") {
  struct Case {
    const char* alg;
    const char* kid;
    EVP_PKEY* key;
  };
  const std::vector<Case> cases = {{"RS256", "rsa-1", Keys().rsa.get()},
                                   {"PS256", "rsa-1", Keys().rsa.get()},
                                   {"ES256", "ec-1", Keys().p256.get()},
                                   {"EdDSA", "ed-1", Keys().ed25519.get()}};
  Fixture f;
  for (const Case& c : cases) {
    INFO(c.alg);
    Result<IdTokenClaims> verified = f.Verify(SignedToken(c.key, Header(c.alg, c.kid), f.Claims()));
    REQUIRE_MESSAGE(verified.ok(), verified.error().message());
    CHECK(verified->issuer == "https://sso.example.vn");
    CHECK(verified->subject == "248289761001");
    CHECK(verified->audiences == std::vector<std::string>{"motcua"});
    CHECK(verified->nonce == "nonce-7Yx");
    CHECK(verified->authenticated_at == Instant(std::chrono::seconds(kNow - 30)));
    CHECK(verified->all.at("citizen_id") == "001090012345");
  }
  CHECK(f.fetcher.fetches() == 1);
}

TEST_CASE("id token verification: the claims are judged at the verifier's clock") {
  Fixture f;
  const std::string token = RsaToken();
  REQUIRE(f.Verify(token).ok());
  f.clock.Advance(300s + 60s);
  CHECK(f.RefusalOf(token) == IdTokenRefusal::kExpired);
}

TEST_CASE("id token verification: wrong claims are refused after a valid signature") {
  Fixture f;
  struct Case {
    const char* name;
    const char* member;
    json value;
    IdTokenRefusal expected;
  };
  const std::vector<Case> cases = {
      {"wrong aud", "aud", "another-client", IdTokenRefusal::kWrongAudience},
      {"wrong iss", "iss", "https://evil.example", IdTokenRefusal::kWrongIssuer},
      {"expired", "exp", kNow - 61, IdTokenRefusal::kExpired},
      {"not yet valid", "nbf", kNow + 120, IdTokenRefusal::kNotYetValid},
      {"iat in the future", "iat", kNow + 120, IdTokenRefusal::kIssuedInFuture},
      {"wrong nonce", "nonce", "nonce-of-another-login", IdTokenRefusal::kWrongNonce},
      {"several audiences without azp", "aud", json{"motcua", "other"},
       IdTokenRefusal::kMissingAuthorizedParty},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    json claims = f.Claims();
    claims[c.member] = c.value;
    CHECK(f.RefusalOf(RsaToken(claims)) == c.expected);
  }
  json no_nonce = f.Claims();
  no_nonce.erase("nonce");
  CHECK(f.RefusalOf(RsaToken(no_nonce)) == IdTokenRefusal::kMissingNonce);
}

TEST_CASE("id token verification: one flipped bit in the signature or the payload is refused") {
  Fixture f;
  const std::string token = RsaToken();
  REQUIRE(f.Verify(token).ok());
  const std::size_t signature_start = token.rfind('.') + 1;
  std::string signature = *Base64UrlDecode(token.substr(signature_start));
  signature[10] = static_cast<char>(signature[10] ^ 0x01);
  CHECK(f.RefusalOf(token.substr(0, signature_start) + Base64UrlEncode(signature)) ==
        IdTokenRefusal::kBadSignature);

  // The same signature over a payload that differs in one bit (the subject).
  json claims = f.Claims();
  claims["sub"] = "248289761000";  // '1' ^ 0x01 == '0'
  const std::string forged =
      testing::SigningInput(Header("RS256", "rsa-1"), claims) + "." + token.substr(signature_start);
  CHECK(f.RefusalOf(forged) == IdTokenRefusal::kBadSignature);
}

TEST_CASE("id token verification: a forgery learns nothing from its claims: bad_signature first") {
  Fixture f;
  json claims = f.Claims();
  claims["aud"] = "another-client";
  claims["exp"] = kNow - 3600;
  const std::string forged = SignedToken(Keys().rotated_in.get(), Header("RS256", "rsa-1"), claims);
  CHECK(f.RefusalOf(forged) == IdTokenRefusal::kBadSignature);
}

TEST_CASE("id token verification: alg none and HS256 are refused before any key is fetched") {
  Fixture f;
  const json claims = f.Claims();
  const std::string unsigned_token = testing::SigningInput({{"alg", "none"}}, claims) + ".";
  CHECK(f.RefusalOf(unsigned_token) == IdTokenRefusal::kAlgorithmNotAllowed);

  // The classic confusion: HMAC keyed with the RSA public key's bytes, in the
  // hope that the verifier uses the key it finds by kid as an HMAC secret.
  const json header = Header("HS256", "rsa-1");
  const std::string input = testing::SigningInput(header, claims);
  for (const std::string& secret :
       {testing::PublicKeyDer(Keys().rsa.get()), PublicJwk(Keys().rsa.get(), "rsa-1").dump()}) {
    const std::string confused = input + "." + Base64UrlEncode(testing::HmacSha256(secret, input));
    CHECK(f.RefusalOf(confused) == IdTokenRefusal::kAlgorithmNotAllowed);
  }
  CHECK(f.fetcher.fetches() == 0);
}

TEST_CASE("id token verification: an algorithm outside the provider's policy is refused") {
  Fixture f;
  IdTokenPolicy rsa_only = f.Policy();
  rsa_only.allowed_algorithms = {JwsAlgorithm::kRs256};
  const std::string token = SignedToken(Keys().p256.get(), Header("ES256", "ec-1"), f.Claims());
  REQUIRE(f.Verify(token).ok());
  Result<IdTokenClaims> refused = f.verifier.Verify(token, rsa_only, f.keys);
  REQUIRE_FALSE(refused.ok());
  CHECK(IdTokenRefusalOf(refused.error()) == IdTokenRefusal::kAlgorithmNotAllowed);
}

TEST_CASE("id token verification: an ES256 token with a DER signature is refused") {
  Fixture f;
  const std::string token =
      SignedToken(Keys().p256.get(), Header("ES256", "ec-1"), f.Claims(), EcdsaEncoding::kDer);
  CHECK(f.RefusalOf(token) == IdTokenRefusal::kBadSignature);
}

TEST_CASE("id token verification: a key used with another type's algorithm is refused") {
  Fixture f;
  // An ES256 header naming the RSA key: whatever the signature, a mismatch.
  const std::string es_on_rsa =
      SignedToken(Keys().p256.get(), Header("ES256", "rsa-1"), f.Claims());
  CHECK(f.RefusalOf(es_on_rsa) == IdTokenRefusal::kKeyMismatch);
  const std::string rs_on_ec = SignedToken(Keys().rsa.get(), Header("RS256", "ec-1"), f.Claims());
  CHECK(f.RefusalOf(rs_on_ec) == IdTokenRefusal::kKeyMismatch);
  const std::string eddsa_on_ec =
      SignedToken(Keys().ed25519.get(), Header("EdDSA", "ec-1"), f.Claims());
  CHECK(f.RefusalOf(eddsa_on_ec) == IdTokenRefusal::kKeyMismatch);
}

TEST_CASE("id token verification: a rotated-in kid is found after one refetch, rate-limited") {
  Fixture f;
  REQUIRE(f.Verify(RsaToken()).ok());
  const std::string rotated =
      SignedToken(Keys().rotated_in.get(), Header("RS256", "rsa-2"), f.Claims());
  CHECK(f.RefusalOf(rotated) == IdTokenRefusal::kUnknownKid);  // within 60 s of the first fetch
  CHECK(f.fetcher.fetches() == 1);

  f.fetcher.Serve(
      KeySet({PublicJwk(Keys().rsa.get(), "rsa-1"), PublicJwk(Keys().rotated_in.get(), "rsa-2")}));
  f.clock.Advance(60s);
  IdTokenPolicy policy = f.Policy();
  json claims = f.Claims();
  claims["iat"] = kNow + 60;
  claims["exp"] = kNow + 360;
  const std::string rotated_now =
      SignedToken(Keys().rotated_in.get(), Header("RS256", "rsa-2"), claims);
  Result<IdTokenClaims> verified = f.verifier.Verify(rotated_now, policy, f.keys);
  CHECK_MESSAGE(verified.ok(), verified.error().message());
  CHECK(f.fetcher.fetches() == 2);

  // A second unknown kid inside the interval does not refetch.
  f.clock.Advance(30s);
  const std::string invented = SignedToken(Keys().rsa.get(), Header("RS256", "rsa-9"), claims);
  CHECK(f.RefusalOf(invented) == IdTokenRefusal::kUnknownKid);
  CHECK(f.fetcher.fetches() == 2);
}

TEST_CASE("id token verification: malformed, oversized and deeply nested tokens are refused") {
  Fixture f;
  const std::string token = RsaToken();
  CHECK(f.RefusalOf(token + "=") == IdTokenRefusal::kMalformed);
  CHECK(f.RefusalOf("!" + token) == IdTokenRefusal::kMalformed);
  CHECK(f.RefusalOf(token.substr(0, token.rfind('.'))) == IdTokenRefusal::kMalformed);
  json big = f.Claims();
  big["filler"] = std::string(kMaxCompactJwsBytes, 'a');
  CHECK(f.RefusalOf(RsaToken(big)) == IdTokenRefusal::kTooLarge);
  json deep = 1;
  for (int i = 0; i < 20; ++i) deep = json::array({deep});
  json deep_header = Header("RS256", "rsa-1");
  deep_header["x"] = deep;
  CHECK(f.RefusalOf(SignedToken(Keys().rsa.get(), deep_header, f.Claims())) ==
        IdTokenRefusal::kMalformed);
  CHECK(f.fetcher.fetches() == 0);
}

TEST_CASE("id token verification: keys with private members or under 2048 bits are not used") {
  Fixture f;
  ossl::PkeyPtr small = testing::GenerateRsaKey(1024);
  json leaked = PublicJwk(Keys().p256.get(), "leaked");
  leaked["d"] = leaked["x"];
  std::vector<std::string> log;
  JwksCache keys("https://sso.example.vn/jwks", f.fetcher, f.importer, f.clock,
                 {.log = [&log](std::string_view line) { log.emplace_back(line); }});
  f.fetcher.Serve(
      KeySet({PublicJwk(small.get(), "small"), leaked, PublicJwk(Keys().rsa.get(), "rsa-1")}));
  const auto refusal = [&](EVP_PKEY* key, const char* alg, const char* kid) {
    Result<IdTokenClaims> verified =
        f.verifier.Verify(SignedToken(key, Header(alg, kid), f.Claims()), f.Policy(), keys);
    return verified.ok() ? std::nullopt : IdTokenRefusalOf(verified.error());
  };
  CHECK(refusal(small.get(), "RS256", "small") == IdTokenRefusal::kUnknownKid);
  CHECK(refusal(Keys().p256.get(), "ES256", "leaked") == IdTokenRefusal::kUnknownKid);
  CHECK_FALSE(refusal(Keys().rsa.get(), "RS256", "rsa-1").has_value());
  REQUIRE(log.size() == 2);
  CHECK(log[0].find("1024 bits") != std::string::npos);
  CHECK(log[1].find("\"d\"") != std::string::npos);
}

}  // namespace
}  // namespace motcua
