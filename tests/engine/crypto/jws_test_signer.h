// jws_test_signer.h: test-only key generation, JWK export and JWS signing
// with OpenSSL, to make the tokens a provider (or an attacker) would send.
// Never used by the engine: motcua only verifies.
#pragma once

#include <doctest/doctest.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <nlohmann/json.hpp>
#include <string>

#include "engine/crypto/openssl_ptr.h"
#include "engine/domain/base64url.h"

namespace motcua::testing {

using ossl::PkeyPtr;

inline PkeyPtr GenerateRsaKey(unsigned bits = 2048) {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
  REQUIRE(key);
  return key;
}

inline PkeyPtr GenerateP256Key() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  REQUIRE(key);
  return key;
}

inline PkeyPtr GenerateEd25519Key() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  REQUIRE(key);
  return key;
}

// The big-endian bytes of the key's BIGNUM parameter `name`, left-padded to
// `width` bytes when width > 0.
inline std::string BignumParameter(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* value = nullptr;
  REQUIRE(EVP_PKEY_get_bn_param(key, name, &value) == 1);
  ossl::BignumPtr owned(value);
  std::string bytes(static_cast<std::size_t>(width > 0 ? width : BN_num_bytes(value)), '\0');
  REQUIRE(BN_bn2binpad(value, reinterpret_cast<unsigned char*>(bytes.data()),
                       static_cast<int>(bytes.size())) > 0);
  return bytes;
}

// The public JWK of `key` with `kid`.
inline nlohmann::json PublicJwk(EVP_PKEY* key, const std::string& kid) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
      return {{"kty", "RSA"},
              {"kid", kid},
              {"n", Base64UrlEncode(BignumParameter(key, OSSL_PKEY_PARAM_RSA_N))},
              {"e", Base64UrlEncode(BignumParameter(key, OSSL_PKEY_PARAM_RSA_E))}};
    case EVP_PKEY_EC:
      return {{"kty", "EC"},
              {"kid", kid},
              {"crv", "P-256"},
              {"x", Base64UrlEncode(BignumParameter(key, OSSL_PKEY_PARAM_EC_PUB_X, 32))},
              {"y", Base64UrlEncode(BignumParameter(key, OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
    default: {
      std::string raw(32, '\0');
      std::size_t length = raw.size();
      REQUIRE(EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(raw.data()),
                                          &length) == 1);
      return {{"kty", "OKP"}, {"kid", kid}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(raw)}};
    }
  }
}

// The DER SubjectPublicKeyInfo of `key`, the bytes a confused verifier
// might use as an HMAC secret.
inline std::string PublicKeyDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  REQUIRE(length > 0);
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

enum class EcdsaEncoding { kRaw, kDer };

// The signature `key` makes over `input` as the JWS algorithm `alg` asks
// ("RS256", "PS256", "ES256", "EdDSA"); ES256 as r||s unless kDer; PS256
// with a salt as long as the hash unless told otherwise.
inline std::string Sign(EVP_PKEY* key, const std::string& alg, const std::string& input,
                        EcdsaEncoding encoding = EcdsaEncoding::kRaw,
                        int pss_salt_length = RSA_PSS_SALTLEN_DIGEST) {
  std::unique_ptr<EVP_MD_CTX, ossl::Deleter<EVP_MD_CTX_free>> context(EVP_MD_CTX_new());
  EVP_PKEY_CTX* key_context = nullptr;
  REQUIRE(EVP_DigestSignInit(context.get(), &key_context, alg == "EdDSA" ? nullptr : EVP_sha256(),
                             nullptr, key) == 1);
  if (alg == "PS256") {
    REQUIRE(EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PSS_PADDING) == 1);
    REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(key_context, pss_salt_length) == 1);
  }
  const auto* data = reinterpret_cast<const unsigned char*>(input.data());
  std::size_t length = 0;
  REQUIRE(EVP_DigestSign(context.get(), nullptr, &length, data, input.size()) == 1);
  std::string signature(length, '\0');
  REQUIRE(EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                         data, input.size()) == 1);
  signature.resize(length);
  if (alg != "ES256" || encoding == EcdsaEncoding::kDer) return signature;
  const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
  std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG_free>> parsed(
      d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size())));
  REQUIRE(parsed);
  std::string raw(64, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  REQUIRE(BN_bn2binpad(ECDSA_SIG_get0_r(parsed.get()), out, 32) == 32);
  REQUIRE(BN_bn2binpad(ECDSA_SIG_get0_s(parsed.get()), out + 32, 32) == 32);
  return raw;
}

inline std::string HmacSha256(const std::string& secret, const std::string& input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  REQUIRE(HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
               reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac,
               &length) != nullptr);
  return std::string(reinterpret_cast<const char*>(mac), length);
}

// "<header>.<payload>" in base64url: what a JWS signs.
inline std::string SigningInput(const nlohmann::json& header, const nlohmann::json& payload) {
  return Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
}

// A compact JWS of `payload` signed by `key` with the header's alg.
inline std::string SignedToken(EVP_PKEY* key, const nlohmann::json& header,
                               const nlohmann::json& payload,
                               EcdsaEncoding encoding = EcdsaEncoding::kRaw) {
  const std::string input = SigningInput(header, payload);
  return input + "." +
         Base64UrlEncode(Sign(key, header.at("alg").get<std::string>(), input, encoding));
}

}  // namespace motcua::testing
