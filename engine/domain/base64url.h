// base64url.h: the URL- and filename-safe base64 of RFC 4648 section 5,
// without padding, as JOSE (RFC 7515 section 2) and PKCE (RFC 7636) use it.
//
// The domain decodes the parts of a JWS and the members of a JWK with it,
// and the login flow encodes PKCE challenges with it; neither may link
// OpenSSL, so this small codec lives here (engine/crypto/base64.h is the
// padded standard alphabet, through OpenSSL, for signatures in JSON).
//
// Decoding is strict, so that a value has exactly one accepted spelling:
// only A-Z a-z 0-9 - _, no padding, no whitespace, no length of the form
// 4k+1, and the unused low bits of the last character must be zero.
//
// Thread safety: pure functions.
//
// Example:
//   std::optional<std::string> header = Base64UrlDecode("eyJhbGciOiJSUzI1NiJ9");
//   std::string challenge = Base64UrlEncode(Sha256(verifier));
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace motcua {

// `bytes` in base64url without padding.
std::string Base64UrlEncode(std::string_view bytes);

// The bytes `text` encodes, or nullopt when it is not canonical unpadded
// base64url (see the file comment). The empty text decodes to no bytes.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace motcua
