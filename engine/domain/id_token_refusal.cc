#include "engine/domain/id_token_refusal.h"

#include <array>
#include <nlohmann/json.hpp>
#include <utility>

namespace motcua {
namespace {

constexpr std::array<std::pair<IdTokenRefusal, const char*>, 22> kNames = {{
    {IdTokenRefusal::kTooLarge, "too_large"},
    {IdTokenRefusal::kMalformed, "malformed"},
    {IdTokenRefusal::kAlgorithmNotAllowed, "algorithm_not_allowed"},
    {IdTokenRefusal::kCriticalHeader, "critical_header"},
    {IdTokenRefusal::kWrongType, "wrong_type"},
    {IdTokenRefusal::kUnknownKid, "unknown_kid"},
    {IdTokenRefusal::kKeyMismatch, "key_mismatch"},
    {IdTokenRefusal::kBadSignature, "bad_signature"},
    {IdTokenRefusal::kInvalidClaim, "invalid_claim"},
    {IdTokenRefusal::kWrongIssuer, "wrong_issuer"},
    {IdTokenRefusal::kWrongAudience, "wrong_audience"},
    {IdTokenRefusal::kMissingAuthorizedParty, "missing_azp"},
    {IdTokenRefusal::kWrongAuthorizedParty, "wrong_azp"},
    {IdTokenRefusal::kExpired, "expired"},
    {IdTokenRefusal::kNotYetValid, "not_yet_valid"},
    {IdTokenRefusal::kIssuedInFuture, "issued_in_future"},
    {IdTokenRefusal::kIssuedTooLongAgo, "issued_too_long_ago"},
    {IdTokenRefusal::kAuthenticationTooOld, "authentication_too_old"},
    {IdTokenRefusal::kMissingNonce, "missing_nonce"},
    {IdTokenRefusal::kWrongNonce, "wrong_nonce"},
    {IdTokenRefusal::kMissingSubject, "missing_subject"},
    {IdTokenRefusal::kKeysUnavailable, "keys_unavailable"},
}};

}  // namespace

const char* IdTokenRefusalName(IdTokenRefusal detail) {
  for (const auto& [value, name] : kNames) {
    if (value == detail) return name;
  }
  return "unknown";
}

Error IdTokenRefused(IdTokenRefusal detail, const std::string& why) {
  const ErrorCode code = detail == IdTokenRefusal::kKeysUnavailable ? ErrorCode::kUnavailable
                                                                    : ErrorCode::kUnauthenticated;
  return Error(code, std::string(IdTokenRefusalName(detail)) + ": " + why, ErrorReason::kIdTokenRefused);
}

std::optional<IdTokenRefusal> IdTokenRefusalOf(const Error& error) {
  if (error.reason() != ErrorReason::kIdTokenRefused) return std::nullopt;
  const std::string_view message = error.message();
  const std::string_view name = message.substr(0, message.find(':'));
  for (const auto& [value, known] : kNames) {
    if (name == known) return value;
  }
  return std::nullopt;
}

std::string QuotedForLog(std::string_view text) {
  const bool cut = text.size() > kMaxQuotedBytes;
  const nlohmann::json quoted = std::string(text.substr(0, kMaxQuotedBytes));
  return quoted.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + (cut ? "..." : "");
}

}  // namespace motcua
