#include "engine/crypto/oidc_login_secrets.h"

#include <doctest/doctest.h>

#include <set>
#include <string>

#include "engine/domain/base64url.h"

namespace motcua {
namespace {

TEST_CASE("oidc_login_secrets: the S256 challenge of RFC 7636 appendix B") {
  CHECK(PkceS256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") ==
        "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST_CASE("oidc_login_secrets: each value is 256 random bits in base64url, never repeated") {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const OidcLoginSecrets secrets = NewOidcLoginSecrets();
    for (const std::string* value : {&secrets.state, &secrets.nonce, &secrets.code_verifier}) {
      CHECK(value->size() == 43);
      const std::optional<std::string> bytes = Base64UrlDecode(*value);
      REQUIRE(bytes.has_value());
      CHECK(bytes->size() == 32);
      CHECK(seen.insert(*value).second);
    }
    CHECK(secrets.code_challenge == PkceS256Challenge(secrets.code_verifier));
    CHECK(secrets.code_challenge != secrets.code_verifier);
  }
}

}  // namespace
}  // namespace motcua
