#include "engine/service/id_token_verifier.h"

#include "engine/domain/jws.h"
#include "engine/domain/status_macros.h"

namespace motcua {

Result<IdTokenClaims> IdTokenVerifier::Verify(std::string_view token, IdTokenPolicy policy,
                                              JwsKeySource& keys) const {
  ASSIGN_OR_RETURN(CompactJws jws, ParseCompactJws(token));
  ASSIGN_OR_RETURN(JwsAlgorithm algorithm, CheckIdTokenHeader(jws, policy));
  ASSIGN_OR_RETURN(std::shared_ptr<const JwsPublicKey> key, keys.FindKey(jws.key_id, algorithm));
  RETURN_IF_ERROR(key->Verify(algorithm, jws.signing_input, jws.signature));
  policy.now = clock_.Now();
  return CheckIdTokenClaims(jws.payload, policy);
}

}  // namespace motcua
