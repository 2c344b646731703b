// openssl_jwk.h: public keys from JWKs (RFC 7517, 7518 section 6, RFC 8037)
// that check JWS signatures with OpenSSL 3 (the JwkImporter and JwsPublicKey
// ports of engine/domain/jws_public_key.h).
//
// Import accepts exactly these keys, and refuses any other with
// kInvalidArgument and a sentence naming the problem:
//   "kty":"RSA"  "n", "e": a modulus of 2048 to 8192 bits that OpenSSL's
//                public-key check accepts (RS256, PS256);
//   "kty":"EC"   "crv":"P-256", "x", "y": 32 bytes each, a point on the
//                curve (ES256);
//   "kty":"OKP"  "crv":"Ed25519", "x": 32 bytes (EdDSA).
// It refuses "oct" keys (a shared secret is no provider's public key), any
// private member ("d", "p", "q", "dp", "dq", "qi", "oth", "k": a provider
// that publishes them has leaked its key), a "use" other than "sig", a
// "key_ops" without "verify", an "alg" that is not one of the four
// algorithms or does not fit the key type, and a "kid" that is not a string.
// Members are canonical unpadded base64url (base64url.h).
//
// Verify checks:
//   RS256  RSASSA-PKCS1-v1_5 with SHA-256;
//   PS256  RSASSA-PSS with SHA-256, MGF1-SHA-256, salt of 32 bytes;
//   ES256  ECDSA P-256 with SHA-256; the signature is JWS's raw r||s of
//          exactly 64 bytes (RFC 7518 section 3.4), never DER;
//   EdDSA  Ed25519 (RFC 8032), the signing input signed whole.
//
// Thread safety: the importer is stateless; keys are immutable. Both may be
// used from any number of threads.
//
// Example:
//   OpenSslJwkImporter importer;
//   JwksCache keys(provider.jwks_uri, fetcher, importer, clock);
#pragma once

#include "engine/domain/jws_public_key.h"

namespace motcua {

class OpenSslJwkImporter final : public JwkImporter {
 public:
  Result<std::shared_ptr<const JwsPublicKey>> Import(const nlohmann::json& jwk) const override;
};

}  // namespace motcua
