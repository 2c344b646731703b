// token_crypto.h: the port through which token issuing gets randomness and
// hashing, so that neither the domain nor the services need a crypto library.
//
// Contract: NewSecret() returns a fresh secret of at least 256 random bits in
// a form safe for an Authorization header; Hash() is a deterministic one-way
// digest (SHA-256 hex in production, engine/crypto/openssl_token_crypto.h)
// under which only the hash of a secret is ever stored. Both are thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace motcua {

class TokenCrypto {
 public:
  virtual ~TokenCrypto() = default;
  virtual std::string NewSecret() const = 0;
  virtual std::string Hash(std::string_view secret) const = 0;
};

}  // namespace motcua
