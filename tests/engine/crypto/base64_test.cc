#include "engine/crypto/base64.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

TEST_CASE("base64 round-trips every padding length and binary bytes") {
  const std::string binary("\x00\xff\x10\x80 \n", 6);
  for (std::size_t n = 0; n <= binary.size(); ++n) {
    const std::string bytes = binary.substr(0, n);
    const std::string text = Base64Encode(bytes);
    CHECK(text.size() % 4 == 0);
    CHECK(Base64Decode(text) == bytes);
  }
  CHECK(Base64Encode("hello") == "aGVsbG8=");
  CHECK(Base64Decode("aGVsbG8=") == std::string("hello"));
}

TEST_CASE("base64 decoding refuses what is not canonical padded base64") {
  CHECK_FALSE(Base64Decode("aGVsbG8").has_value());     // not a multiple of four
  CHECK_FALSE(Base64Decode("aGVs bG8=").has_value());   // whitespace inside
  CHECK_FALSE(Base64Decode("aGVsbG8=\n").has_value());  // trailing line break
  CHECK_FALSE(Base64Decode("aGV=bG8=").has_value());    // padding in the middle
  CHECK_FALSE(Base64Decode("aGVsbG-_").has_value());    // base64url alphabet
  CHECK_FALSE(Base64Decode("a===").has_value());        // three padding characters
  CHECK(Base64Decode("") == std::string());
}

}  // namespace
}  // namespace motcua
