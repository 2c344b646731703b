#include "engine/crypto/base64.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstddef>
#include <limits>

namespace motcua {

std::string Base64Encode(std::string_view bytes) {
  if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max() / 4 * 3)) return {};
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0 ||
      text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    return std::nullopt;
  }
  // EVP_DecodeBlock accepts surrounding whitespace and reports padding as
  // zero bytes; check the alphabet and the padding here, then trim.
  const std::size_t padding = text.size() >= 2 && text.substr(text.size() - 2) == "==" ? 2
                              : !text.empty() && text.back() == '='                    ? 1
                                                                                       : 0;
  const std::string_view body = text.substr(0, text.size() - padding);
  const bool alphabet = std::all_of(body.begin(), body.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
  });
  if (!alphabet) return std::nullopt;
  std::string out(text.size() / 4 * 3, '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  if (length < 0 || static_cast<std::size_t>(length) != out.size()) return std::nullopt;
  out.resize(out.size() - padding);
  return out;
}

}  // namespace motcua
