#include "engine/crypto/random.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

namespace motcua {
namespace {

TEST_CASE("random: tokens are base64url of the requested length and never repeat") {
  const std::string token = RandomToken(32);
  CHECK(token.size() == 43);  // 32 bytes = 256 bits, unpadded base64
  CHECK(std::all_of(token.begin(), token.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  }));
  CHECK(RandomToken(3).size() == 4);
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(RandomToken(16));
  CHECK(seen.size() == 1000);
}

}  // namespace
}  // namespace motcua
