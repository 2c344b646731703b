#include "engine/domain/id_token.h"

#include <doctest/doctest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/domain/id_token_refusal.h"

namespace motcua {
namespace {

using nlohmann::json;
using std::chrono::seconds;

constexpr std::int64_t kNow = 1'800'000'000;

IdTokenPolicy Policy() {
  IdTokenPolicy policy;
  policy.issuer = "https://sso.example.vn";
  policy.client_id = "motcua";
  policy.expected_nonce = "n-0S6_WzA2Mj";
  policy.now = Instant(seconds(kNow));
  return policy;
}

json Claims() {
  return {{"iss", "https://sso.example.vn"},
          {"sub", "001090012345"},
          {"aud", "motcua"},
          {"exp", kNow + 300},
          {"iat", kNow - 10},
          {"nonce", "n-0S6_WzA2Mj"},
          {"name", "Nguyễn Văn A"}};
}

std::optional<IdTokenRefusal> RefusalOf(const json& claims,
                                        const IdTokenPolicy& policy = Policy()) {
  Result<IdTokenClaims> checked = CheckIdTokenClaims(claims, policy);
  if (checked.ok()) return std::nullopt;
  CHECK(checked.error().code() == ErrorCode::kUnauthenticated);
  return IdTokenRefusalOf(checked.error());
}

TEST_CASE("id token claims: a valid token's claims are returned, the whole payload kept") {
  json claims = Claims();
  claims["auth_time"] = kNow - 60;
  Result<IdTokenClaims> checked = CheckIdTokenClaims(claims, Policy());
  REQUIRE(checked.ok());
  CHECK(checked->issuer == "https://sso.example.vn");
  CHECK(checked->subject == "001090012345");
  CHECK(checked->audiences == std::vector<std::string>{"motcua"});
  CHECK_FALSE(checked->authorized_party.has_value());
  CHECK(checked->nonce == "n-0S6_WzA2Mj");
  CHECK(checked->issued_at == Instant(seconds(kNow - 10)));
  CHECK(checked->expires_at == Instant(seconds(kNow + 300)));
  CHECK(checked->authenticated_at == Instant(seconds(kNow - 60)));
  CHECK(checked->all == claims);
}

TEST_CASE("id token claims: each broken claim is refused with its own detail") {
  struct Case {
    const char* name;
    std::function<void(json&)> change;
    IdTokenRefusal expected;
  };
  const std::vector<Case> cases = {
      {"wrong iss", [](json& c) { c["iss"] = "https://evil.example"; },
       IdTokenRefusal::kWrongIssuer},
      {"iss with a trailing slash", [](json& c) { c["iss"] = "https://sso.example.vn/"; },
       IdTokenRefusal::kWrongIssuer},
      {"no iss", [](json& c) { c.erase("iss"); }, IdTokenRefusal::kWrongIssuer},
      {"iss a number", [](json& c) { c["iss"] = 1; }, IdTokenRefusal::kInvalidClaim},
      {"no sub", [](json& c) { c.erase("sub"); }, IdTokenRefusal::kMissingSubject},
      {"empty sub", [](json& c) { c["sub"] = ""; }, IdTokenRefusal::kMissingSubject},
      {"sub of 256 bytes", [](json& c) { c["sub"] = std::string(256, 'a'); },
       IdTokenRefusal::kMissingSubject},
      {"sub an object", [](json& c) { c["sub"] = json::object(); }, IdTokenRefusal::kInvalidClaim},
      {"wrong aud", [](json& c) { c["aud"] = "other-client"; }, IdTokenRefusal::kWrongAudience},
      {"aud a prefix of the client id", [](json& c) { c["aud"] = "motcu"; },
       IdTokenRefusal::kWrongAudience},
      {"no aud", [](json& c) { c.erase("aud"); }, IdTokenRefusal::kWrongAudience},
      {"empty aud array", [](json& c) { c["aud"] = json::array(); },
       IdTokenRefusal::kWrongAudience},
      {"aud array without the client",
       [](json& c) {
         c["aud"] = {"a", "b"};
       },
       IdTokenRefusal::kWrongAudience},
      {"aud array with a number",
       [](json& c) {
         c["aud"] = {"motcua", 7};
       },
       IdTokenRefusal::kInvalidClaim},
      {"several audiences, no azp",
       [](json& c) {
         c["aud"] = {"motcua", "other"};
       },
       IdTokenRefusal::kMissingAuthorizedParty},
      {"several audiences, azp another client",
       [](json& c) {
         c["aud"] = {"motcua", "other"};
         c["azp"] = "other";
       },
       IdTokenRefusal::kWrongAuthorizedParty},
      {"one audience, azp another client", [](json& c) { c["azp"] = "other"; },
       IdTokenRefusal::kWrongAuthorizedParty},
      {"expired beyond the skew", [](json& c) { c["exp"] = kNow - 60; }, IdTokenRefusal::kExpired},
      {"no exp", [](json& c) { c.erase("exp"); }, IdTokenRefusal::kExpired},
      {"exp fractional", [](json& c) { c["exp"] = kNow + 300.5; }, IdTokenRefusal::kInvalidClaim},
      {"exp a string", [](json& c) { c["exp"] = std::to_string(kNow + 300); },
       IdTokenRefusal::kInvalidClaim},
      {"exp negative", [](json& c) { c["exp"] = -1; }, IdTokenRefusal::kInvalidClaim},
      {"exp after year 9999", [](json& c) { c["exp"] = kMaxNumericDate + 1; },
       IdTokenRefusal::kInvalidClaim},
      {"exp beyond int64", [](json& c) { c["exp"] = 18446744073709551615ULL; },
       IdTokenRefusal::kInvalidClaim},
      {"exp 1e300", [](json& c) { c["exp"] = 1e300; }, IdTokenRefusal::kInvalidClaim},
      {"nbf beyond the skew", [](json& c) { c["nbf"] = kNow + 61; }, IdTokenRefusal::kNotYetValid},
      {"nbf a bool", [](json& c) { c["nbf"] = true; }, IdTokenRefusal::kInvalidClaim},
      {"iat beyond the skew", [](json& c) { c["iat"] = kNow + 61; },
       IdTokenRefusal::kIssuedInFuture},
      {"no iat", [](json& c) { c.erase("iat"); }, IdTokenRefusal::kIssuedInFuture},
      {"iat too old", [](json& c) { c["iat"] = kNow - 661; }, IdTokenRefusal::kIssuedTooLongAgo},
      {"no nonce", [](json& c) { c.erase("nonce"); }, IdTokenRefusal::kMissingNonce},
      {"wrong nonce", [](json& c) { c["nonce"] = "replayed"; }, IdTokenRefusal::kWrongNonce},
      {"empty nonce", [](json& c) { c["nonce"] = ""; }, IdTokenRefusal::kWrongNonce},
      {"nonce a number", [](json& c) { c["nonce"] = 5; }, IdTokenRefusal::kInvalidClaim},
      {"auth_time absurd", [](json& c) { c["auth_time"] = kMaxNumericDate * 2; },
       IdTokenRefusal::kInvalidClaim},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    json claims = Claims();
    c.change(claims);
    CHECK(RefusalOf(claims) == c.expected);
  }
}

TEST_CASE("id token claims: the clock skew is tolerated up to its edge, not beyond") {
  json claims = Claims();
  claims["exp"] = kNow - 59;  // expired 59 s ago: within 60 s of skew
  claims["nbf"] = kNow + 60;
  claims["iat"] = kNow + 60;
  CHECK_FALSE(RefusalOf(claims).has_value());
  claims["exp"] = kNow - 60;
  CHECK(RefusalOf(claims) == IdTokenRefusal::kExpired);

  IdTokenPolicy strict = Policy();
  strict.clock_skew = seconds(0);
  json now_claims = Claims();
  now_claims["exp"] = kNow;
  CHECK(RefusalOf(now_claims, strict) == IdTokenRefusal::kExpired);
  now_claims["exp"] = kNow + 1;
  CHECK_FALSE(RefusalOf(now_claims, strict).has_value());
  now_claims["iat"] = kNow + 1;
  CHECK(RefusalOf(now_claims, strict) == IdTokenRefusal::kIssuedInFuture);
}

TEST_CASE("id token claims: several audiences with azp the client are accepted") {
  json claims = Claims();
  claims["aud"] = {"other", "motcua"};
  claims["azp"] = "motcua";
  Result<IdTokenClaims> checked = CheckIdTokenClaims(claims, Policy());
  REQUIRE(checked.ok());
  CHECK(checked->audiences == std::vector<std::string>{"other", "motcua"});
  CHECK(checked->authorized_party == std::optional<std::string>("motcua"));
}

TEST_CASE("id token claims: an empty expected nonce matches no token, not even an empty nonce") {
  IdTokenPolicy policy = Policy();
  policy.expected_nonce = "";
  json claims = Claims();
  claims["nonce"] = "";
  CHECK(RefusalOf(claims, policy) == IdTokenRefusal::kWrongNonce);
}

TEST_CASE("id token claims: max_authentication_age requires a recent auth_time") {
  IdTokenPolicy policy = Policy();
  policy.max_authentication_age = seconds(300);
  json claims = Claims();
  CHECK(RefusalOf(claims, policy) == IdTokenRefusal::kAuthenticationTooOld);
  claims["auth_time"] = kNow - 361;
  CHECK(RefusalOf(claims, policy) == IdTokenRefusal::kAuthenticationTooOld);
  claims["auth_time"] = kNow - 300;
  CHECK_FALSE(RefusalOf(claims, policy).has_value());
}

TEST_CASE("id token header: only the policy's asymmetric algorithms and an ID token typ pass") {
  auto header_refusal = [](const char* alg, std::optional<std::string> typ,
                           const IdTokenPolicy& policy) -> std::optional<IdTokenRefusal> {
    CompactJws jws;
    jws.algorithm = alg;
    jws.type = std::move(typ);
    Result<JwsAlgorithm> checked = CheckIdTokenHeader(jws, policy);
    if (checked.ok()) return std::nullopt;
    return IdTokenRefusalOf(checked.error());
  };
  const IdTokenPolicy policy = Policy();
  for (const char* alg : {"RS256", "PS256", "ES256", "EdDSA"}) {
    INFO(alg);
    CHECK_FALSE(header_refusal(alg, std::nullopt, policy).has_value());
  }
  for (const char* alg : {"none", "NONE", "HS256", "HS384", "HS512", "RS512", ""}) {
    INFO(alg);
    CHECK(header_refusal(alg, std::nullopt, policy) == IdTokenRefusal::kAlgorithmNotAllowed);
  }
  IdTokenPolicy rsa_only = Policy();
  rsa_only.allowed_algorithms = {JwsAlgorithm::kRs256};
  CHECK(header_refusal("ES256", std::nullopt, rsa_only) == IdTokenRefusal::kAlgorithmNotAllowed);
  CHECK_FALSE(header_refusal("RS256", "JWT", policy).has_value());
  CHECK_FALSE(header_refusal("RS256", "jwt", policy).has_value());
  CHECK_FALSE(header_refusal("RS256", "application/jwt", policy).has_value());
  CHECK(header_refusal("RS256", "at+jwt", policy) == IdTokenRefusal::kWrongType);
  CHECK(header_refusal("RS256", "logout+jwt", policy) == IdTokenRefusal::kWrongType);
}

TEST_CASE("id token refusal: names are distinct and read back from the error") {
  std::vector<std::string> names;
  for (int i = 0; i <= static_cast<int>(IdTokenRefusal::kKeysUnavailable); ++i) {
    const auto detail = static_cast<IdTokenRefusal>(i);
    const Error error = IdTokenRefused(detail, "why");
    CHECK(IdTokenRefusalOf(error) == detail);
    CHECK(error.reason() == ErrorReason::kIdTokenRefused);
    names.push_back(IdTokenRefusalName(detail));
  }
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  CHECK(IdTokenRefused(IdTokenRefusal::kKeysUnavailable, "x").code() == ErrorCode::kUnavailable);
  CHECK(IdTokenRefused(IdTokenRefusal::kExpired, "x").code() == ErrorCode::kUnauthenticated);
  CHECK_FALSE(IdTokenRefusalOf(Error(ErrorCode::kUnauthenticated, "expired: x", ErrorReason::kInvalidToken)));
}

TEST_CASE("id token refusal: untrusted text is quoted on one line, cut, and made valid UTF-8") {
  CHECK(QuotedForLog("k1") == "\"k1\"");
  CHECK(QuotedForLog("a\nforged: log line") == "\"a\\nforged: log line\"");
  const std::string cut = QuotedForLog(std::string(10'000, 'x'));
  CHECK(cut == "\"" + std::string(kMaxQuotedBytes, 'x') + "\"...");
  // A two-byte character split by the cut, and a stray continuation byte.
  const std::string split = std::string(kMaxQuotedBytes - 1, 'a') + "\xc3\xa9";
  CHECK(QuotedForLog(split).find("\xef\xbf\xbd") != std::string::npos);
  CHECK(QuotedForLog("\x80") == "\"\xef\xbf\xbd\"");
  json claims = Claims();
  claims["iss"] = "https://evil.example\r\nERROR everything is fine";
  Result<IdTokenClaims> checked = CheckIdTokenClaims(claims, Policy());
  REQUIRE_FALSE(checked.ok());
  CHECK(checked.error().message().find('\n') == std::string::npos);
}

}  // namespace
}  // namespace motcua
