#include "engine/crypto/random.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace motcua {

std::string RandomToken(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    std::fputs("motcua: the system's random number generator failed\n", stderr);
    std::abort();
  }
  std::vector<unsigned char> encoded(4 * ((bytes + 2) / 3) + 1);
  const int length = EVP_EncodeBlock(encoded.data(), raw.data(), static_cast<int>(raw.size()));
  std::string token(encoded.begin(), encoded.begin() + length);
  while (!token.empty() && token.back() == '=') token.pop_back();
  for (char& c : token) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return token;
}

}  // namespace motcua
