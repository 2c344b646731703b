#include "engine/domain/id_token.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "engine/domain/id_token_refusal.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

using nlohmann::json;

// OpenID Connect Core section 2: sub is at most 255 ASCII characters.
constexpr std::size_t kMaxSubjectBytes = 255;

std::string Seconds(Instant t) {
  return std::to_string(t.time_since_epoch().count());
}

// The claims with their types checked; absent claims are empty.
struct TypedClaims {
  std::optional<std::string> issuer;
  std::optional<std::string> subject;
  std::vector<std::string> audiences;
  std::optional<std::string> authorized_party;
  std::optional<std::string> nonce;
  std::optional<Instant> expires_at;
  std::optional<Instant> not_before;
  std::optional<Instant> issued_at;
  std::optional<Instant> authenticated_at;
};

Error InvalidClaim(const char* name, const char* expected) {
  return IdTokenRefused(IdTokenRefusal::kInvalidClaim,
                        std::string("the claim ") + name + " is not " + expected);
}

Status ReadString(const json& payload, const char* name, std::optional<std::string>& out) {
  const auto member = payload.find(name);
  if (member == payload.end()) return {};
  if (!member->is_string()) return InvalidClaim(name, "a string");
  out = member->get<std::string>();
  return {};
}

// A NumericDate (RFC 7519 section 2), held to whole seconds in a sane range.
Status ReadDate(const json& payload, const char* name, std::optional<Instant>& out) {
  const auto member = payload.find(name);
  if (member == payload.end()) return {};
  const bool in_range =
      (member->is_number_unsigned() &&
       member->get<std::uint64_t>() <= static_cast<std::uint64_t>(kMaxNumericDate)) ||
      (member->is_number_integer() && !member->is_number_unsigned() &&
       member->get<std::int64_t>() >= 0 && member->get<std::int64_t>() <= kMaxNumericDate);
  if (!in_range) return InvalidClaim(name, "an integer date between 1970 and 9999");
  out = Instant(std::chrono::seconds(member->get<std::int64_t>()));
  return {};
}

Status ReadAudiences(const json& payload, std::vector<std::string>& out) {
  const auto member = payload.find("aud");
  if (member == payload.end()) return {};
  if (member->is_string()) {
    out.push_back(member->get<std::string>());
    return {};
  }
  if (!member->is_array()) return InvalidClaim("aud", "a string or an array of strings");
  for (const json& audience : *member) {
    if (!audience.is_string()) return InvalidClaim("aud", "a string or an array of strings");
    out.push_back(audience.get<std::string>());
  }
  return {};
}

Result<TypedClaims> ReadClaims(const json& payload) {
  TypedClaims claims;
  for (Status read :
       {ReadString(payload, "iss", claims.issuer), ReadString(payload, "sub", claims.subject),
        ReadString(payload, "azp", claims.authorized_party),
        ReadString(payload, "nonce", claims.nonce), ReadAudiences(payload, claims.audiences),
        ReadDate(payload, "exp", claims.expires_at), ReadDate(payload, "nbf", claims.not_before),
        ReadDate(payload, "iat", claims.issued_at),
        ReadDate(payload, "auth_time", claims.authenticated_at)}) {
    RETURN_IF_ERROR(read);
  }
  return claims;
}

Status CheckParties(const TypedClaims& claims, const IdTokenPolicy& policy) {
  if (claims.issuer != policy.issuer) {
    return IdTokenRefused(IdTokenRefusal::kWrongIssuer,
                          "iss is " + (claims.issuer ? QuotedForLog(*claims.issuer) : "missing") +
                              ", expected " + QuotedForLog(policy.issuer));
  }
  if (!claims.subject || claims.subject->empty() || claims.subject->size() > kMaxSubjectBytes) {
    return IdTokenRefused(IdTokenRefusal::kMissingSubject,
                          "sub is missing, empty or longer than 255 bytes");
  }
  const bool audience_ok = std::find(claims.audiences.begin(), claims.audiences.end(),
                                     policy.client_id) != claims.audiences.end();
  if (!audience_ok) {
    return IdTokenRefused(IdTokenRefusal::kWrongAudience,
                          "aud does not contain the client id " + QuotedForLog(policy.client_id));
  }
  if (claims.audiences.size() > 1 && !claims.authorized_party) {
    return IdTokenRefused(IdTokenRefusal::kMissingAuthorizedParty,
                          "aud names several audiences and there is no azp");
  }
  if (claims.authorized_party && *claims.authorized_party != policy.client_id) {
    return IdTokenRefused(
        IdTokenRefusal::kWrongAuthorizedParty,
        "azp is " + QuotedForLog(*claims.authorized_party) + ", not the client id");
  }
  return {};
}

