// id_token.h: what a relying party expects of an OpenID Connect ID token
// (OpenID Connect Core 1.0, section 3.1.3.7), and the checks of its header
// and claims against those expectations.
//
// The login flow builds one IdTokenPolicy per sign-in: the provider's issuer
// and this engine's client id (from configuration), the nonce it sent with
// the authorization request, and the instant to judge against (taken from
// the injected Clock; these checks never read a clock). The signature is
// checked before the claims (engine/service/id_token_verifier.h), so a
// forged token learns nothing from which claim it got wrong.
//
// Every refusal is IdTokenRefused (id_token_refusal.h) with one detail:
//   CheckIdTokenHeader:
//     kAlgorithmNotAllowed  alg is "none", HS*, unknown, or not in
//                           policy.allowed_algorithms (decided before any
//                           key is looked up);
//     kWrongType            typ present and not "JWT" (any case) or
//                           "application/jwt": an access token or a logout
//                           token (typ "at+jwt", "logout+jwt") is not an ID
//                           token.
//   CheckIdTokenClaims, in this order:
//     kInvalidClaim         iss, sub, azp or nonce not a string; aud not a
//                           string or an array of strings; exp, iat, nbf or
//                           auth_time not an integer in [0, kMaxNumericDate];
//     kWrongIssuer          iss missing or not exactly policy.issuer;
//     kMissingSubject       sub missing, empty, or longer than 255 bytes;
//     kWrongAudience        aud missing or not containing policy.client_id;
//     kMissingAuthorizedParty  more than one audience and no azp;
//     kWrongAuthorizedParty azp present and not policy.client_id;
//     kExpired              exp missing, or now >= exp + clock_skew;
//     kNotYetValid          nbf present and now + clock_skew < nbf;
//     kIssuedInFuture       iat missing, or iat > now + clock_skew;
//     kIssuedTooLongAgo     now - iat > max_token_age + clock_skew;
//     kAuthenticationTooOld max_authentication_age set, and auth_time
//                           missing or older than it (plus the skew);
//     kMissingNonce         no nonce claim;
//     kWrongNonce           nonce differs from policy.expected_nonce (an
//                           empty expected nonce matches nothing).
//
// Thread safety: pure functions.
//
// Example:
//   IdTokenPolicy policy = provider.policy;  // issuer, client id, algorithms, skew
//   policy.expected_nonce = login.nonce;
//   policy.now = clock.Now();
//   Result<IdTokenClaims> claims = CheckIdTokenClaims(jws->payload, policy);
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/jws.h"
#include "engine/domain/status.h"

namespace motcua {

// 9999-12-31T23:59:59Z: a NumericDate later than this is absurd, not a date.
inline constexpr std::int64_t kMaxNumericDate = 253402300799;

struct IdTokenPolicy {
  std::string issuer;          // the provider's issuer, compared exactly
  std::string client_id;       // this engine's client id at that provider
  std::string expected_nonce;  // the nonce this login sent
  Instant now{};               // the instant the token is judged at
  std::vector<JwsAlgorithm> allowed_algorithms = {JwsAlgorithm::kRs256, JwsAlgorithm::kPs256,
                                                  JwsAlgorithm::kEs256, JwsAlgorithm::kEdDsa};
  // Tolerated difference between the provider's clock and ours.
  std::chrono::seconds clock_skew{60};
  // How old iat may be: the token is fetched right after the redirect.
  std::chrono::seconds max_token_age{600};
  // When set, auth_time is required and may be at most this old (the
  // authorization request's max_age).
  std::optional<std::chrono::seconds> max_authentication_age;
};

// The claims of a verified ID token.
struct IdTokenClaims {
  std::string issuer;
  std::string subject;
  std::vector<std::string> audiences;
  std::optional<std::string> authorized_party;
  std::string nonce;
  Instant issued_at{};
  Instant expires_at{};
  std::optional<Instant> authenticated_at;  // auth_time, when present
  nlohmann::json all;                       // the whole payload, for mapping identity claims
};

// The algorithm of `jws`, if the policy accepts it and the header's typ fits
// an ID token; see the file comment.
Result<JwsAlgorithm> CheckIdTokenHeader(const CompactJws& jws, const IdTokenPolicy& policy);

// The claims of `payload` (a JSON object) if they satisfy `policy`; see the
// file comment for each refusal.
Result<IdTokenClaims> CheckIdTokenClaims(const nlohmann::json& payload,
                                         const IdTokenPolicy& policy);

}  // namespace motcua
