// id_token_fuzzer: an ID token and its provider's JWKS document as untrusted
// bytes, the way the login flow will meet them (the token from the token
// endpoint, the key set from jwks_uri).
//
// Input: "<token>\0<jwks document>". The token goes through IdTokenVerifier
// with a JwksCache of OpenSslJwkImporter keys over that document, and its
// payload (when it parses) straight through CheckIdTokenClaims, so claim
// checks are explored without a valid signature. Aborts when:
//   - a refusal is not an IdTokenRefused error with a known detail;
//   - a verified token's claims do not meet the policy (issuer, audience,
//     nonce, expiry);
//   - a base64url part that decodes does not re-encode to the same text
//     (the decoder must accept one spelling per value).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/crypto/openssl_jwk.h"
#include "engine/domain/base64url.h"
#include "engine/domain/id_token.h"
#include "engine/domain/id_token_refusal.h"
#include "engine/service/id_token_verifier.h"
#include "engine/service/jwks_cache.h"
#include "tests/fakes/fake_jwks_fetcher.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using namespace motcua;

// 2027-01-15T08:00:00Z; the seeds' tokens are valid then.
constexpr std::int64_t kNow = 1'800'000'000;

IdTokenPolicy Policy() {
  IdTokenPolicy policy;
  policy.issuer = "https://sso.example.vn";
  policy.client_id = "motcua";
  policy.expected_nonce = "nonce-7Yx";
  policy.now = Instant(std::chrono::seconds(kNow));
  return policy;
}

void RequireRefusal(const Error& error) {
  if (!IdTokenRefusalOf(error)) fuzz::Die("not an id token refusal: " + error.message());
}

void RequireCanonicalBase64Url(std::string_view token) {
  std::size_t start = 0;
  while (start <= token.size()) {
    const std::size_t dot = token.find('.', start);
    const std::string_view part =
        token.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (std::optional<std::string> bytes = Base64UrlDecode(part)) {
      if (Base64UrlEncode(*bytes) != part) fuzz::Die("base64url accepted a second spelling");
    }
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
}

void RequireMeetsPolicy(const IdTokenClaims& claims, const IdTokenPolicy& policy) {
  bool audience = false;
  for (const std::string& name : claims.audiences) audience = audience || name == policy.client_id;
  if (claims.issuer != policy.issuer || !audience || claims.nonce != policy.expected_nonce ||
      claims.expires_at + policy.clock_skew <= policy.now) {
    fuzz::Die("claims accepted that do not meet the policy");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto parts = fuzz::SplitAtNul(data, size);
  const std::string_view token = parts[0];
  RequireCanonicalBase64Url(token);
  const IdTokenPolicy policy = Policy();

  Result<CompactJws> jws = ParseCompactJws(token);
  if (!jws.ok()) {
    RequireRefusal(jws.error());
  } else {
    Result<IdTokenClaims> claims = CheckIdTokenClaims(jws->payload, policy);
    if (claims.ok())
      RequireMeetsPolicy(*claims, policy);
    else
      RequireRefusal(claims.error());
  }

  FakeClock clock(policy.now);
  FakeJwksFetcher fetcher;
  if (parts.size() > 1) fetcher.Serve(std::string(parts[1]));
  OpenSslJwkImporter importer;
  JwksCache keys("https://sso.example.vn/jwks", fetcher, importer, clock);
  Result<IdTokenClaims> verified = IdTokenVerifier(clock).Verify(token, policy, keys);
  if (verified.ok())
    RequireMeetsPolicy(*verified, policy);
  else
    RequireRefusal(verified.error());
  return 0;
}
