#include "engine/crypto/hmac.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <string_view>

#include "engine/crypto/hex.h"

namespace motcua {

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest,
           &size) == nullptr) {
    return {};
  }
  return LowerHex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

bool HmacSha256Matches(std::string_view key, std::string_view data,
                       std::string_view hex_signature) {
  const std::string expected = HmacSha256Hex(key, data);
  if (expected.empty() || hex_signature.size() != expected.size()) return false;
  std::string given(hex_signature);
  std::transform(given.begin(), given.end(), given.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

bool HmacSha256HexEquals(std::string_view key, std::string_view data, std::string_view hex) {
  const std::string expected = HmacSha256Hex(key, data);
  if (expected.empty() || hex.size() != expected.size()) return false;
  return CRYPTO_memcmp(hex.data(), expected.data(), expected.size()) == 0;
}

}  // namespace motcua
