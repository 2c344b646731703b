// sha256.h: SHA-256 digests, the content address of documents and the links
// of the audit hash chain.
//
// Backed by OpenSSL's EVP interface. Stateless and thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace motcua {

// SHA-256 of `bytes`: the 32 raw digest bytes (empty only if OpenSSL fails).
std::string Sha256(std::string_view bytes);

// SHA-256 of `bytes` as 64 lowercase hexadecimal characters.
std::string Sha256Hex(std::string_view bytes);

// True if `text` looks like a SHA-256 hex digest (64 lowercase hex characters).
bool IsSha256Hex(std::string_view text);

}  // namespace motcua
