// hmac.h: HMAC-SHA256 with OpenSSL, for callbacks signed with a shared secret
// (the payment gateway's).
#pragma once

#include <string>
#include <string_view>

namespace motcua {

// HMAC-SHA256 of `data` under `key`, 64 lowercase hex digits.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// True when `hex_signature` is HmacSha256Hex(key, data), in either case;
// compared in constant time (CRYPTO_memcmp), so timing reveals nothing.
bool HmacSha256Matches(std::string_view key, std::string_view data, std::string_view hex_signature);

// True when `hex` is exactly HmacSha256Hex(key, data), lowercase as issued;
// constant time. For values motcua issued itself (a session's CSRF token),
// which the caller must echo verbatim.
bool HmacSha256HexEquals(std::string_view key, std::string_view data, std::string_view hex);

}  // namespace motcua
