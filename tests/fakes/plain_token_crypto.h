// plain_token_crypto.h: a TokenCrypto for tests that do not look at secrets: every secret is
// "secret", its hash is itself, and a derived value is "label:secret", so a
// test can predict each one. Never use outside tests.
#pragma once

#include <string>
#include <string_view>

#include "engine/domain/token_crypto.h"

namespace motcua {

class PlainTokenCrypto final : public TokenCrypto {
 public:
  std::string NewSecret() const override { return "secret"; }
  std::string Hash(std::string_view secret) const override { return std::string(secret); }
  std::string Derive(std::string_view secret, std::string_view label) const override {
    return std::string(label) + ":" + std::string(secret);
  }
  bool DerivedMatches(std::string_view secret, std::string_view label,
                      std::string_view presented) const override {
    return Derive(secret, label) == presented;
  }
};

}  // namespace motcua
