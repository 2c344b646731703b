#include "engine/crypto/openssl_jwk.h"

#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "engine/domain/id_token_refusal.h"
#include "tests/engine/crypto/jws_test_signer.h"

namespace motcua {
namespace {

using nlohmann::json;
using testing::PublicJwk;

// Keys are slow to make (RSA especially); made once for the whole file.
struct Keys {
  ossl::PkeyPtr rsa = testing::GenerateRsaKey();
  ossl::PkeyPtr p256 = testing::GenerateP256Key();
  ossl::PkeyPtr ed25519 = testing::GenerateEd25519Key();
};

const Keys& TestKeys() {
  static const Keys keys;
  return keys;
}

std::shared_ptr<const JwsPublicKey> Imported(const json& jwk) {
  Result<std::shared_ptr<const JwsPublicKey>> key = OpenSslJwkImporter().Import(jwk);
  INFO(jwk.dump());
  REQUIRE_MESSAGE(key.ok(), key.error().message());
  return std::move(key).value();
}

std::string ImportError(const json& jwk) {
  Result<std::shared_ptr<const JwsPublicKey>> key = OpenSslJwkImporter().Import(jwk);
  if (key.ok()) return "";
  CHECK(key.error().code() == ErrorCode::kInvalidArgument);
  return key.error().message();
}

std::optional<IdTokenRefusal> RefusalOf(const Status& status) {
  if (status.ok()) return std::nullopt;
  return IdTokenRefusalOf(status.error());
}

TEST_CASE("jwk: each algorithm verifies a signature made by its key, and only that") {
  const Keys& keys = TestKeys();
  struct Case {
    const char* alg;
    JwsAlgorithm algorithm;
    EVP_PKEY* key;
  };
  const std::vector<Case> cases = {{"RS256", JwsAlgorithm::kRs256, keys.rsa.get()},
                                   {"PS256", JwsAlgorithm::kPs256, keys.rsa.get()},
                                   {"ES256", JwsAlgorithm::kEs256, keys.p256.get()},
                                   {"EdDSA", JwsAlgorithm::kEdDsa, keys.ed25519.get()}};
  const std::string input = "eyJhbGciOiJ9.eyJzdWIiOiIxIn0";
  for (const Case& c : cases) {
    INFO(c.alg);
    const auto key = Imported(PublicJwk(c.key, "k1"));
    CHECK(key->key_id() == "k1");
    CHECK(key->Fits(c.algorithm));
    const std::string signature = testing::Sign(c.key, c.alg, input);
    CHECK(key->Verify(c.algorithm, input, signature).ok());
    CHECK(RefusalOf(key->Verify(c.algorithm, input + "x", signature)) ==
          IdTokenRefusal::kBadSignature);
    std::string flipped = signature;
    flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x01);
    CHECK(RefusalOf(key->Verify(c.algorithm, input, flipped)) == IdTokenRefusal::kBadSignature);
    CHECK(RefusalOf(key->Verify(c.algorithm, input, "")) == IdTokenRefusal::kBadSignature);
  }
}

TEST_CASE("jwk: RS256 and PS256 signatures are not interchangeable") {
  const auto key = Imported(PublicJwk(TestKeys().rsa.get(), "r"));
  const std::string input = "a.b";
  CHECK(RefusalOf(key->Verify(JwsAlgorithm::kPs256, input,
                              testing::Sign(TestKeys().rsa.get(), "RS256", input))) ==
        IdTokenRefusal::kBadSignature);
  CHECK(RefusalOf(key->Verify(JwsAlgorithm::kRs256, input,
                              testing::Sign(TestKeys().rsa.get(), "PS256", input))) ==
        IdTokenRefusal::kBadSignature);
}

TEST_CASE("jwk: a PS256 signature with a salt longer or shorter than the hash is refused") {
  const auto key = Imported(PublicJwk(TestKeys().rsa.get(), "r"));
  const std::string input = "a.b";
  for (int salt : {RSA_PSS_SALTLEN_MAX, 0, 20, 33}) {
    INFO(salt);
    const std::string signature =
        testing::Sign(TestKeys().rsa.get(), "PS256", input, testing::EcdsaEncoding::kRaw, salt);
    CHECK(RefusalOf(key->Verify(JwsAlgorithm::kPs256, input, signature)) ==
          IdTokenRefusal::kBadSignature);
  }
  CHECK(key->Verify(JwsAlgorithm::kPs256, input,
                    testing::Sign(TestKeys().rsa.get(), "PS256", input,
                                  testing::EcdsaEncoding::kRaw, 32))
            .ok());
}

TEST_CASE("jwk: an ES256 signature in DER, not raw r||s, is refused") {
  const auto key = Imported(PublicJwk(TestKeys().p256.get(), "ec"));
  const std::string input = "a.b";
  const std::string der =
      testing::Sign(TestKeys().p256.get(), "ES256", input, testing::EcdsaEncoding::kDer);
  REQUIRE(der.size() != 64);
  const Status status = key->Verify(JwsAlgorithm::kEs256, input, der);
  CHECK(RefusalOf(status) == IdTokenRefusal::kBadSignature);
  CHECK(status.error().message().find("64 bytes") != std::string::npos);
  CHECK(RefusalOf(key->Verify(JwsAlgorithm::kEs256, input, std::string(65, '\x01'))) ==
        IdTokenRefusal::kBadSignature);
}

TEST_CASE("jwk: a key does not fit another key type's algorithm, nor one its alg excludes") {
  const Keys& keys = TestKeys();
  const auto rsa = Imported(PublicJwk(keys.rsa.get(), "r"));
  const auto ec = Imported(PublicJwk(keys.p256.get(), "e"));
  const auto ed = Imported(PublicJwk(keys.ed25519.get(), "d"));
  CHECK_FALSE(rsa->Fits(JwsAlgorithm::kEs256));
  CHECK_FALSE(rsa->Fits(JwsAlgorithm::kEdDsa));
  CHECK_FALSE(ec->Fits(JwsAlgorithm::kRs256));
  CHECK_FALSE(ec->Fits(JwsAlgorithm::kEdDsa));
  CHECK_FALSE(ed->Fits(JwsAlgorithm::kEs256));
  const std::string input = "a.b";
  CHECK(RefusalOf(rsa->Verify(JwsAlgorithm::kEs256, input, std::string(64, 'x'))) ==
        IdTokenRefusal::kKeyMismatch);
  CHECK(RefusalOf(ec->Verify(JwsAlgorithm::kEdDsa, input,
                             testing::Sign(keys.ed25519.get(), "EdDSA", input))) ==
        IdTokenRefusal::kKeyMismatch);

  json rs256_only = PublicJwk(keys.rsa.get(), "r");
  rs256_only["alg"] = "RS256";
  const auto pinned = Imported(rs256_only);
  CHECK(pinned->Fits(JwsAlgorithm::kRs256));
  CHECK_FALSE(pinned->Fits(JwsAlgorithm::kPs256));
  CHECK(RefusalOf(pinned->Verify(JwsAlgorithm::kPs256, input,
                                 testing::Sign(keys.rsa.get(), "PS256", input))) ==
        IdTokenRefusal::kKeyMismatch);
}

TEST_CASE("jwk: use and key_ops, when present, must allow verifying signatures") {
  json jwk = PublicJwk(TestKeys().p256.get(), "e");
  jwk["use"] = "sig";
  CHECK(ImportError(jwk).empty());
  jwk["use"] = "enc";
  CHECK(ImportError(jwk).find("use") != std::string::npos);
  jwk.erase("use");
  jwk["key_ops"] = {"verify"};
  CHECK(ImportError(jwk).empty());
  jwk["key_ops"] = {"encrypt", "wrapKey"};
  CHECK(ImportError(jwk).find("key_ops") != std::string::npos);
  jwk["key_ops"] = "verify";
  CHECK(ImportError(jwk).find("key_ops") != std::string::npos);
}

TEST_CASE("jwk: keys that must not or cannot verify are refused, each with its reason") {
  const Keys& keys = TestKeys();
  const json rsa = PublicJwk(keys.rsa.get(), "r");
  const json ec = PublicJwk(keys.p256.get(), "e");
  const json ed = PublicJwk(keys.ed25519.get(), "d");
  ossl::PkeyPtr small_rsa = testing::GenerateRsaKey(1024);
  struct Case {
    const char* name;
    json jwk;
    const char* reason;
  };
  auto with = [](json jwk, const char* member, json value) {
    jwk[member] = std::move(value);
    return jwk;
  };
  auto without = [](json jwk, const char* member) {
    jwk.erase(member);
    return jwk;
  };
  // The P-256 point (x, y+1) is not on the curve.
  std::string y = *Base64UrlDecode(ec["y"].get<std::string>());
  y.back() = static_cast<char>(y.back() + 1);
  const std::vector<Case> cases = {
      {"RSA 1024", PublicJwk(small_rsa.get(), "small"), "1024 bits"},
      {"RSA private exponent", with(rsa, "d", "AQAB"), "\"d\""},
      {"RSA prime", with(rsa, "p", "AQAB"), "\"p\""},
      {"RSA CRT member", with(rsa, "qi", "AQAB"), "\"qi\""},
      {"EC private key", with(ec, "d", ec["x"]), "\"d\""},
      {"OKP private key", with(ed, "d", ed["x"]), "\"d\""},
      {"oct key", json{{"kty", "oct"}, {"kid", "h"}, {"k", "c2VjcmV0"}}, "\"k\""},
      {"oct key without k", json{{"kty", "oct"}, {"kid", "h"}}, "shared secret"},
      {"unknown kty", with(rsa, "kty", "DSA"), "kty"},
      {"no kty", without(rsa, "kty"), "kty"},
      {"RSA without n", without(rsa, "n"), "n is missing"},
      {"RSA n padded", with(rsa, "n", rsa["n"].get<std::string>() + "=="), "base64url"},
      {"RSA even exponent", with(rsa, "e", Base64UrlEncode("\x01\x00\x00")), "RSA"},
      {"EC P-384", with(ec, "crv", "P-384"), "P-256"},
      {"EC point off the curve", with(ec, "y", Base64UrlEncode(y)), "curve"},
      {"EC short x", with(ec, "x", Base64UrlEncode(std::string(31, '\x01'))), "32 bytes"},
      {"OKP Ed448", with(ed, "crv", "Ed448"), "Ed25519"},
      {"OKP X25519", with(ed, "crv", "X25519"), "Ed25519"},
      {"OKP short x", with(ed, "x", Base64UrlEncode(std::string(31, '\x01'))), "32 bytes"},
      {"alg HS256", with(rsa, "alg", "HS256"), "alg"},
      {"alg of another kty", with(rsa, "alg", "ES256"), "does not fit"},
      {"kid a number", with(rsa, "kid", 1), "kid"},
      {"not an object", json::array({rsa}), "object"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const std::string error = ImportError(c.jwk);
    CHECK_MESSAGE(error.find(c.reason) != std::string::npos, error);
  }
}

}  // namespace
}  // namespace motcua
