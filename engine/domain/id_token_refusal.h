// id_token_refusal.h: why an OpenID Connect ID token was refused, as a typed
// detail inside the engine's one Error type.
//
// Every refusal of an ID token (jws.h, id_token.h, jws_public_key.h, the
// verifier and key cache in engine/service) is built by IdTokenRefused and
// carries:
//   code     kUnauthenticated (the token does not identify anyone), except
//            kKeysUnavailable, which is kUnavailable (the provider's key set
//            could not be fetched or read; retrying later may succeed);
//   reason   ErrorReason::kIdTokenRefused, the only reason of this family;
//   message  "<detail>: <sentence>", where <detail> is IdTokenRefusalName of
//            the detail below, e.g. "wrong_audience: the token's aud does
//            not contain this client's id". The log shows the message; a
//            browser is shown a plain-language page, never the message.
// IdTokenRefusalOf reads the detail back, for logs, metrics and tests.
//
// Example:
//   return IdTokenRefused(IdTokenRefusal::kExpired, "exp is 1700000000");
//   ...
//   if (IdTokenRefusalOf(result.error()) == IdTokenRefusal::kExpired) ...
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "engine/domain/status.h"

namespace motcua {

enum class IdTokenRefusal {
  kTooLarge,                // the token is longer than kMaxCompactJwsBytes
  kMalformed,               // not three canonical base64url parts of JSON objects
  kAlgorithmNotAllowed,     // alg missing, "none", HS*, or not allowed by the policy
  kCriticalHeader,          // the header has "crit" (no extension is understood)
  kWrongType,               // typ present and not JWT
  kUnknownKid,              // no key of the provider's set has the token's kid
  kKeyMismatch,             // the key does not fit alg (type, curve, or its own alg/use)
  kBadSignature,            // the signature does not verify
  kInvalidClaim,            // a claim of the wrong type, or a date not an integer in range
  kWrongIssuer,             // iss is not the provider's issuer
  kWrongAudience,           // aud does not contain the client id
  kMissingAuthorizedParty,  // several audiences and no azp
  kWrongAuthorizedParty,    // azp present and not the client id
  kExpired,                 // exp has passed (beyond the clock skew)
  kNotYetValid,             // nbf is in the future (beyond the clock skew)
  kIssuedInFuture,          // iat is in the future (beyond the clock skew)
  kIssuedTooLongAgo,        // iat is older than the policy's max_token_age
  kAuthenticationTooOld,    // auth_time missing or older than max_authentication_age
  kMissingNonce,            // no nonce claim
  kWrongNonce,              // nonce is not the one this login sent
  kMissingSubject,          // no sub, or an empty or over-long one
  kKeysUnavailable,         // the provider's key set could not be fetched or read
};

// Stable lower_snake_case name of a detail, e.g. "wrong_audience".
const char* IdTokenRefusalName(IdTokenRefusal detail);

// The error for a refused token; `why` is a sentence for the log.
Error IdTokenRefused(IdTokenRefusal detail, const std::string& why);

// The detail of an error made by IdTokenRefused; nullopt for any other error.
std::optional<IdTokenRefusal> IdTokenRefusalOf(const Error& error);

// Untrusted text (a claim, a kid) for a refusal's sentence: a JSON string,
// so control characters are escaped and the log line stays one line, with
// invalid UTF-8 replaced and anything past kMaxQuotedBytes cut off ("...").
inline constexpr std::size_t kMaxQuotedBytes = 80;
std::string QuotedForLog(std::string_view text);

}  // namespace motcua
