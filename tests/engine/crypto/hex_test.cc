// Lowercase hexadecimal (hex.h): how digests, chain links and fingerprints
// are spelled, and how the SQLite store turns a stored 32-byte hash back.
#include "engine/crypto/hex.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

TEST_CASE("hex: every byte is two lowercase digits, and they read back") {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  const std::string hex = LowerHex(all);
  CHECK(hex.size() == 512);
  CHECK(hex.substr(0, 8) == "00010203");
  CHECK(hex.substr(504) == "fcfdfeff");
  CHECK(ParseLowerHex(hex) == all);
  CHECK(LowerHex("") == "");
  CHECK(ParseLowerHex("") == std::string());
}

TEST_CASE("hex: an odd length, uppercase or any other character is not lowercase hex") {
  CHECK_FALSE(ParseLowerHex("abc").has_value());
  CHECK_FALSE(ParseLowerHex("AB").has_value());
  CHECK_FALSE(ParseLowerHex("0g").has_value());
  CHECK_FALSE(ParseLowerHex("0 ").has_value());
  CHECK_FALSE(ParseLowerHex(std::string("0\0", 2)).has_value());
  CHECK(ParseLowerHex("7f") == std::string("\x7f"));
}

}  // namespace
}  // namespace motcua
