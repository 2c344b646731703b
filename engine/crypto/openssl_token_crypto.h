// openssl_token_crypto.h: the production TokenCrypto (32 random bytes, SHA-256).
#pragma once

#include "engine/crypto/random.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/token_crypto.h"

namespace motcua {

class OpenSslTokenCrypto final : public TokenCrypto {
 public:
  std::string NewSecret() const override { return RandomToken(32); }
  std::string Hash(std::string_view secret) const override { return Sha256Hex(secret); }
};

}  // namespace motcua
