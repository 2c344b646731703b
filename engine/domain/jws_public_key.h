// jws_public_key.h: the ports through which ID token verification gets its
// keys: a public key that checks JWS signatures, the import of such a key
// from a JWK (RFC 7517), and a source that finds the key for a token.
//
// The domain and the services never see key material: engine/crypto
// implements JwsPublicKey and JwkImporter with OpenSSL
// (engine/crypto/openssl_jwk.h); engine/service/jwks_cache.h implements
// JwsKeySource over a provider's JWKS document. Tests may fake any of them.
//
// Thread safety: all three are called from request handler threads at once;
// implementations must be thread-safe (JwsPublicKey is immutable).
//
// Example:
//   ASSIGN_OR_RETURN(std::shared_ptr<const JwsPublicKey> key, keys.FindKey(jws.key_id, algorithm));
//   Status signed_by_it = key->Verify(algorithm, jws.signing_input, jws.signature);
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "engine/domain/jws.h"
#include "engine/domain/status.h"

namespace motcua {

// A public key from a provider's key set, able to check signatures.
class JwsPublicKey {
 public:
  virtual ~JwsPublicKey() = default;
  // The JWK's "kid", or "" when it had none.
  virtual const std::string& key_id() const = 0;
  // Whether this key may check `algorithm` signatures: its type and curve
  // fit the algorithm, and the JWK's own "alg", when it had one, names it.
  virtual bool Fits(JwsAlgorithm algorithm) const = 0;
  // OK when `signature` is a valid `algorithm` signature of `signing_input`
  // under this key. IdTokenRefused kKeyMismatch when !Fits(algorithm);
  // kBadSignature for any signature that does not verify, including one of
  // the wrong length or encoding.
  virtual Status Verify(JwsAlgorithm algorithm, std::string_view signing_input,
                        std::string_view signature) const = 0;
};

// Makes public keys from JWKs.
class JwkImporter {
 public:
  virtual ~JwkImporter() = default;
  // The key `jwk` (one member of a JWKS "keys" array) describes, or
  // kInvalidArgument with a sentence saying why it cannot be used to verify
  // signatures (see the implementation's header for the rules).
  virtual Result<std::shared_ptr<const JwsPublicKey>> Import(const nlohmann::json& jwk) const = 0;
};

// Where the keys of one provider are found.
class JwsKeySource {
 public:
  virtual ~JwsKeySource() = default;
  // The key with `key_id`; without a key id, the only key that Fits
  // `algorithm`. The key is returned even when it does not fit `algorithm`
  // (its Verify then refuses with kKeyMismatch). Errors: IdTokenRefused
  // kUnknownKid when there is no such key (or, without a key id, not exactly
  // one that fits); kKeysUnavailable when the key set cannot be had.
  virtual Result<std::shared_ptr<const JwsPublicKey>> FindKey(
      const std::optional<std::string>& key_id, JwsAlgorithm algorithm) = 0;
};

}  // namespace motcua
