// token_crypto.h: the port through which token issuing gets randomness and
// hashing, so that neither the domain nor the services need a crypto library.
//
// Contract: NewSecret() returns a fresh secret of at least 256 random bits in
// a form safe for an Authorization header; Hash() is a deterministic one-way
// digest (SHA-256 hex in production, engine/crypto/openssl_token_crypto.h)
// under which only the hash of a secret is ever stored. Derive() is a keyed
// one-way value of a secret (HMAC-SHA256 hex keyed with the secret, over
// `label`): it proves knowledge of the secret without revealing it or its
// Hash(); DerivedMatches() compares a presented value with it byte for byte
// (no other spelling of the same digest is accepted), in constant
// time. All are thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace motcua {

class TokenCrypto {
 public:
  virtual ~TokenCrypto() = default;
  virtual std::string NewSecret() const = 0;
  virtual std::string Hash(std::string_view secret) const = 0;
  virtual std::string Derive(std::string_view secret, std::string_view label) const = 0;
  virtual bool DerivedMatches(std::string_view secret, std::string_view label,
                              std::string_view presented) const = 0;
};

}  // namespace motcua
