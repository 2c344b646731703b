#include "engine/crypto/sha256.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

// Vectors from FIPS 180-2 appendix B and the empty string.
TEST_CASE("sha256: known answers") {
  struct Case {
    std::string input;
    std::string digest;
  };
  const Case cases[] = {
      {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
      {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
      {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
  };
  for (const Case& c : cases) {
    CHECK(Sha256Hex(c.input) == c.digest);
  }
}

TEST_CASE("sha256: the raw digest is the 32 bytes the hex digest spells") {
  const std::string digest = Sha256("abc");
  REQUIRE(digest.size() == 32);
  CHECK(static_cast<unsigned char>(digest.front()) == 0xba);
  CHECK(static_cast<unsigned char>(digest.back()) == 0xad);
}

TEST_CASE("sha256: hex digest shape") {
  CHECK(IsSha256Hex(Sha256Hex("x")));
  CHECK_FALSE(IsSha256Hex("abc"));
  CHECK_FALSE(IsSha256Hex(std::string(64, 'G')));
  CHECK_FALSE(IsSha256Hex(std::string(64, 'A')));  // uppercase is not canonical
  CHECK(IsSha256Hex(std::string(64, 'a')));
}

}  // namespace
}  // namespace motcua
