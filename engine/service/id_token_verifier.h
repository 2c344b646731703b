// id_token_verifier.h: verifies an OpenID Connect ID token from the token
// endpoint's response: its form, its algorithm, its signature under the
// provider's key, then its claims.
//
// Order, each step refusing with IdTokenRefused (id_token_refusal.h):
//   1. ParseCompactJws (jws.h): size, shape, base64url, JSON, crit;
//   2. CheckIdTokenHeader (id_token.h): "none", HS* and any algorithm the
//      policy does not allow are refused here, before any key is looked up,
//      so a token can neither pick an HMAC "key" nor cause a key fetch;
//   3. keys.FindKey(kid, alg): unknown kid (after one rate-limited refetch,
//      jwks_cache.h) or keys unavailable;
//   4. key->Verify: kKeyMismatch when the key does not fit alg (an RSA key
//      named by an ES256 header), kBadSignature;
//   5. CheckIdTokenClaims (id_token.h) at the verifier's clock's now: iss,
//      sub, aud, azp, exp, nbf, iat, auth_time, nonce.
// The claims are judged only once the signature holds.
//
// The caller supplies the policy with the provider's issuer, the client id
// and this login's nonce; `policy.now` is ignored and replaced by the
// clock's. The caller logs a refusal's message and shows the browser a
// plain page.
//
// Thread safety: Verify is const and may run on many threads, each with its
// own policy; the key source must be thread-safe (JwksCache is).
//
// Example:
//   IdTokenVerifier verifier(clock);
//   Result<IdTokenClaims> claims = verifier.Verify(response.id_token, policy, provider_keys);
//   if (!claims.ok()) { log(claims.error().message()); return SignInFailedPage(); }
#pragma once

#include <string_view>

#include "engine/domain/clock.h"
#include "engine/domain/id_token.h"
#include "engine/domain/jws_public_key.h"
#include "engine/domain/status.h"

namespace motcua {

class IdTokenVerifier {
 public:
  // `clock` must outlive the verifier.
  explicit IdTokenVerifier(const Clock& clock) : clock_(clock) {}

  Result<IdTokenClaims> Verify(std::string_view token, IdTokenPolicy policy,
                               JwsKeySource& keys) const;

 private:
  const Clock& clock_;
};

}  // namespace motcua
