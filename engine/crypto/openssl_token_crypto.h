// openssl_token_crypto.h: the production TokenCrypto (32 random bytes, SHA-256,
// HMAC-SHA256).
#pragma once

#include "engine/crypto/hmac.h"
#include "engine/crypto/random.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/token_crypto.h"

namespace motcua {

class OpenSslTokenCrypto final : public TokenCrypto {
 public:
  std::string NewSecret() const override { return RandomToken(32); }
  std::string Hash(std::string_view secret) const override { return Sha256Hex(secret); }
  std::string Derive(std::string_view secret, std::string_view label) const override {
    return HmacSha256Hex(secret, label);
  }
  bool DerivedMatches(std::string_view secret, std::string_view label,
                      std::string_view presented) const override {
    return HmacSha256HexEquals(secret, label, presented);
  }
};

}  // namespace motcua
