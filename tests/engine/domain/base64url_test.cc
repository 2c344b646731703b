#include "engine/domain/base64url.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace motcua {
namespace {

TEST_CASE("base64url: RFC 4648 test vectors encode without padding and decode back") {
  struct Case {
    std::string bytes;
    std::string text;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"f", "Zg"},
      {"fo", "Zm8"},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg"},
      {"fooba", "Zm9vYmE"},
      {"foobar", "Zm9vYmFy"},
      {"\xfb\xff\xbf", "-_-_"},  // the two characters that differ from standard base64
  };
  for (const Case& c : cases) {
    INFO(c.text);
    CHECK(Base64UrlEncode(c.bytes) == c.text);
    REQUIRE(Base64UrlDecode(c.text).has_value());
    CHECK(*Base64UrlDecode(c.text) == c.bytes);
  }
}

TEST_CASE("base64url: every byte value round-trips") {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t length = 0; length <= all.size(); length += 37) {
    const std::string bytes = all.substr(0, length);
    CHECK(Base64UrlDecode(Base64UrlEncode(bytes)) == bytes);
  }
}

TEST_CASE("base64url: non-canonical spellings are refused, so each value has one") {
  const std::vector<std::string> refused = {
      "Zg==",    // padding
      "Zm8=",    // padding
      "Zm9v\n",  // whitespace
      " Zm9v",   // whitespace
      "Zm+v",    // standard alphabet '+'
      "Zm/v",    // standard alphabet '/'
      "Z",       // a length of the form 4k+1 encodes no whole byte
      "Zm9vY",   // likewise
      "Zh",      // "f" with non-zero unused low bits (canonical: "Zg")
      "Zm9",     // "fo" with non-zero unused low bits (canonical: "Zm8")
      std::string("Zm\0v", 4),
  };
  for (const std::string& text : refused) {
    INFO(text);
    CHECK_FALSE(Base64UrlDecode(text).has_value());
  }
}

}  // namespace
}  // namespace motcua
