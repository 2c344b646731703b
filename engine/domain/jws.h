// jws.h: a JSON Web Signature in compact serialization (RFC 7515 section 7.1)
// whose payload is a JSON object (a JWT, RFC 7519), parsed but not verified.
//
// ParseCompactJws only takes the token apart; it trusts nothing in it. The
// signature is checked by a JwsPublicKey (jws_public_key.h) over
// `signing_input`, and the claims by id_token.h. No header member chooses a
// key or its location: "jwk", "jku", "x5u" and "x5c" are ignored, keys come
// only from the provider's configured key set.
//
// Refusals, each IdTokenRefused (id_token_refusal.h) with its detail:
//   kTooLarge    token.size() > kMaxCompactJwsBytes;
//   kMalformed   not exactly three parts separated by '.', a part that is not
//                canonical unpadded base64url (base64url.h: no padding, no
//                whitespace), a header or payload that is not a JSON object
//                within kJwsJsonLimits (ParseJson), an "alg" that is not a
//                string, a "kid" or "typ" that is not a string;
//   kCriticalHeader  the header has "crit": this engine understands no JWS
//                extension, and RFC 7515 section 4.1.11 says to refuse.
// The algorithm itself is not judged here (an unsigned "none" token parses,
// with an empty signature); CheckIdTokenHeader (id_token.h) judges it.
//
// Thread safety: pure functions.
//
// Example:
//   ASSIGN_OR_RETURN(CompactJws jws, ParseCompactJws(token));
//   key.Verify(algorithm, jws.signing_input, jws.signature);
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "engine/domain/json_parse.h"
#include "engine/domain/status.h"

namespace motcua {

// Longest token accepted. ID tokens are a few KB at most; this bounds the
// work and memory a hostile token can cost before any signature check.
inline constexpr std::size_t kMaxCompactJwsBytes = 16 * 1024;

// Header and payload: a few levels suffice (address claims nest twice).
inline constexpr JsonLimits kJwsJsonLimits{.max_depth = 8, .max_bytes = kMaxCompactJwsBytes};

// The asymmetric signature algorithms motcua verifies (RFC 7518 section 3,
// RFC 8037 section 3.1). Symmetric (HS*) and unsigned ("none") tokens are
// never accepted from a provider, so they have no value here.
enum class JwsAlgorithm { kRs256, kPs256, kEs256, kEdDsa };

// The JOSE name: "RS256", "PS256", "ES256", "EdDSA".
const char* JwsAlgorithmName(JwsAlgorithm algorithm);

// The algorithm a JOSE name denotes (case-sensitive), nullopt for any other.
std::optional<JwsAlgorithm> JwsAlgorithmFromName(std::string_view name);

struct CompactJws {
  nlohmann::json header;              // a JSON object
  nlohmann::json payload;             // a JSON object
  std::string algorithm;              // the header's "alg", as written
  std::optional<std::string> key_id;  // the header's "kid"
  std::optional<std::string> type;    // the header's "typ"
  std::string signing_input;          // the first two parts with their '.'
  std::string signature;              // the third part, decoded
};

// Takes `token` apart; see the file comment for what is refused.
Result<CompactJws> ParseCompactJws(std::string_view token);

}  // namespace motcua
