#include "engine/service/id_token_verifier.h"

#include "engine/domain/jws.h"

namespace motcua {

Result<IdTokenClaims> IdTokenVerifier::Verify(std::string_view token, IdTokenPolicy policy,
                                              JwsKeySource& keys) const {
  Result<CompactJws> jws = ParseCompactJws(token);
  if (!jws.ok()) return jws.error();
  Result<JwsAlgorithm> algorithm = CheckIdTokenHeader(*jws, policy);
  if (!algorithm.ok()) return algorithm.error();
  Result<std::shared_ptr<const JwsPublicKey>> key = keys.FindKey(jws->key_id, *algorithm);
  if (!key.ok()) return key.error();
  if (Status signature = (*key)->Verify(*algorithm, jws->signing_input, jws->signature);
      !signature.ok()) {
    return signature.error();
  }
  policy.now = clock_.Now();
  return CheckIdTokenClaims(jws->payload, policy);
}

}  // namespace motcua