Status CheckTimes(const TypedClaims& claims, const IdTokenPolicy& policy) {
  const Instant now = policy.now;
  const std::chrono::seconds skew = policy.clock_skew;
  if (!claims.expires_at || now >= *claims.expires_at + skew) {
    return IdTokenRefused(IdTokenRefusal::kExpired,
                          "exp is " +
                              (claims.expires_at ? Seconds(*claims.expires_at) : "missing") +
                              ", now is " + Seconds(now));
  }
  if (claims.not_before && now + skew < *claims.not_before) {
    return IdTokenRefused(IdTokenRefusal::kNotYetValid,
                          "nbf is " + Seconds(*claims.not_before) + ", now is " + Seconds(now));
  }
  if (!claims.issued_at || *claims.issued_at > now + skew) {
    return IdTokenRefused(IdTokenRefusal::kIssuedInFuture,
                          "iat is " + (claims.issued_at ? Seconds(*claims.issued_at) : "missing") +
                              ", now is " + Seconds(now));
  }
  if (now - *claims.issued_at > policy.max_token_age + skew) {
    return IdTokenRefused(IdTokenRefusal::kIssuedTooLongAgo,
                          "iat is " + Seconds(*claims.issued_at) + ", more than " +
                              std::to_string(policy.max_token_age.count()) + " s before now (" +
                              Seconds(now) + ")");
  }
  if (policy.max_authentication_age &&
      (!claims.authenticated_at ||
       now - *claims.authenticated_at > *policy.max_authentication_age + skew)) {
    return IdTokenRefused(IdTokenRefusal::kAuthenticationTooOld,
                          "auth_time is missing or more than " +
                              std::to_string(policy.max_authentication_age->count()) +
                              " s before now");
  }
  return {};
}

bool IsIdTokenType(const std::string& type) {
  std::string lower = type;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "jwt" || lower == "application/jwt";
}

}  // namespace

Result<JwsAlgorithm> CheckIdTokenHeader(const CompactJws& jws, const IdTokenPolicy& policy) {
  const std::optional<JwsAlgorithm> algorithm = JwsAlgorithmFromName(jws.algorithm);
  if (!algorithm || std::find(policy.allowed_algorithms.begin(), policy.allowed_algorithms.end(),
                              *algorithm) == policy.allowed_algorithms.end()) {
    return IdTokenRefused(IdTokenRefusal::kAlgorithmNotAllowed,
                          "alg " + QuotedForLog(jws.algorithm) +
                              " is not an asymmetric algorithm this provider may use");
  }
  if (jws.type && !IsIdTokenType(*jws.type)) {
    return IdTokenRefused(IdTokenRefusal::kWrongType, "typ is " + QuotedForLog(*jws.type) +
                                                          ", not JWT: this is not an ID token");
  }
  return *algorithm;
}

Result<IdTokenClaims> CheckIdTokenClaims(const nlohmann::json& payload,
                                         const IdTokenPolicy& policy) {
  ASSIGN_OR_RETURN(TypedClaims claims, ReadClaims(payload));
  RETURN_IF_ERROR(CheckParties(claims, policy));
  RETURN_IF_ERROR(CheckTimes(claims, policy));
  if (!claims.nonce) {
    return IdTokenRefused(IdTokenRefusal::kMissingNonce, "the token has no nonce");
  }
  if (policy.expected_nonce.empty() || *claims.nonce != policy.expected_nonce) {
    return IdTokenRefused(IdTokenRefusal::kWrongNonce, "nonce is not the one this sign-in sent");
  }
  IdTokenClaims verified;
  verified.issuer = std::move(*claims.issuer);
  verified.subject = std::move(*claims.subject);
  verified.audiences = std::move(claims.audiences);
  verified.authorized_party = std::move(claims.authorized_party);
  verified.nonce = std::move(*claims.nonce);
  verified.issued_at = *claims.issued_at;
  verified.expires_at = *claims.expires_at;
  verified.authenticated_at = claims.authenticated_at;
  verified.all = payload;
  return verified;
}

}  // namespace motcua
