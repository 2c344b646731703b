// spelled_out_token_crypto.h: a TokenCrypto for tests that follow secrets
// through a store that checks their shape: each secret is new ("secret-1",
// "secret-2", ...) and its hash has the 64 hex digits of a SHA-256, spelling
// the secret out, so a test can tell which secret a stored hash hides. Never
// use outside tests.
#pragma once

#include <string>
#include <string_view>

#include "engine/domain/token_crypto.h"

namespace motcua {

class SpelledOutCrypto final : public TokenCrypto {
 public:
  std::string NewSecret() const override { return "secret-" + std::to_string(++issued_); }
  std::string Hash(std::string_view secret) const override {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (char c : secret.substr(0, 32)) {
      const auto byte = static_cast<unsigned char>(c);
      hex.push_back(kHex[byte >> 4]);
      hex.push_back(kHex[byte & 0x0f]);
    }
    hex.resize(64, '0');
    return hex;
  }
  std::string Derive(std::string_view secret, std::string_view label) const override {
    return "mac(" + std::string(label) + "," + std::string(secret) + ")";
  }
  bool DerivedMatches(std::string_view secret, std::string_view label,
                      std::string_view presented) const override {
    return Derive(secret, label) == presented;
  }

 private:
  mutable int issued_ = 0;
};

}  // namespace motcua
