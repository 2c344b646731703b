// fake_oidc_provider.h: the provider's side of a sign-in, for tests of the
// login service and its routes: a key source whose one key accepts exactly
// the signature kProviderSignature (so a test forges tokens a real provider
// would sign, and the real IdTokenVerifier checks everything else), and a
// token endpoint that answers with what the test decides, recording each
// exchange. Not thread-safe: tests call it from one thread.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/domain/base64url.h"
#include "engine/domain/id_token_refusal.h"
#include "engine/domain/jws_public_key.h"
#include "engine/domain/oidc_discovery.h"
#include "engine/service/token_endpoint.h"

namespace motcua {

inline constexpr const char* kProviderSignature = "signed-by-provider";

class AcceptingKeySource final : public JwsKeySource {
 public:
  Result<std::shared_ptr<const JwsPublicKey>> FindKey(const std::optional<std::string>&,
                                                      JwsAlgorithm) override {
    return std::shared_ptr<const JwsPublicKey>(std::make_shared<Key>());
  }

 private:
  class Key final : public JwsPublicKey {
   public:
    const std::string& key_id() const override { return id_; }
    bool Fits(JwsAlgorithm) const override { return true; }
    Status Verify(JwsAlgorithm, std::string_view, std::string_view signature) const override {
      if (signature == kProviderSignature) return Status();
      return IdTokenRefused(IdTokenRefusal::kBadSignature, "not the provider's signature");
    }

   private:
    std::string id_ = "k1";
  };
};

// A compact RS256 JWS of `claims` with `signature`.
inline std::string ForgedIdToken(const nlohmann::json& claims,
                                 const std::string& signature = kProviderSignature) {
  return Base64UrlEncode(R"({"alg":"RS256","kid":"k1"})") + "." + Base64UrlEncode(claims.dump()) +
         "." + Base64UrlEncode(signature);
}

// A discovery result for `issuer`: its endpoints under the issuer URL.
inline ProviderMetadata ProviderMetadataAt(const std::string& issuer) {
  ProviderMetadata metadata;
  metadata.issuer = issuer;
  metadata.authorization_endpoint = issuer + "/authorize";
  metadata.token_endpoint = issuer + "/token";
  metadata.jwks_uri = issuer + "/jwks";
  metadata.id_token_algorithms = {JwsAlgorithm::kRs256};
  return metadata;
}

class FakeTokenEndpoint final : public TokenEndpoint {
 public:
  Result<TokenResponse> Exchange(const TokenExchange& exchange) const override {
    exchanges.push_back(exchange);
    return answer(exchange);
  }
  std::function<Result<TokenResponse>(const TokenExchange&)> answer;
  mutable std::vector<TokenExchange> exchanges;
};

}  // namespace motcua
