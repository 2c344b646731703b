#include "engine/crypto/oidc_login_secrets.h"

#include "engine/crypto/random.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/base64url.h"

namespace motcua {
namespace {

constexpr std::size_t kSecretBytes = 32;

}  // namespace

OidcLoginSecrets NewOidcLoginSecrets() {
  OidcLoginSecrets secrets;
  secrets.state = RandomToken(kSecretBytes);
  secrets.nonce = RandomToken(kSecretBytes);
  secrets.code_verifier = RandomToken(kSecretBytes);
  secrets.code_challenge = PkceS256Challenge(secrets.code_verifier);
  return secrets;
}

std::string PkceS256Challenge(std::string_view code_verifier) {
  return Base64UrlEncode(Sha256(code_verifier));
}

}  // namespace motcua
