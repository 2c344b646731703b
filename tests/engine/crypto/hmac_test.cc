#include "engine/crypto/hmac.h"

#include <doctest/doctest.h>

namespace motcua {
namespace {

TEST_CASE("hmac: RFC 4231 test case 2 and constant-time matching") {
  // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
  const std::string expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  CHECK(HmacSha256Hex("Jefe", "what do ya want for nothing?") == expected);
  CHECK(HmacSha256Matches("Jefe", "what do ya want for nothing?", expected));
  std::string upper = expected;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(HmacSha256Matches("Jefe", "what do ya want for nothing?", upper));
  CHECK_FALSE(HmacSha256Matches("Jefe", "what do ya want for nothing!", expected));
  CHECK_FALSE(HmacSha256Matches("jefe", "what do ya want for nothing?", expected));
  CHECK_FALSE(HmacSha256Matches("Jefe", "what do ya want for nothing?", expected.substr(0, 63)));
  CHECK_FALSE(HmacSha256Matches("Jefe", "what do ya want for nothing?", ""));
}

}  // namespace
}  // namespace motcua
