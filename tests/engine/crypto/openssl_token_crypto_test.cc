#include "engine/crypto/openssl_token_crypto.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

// A derived value (the session's CSRF token) is accepted only exactly as it
// was issued: the browser echoes what the server gave it, so no other
// spelling of the same digest is a legitimate presentation.
TEST_CASE("OpenSslTokenCrypto: DerivedMatches accepts only the derived value as issued") {
  const OpenSslTokenCrypto crypto;
  const std::string secret = crypto.NewSecret();
  const std::string derived = crypto.Derive(secret, "csrf");
  CHECK(crypto.DerivedMatches(secret, "csrf", derived));

  std::string upper = derived;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  REQUIRE(upper != derived);
  CHECK_FALSE(crypto.DerivedMatches(secret, "csrf", upper));
  CHECK_FALSE(crypto.DerivedMatches(secret, "csrf", derived + "x"));
  CHECK_FALSE(crypto.DerivedMatches(secret, "csrf", derived.substr(0, 63)));
  CHECK_FALSE(crypto.DerivedMatches(secret, "csrf", ""));
  CHECK_FALSE(crypto.DerivedMatches(secret, "other", derived));
  CHECK_FALSE(crypto.DerivedMatches(crypto.NewSecret(), "csrf", derived));
}

}  // namespace
}  // namespace motcua
