// base64.h: standard base64 (RFC 4648 section 4, with padding) through
// OpenSSL's EVP encoder, for binary values carried in JSON (signatures).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace motcua {

std::string Base64Encode(std::string_view bytes);

// The bytes `text` encodes, or nullopt if it is not canonical padded base64:
// characters outside A-Z a-z 0-9 + /, a length not a multiple of four, or
// misplaced padding. Line breaks and other whitespace are not accepted.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace motcua
