#include "api/oidc_token_client.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "engine/domain/base64url.h"
#include "engine/domain/http_url.h"
#include "engine/domain/id_token_refusal.h"
#include "engine/domain/json_parse.h"

namespace motcua {
namespace {

// Token responses are a few KB: three tokens and some members.
constexpr JsonLimits kTokenResponseJsonLimits{.max_depth = 8, .max_bytes = 256 * 1024};

// RFC 4648 section 4 base64 (with padding), which Basic authentication uses:
// base64url with its two alphabet changes undone.
std::string Base64WithPadding(std::string_view bytes) {
  std::string text = Base64UrlEncode(bytes);
  for (char& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  while (text.size() % 4 != 0) text += '=';
  return text;
}

Error Refused(ErrorCode code, const std::string& why) {
  return Error(code, "token endpoint: " + why, ErrorReason::kTokenEndpointRefused);
}

// The refusal for a non-2xx answer: the provider's `error` (RFC 6749 section
// 5.2) when the body names one.
Error RefusalOf(const OutboundResponse& response) {
  const ErrorCode code =
      response.status >= 500 ? ErrorCode::kUnavailable : ErrorCode::kUnauthenticated;
  std::string why = "status " + std::to_string(response.status);
  Result<nlohmann::json> body = ParseJson(response.body, kTokenResponseJsonLimits);
  if (body.ok() && body->is_object()) {
    auto error = body->find("error");
    if (error != body->end() && error->is_string()) {
      why += ", error " + QuotedForLog(error->get<std::string>());
    }
  }
  return Refused(code, why);
}

}  // namespace

std::string ClientSecretBasicAuthorization(std::string_view client_id,
                                           std::string_view client_secret) {
  return "Basic " + Base64WithPadding(FormUrlEncodeComponent(client_id) + ":" +
                                      FormUrlEncodeComponent(client_secret));
}

OidcTokenClient::OidcTokenClient(std::shared_ptr<const OutboundHttpClient> http,
                                 std::string client_id, std::string client_secret)
    : http_(std::move(http)),
      authorization_(ClientSecretBasicAuthorization(client_id, client_secret)) {}

Result<TokenResponse> OidcTokenClient::Exchange(const TokenExchange& exchange) const {
  Result<OutboundResponse> response =
      http_->PostForm(exchange.token_endpoint,
                      {{"grant_type", "authorization_code"},
                       {"code", exchange.code},
                       {"redirect_uri", exchange.redirect_uri},
                       {"code_verifier", exchange.code_verifier}},
                      {{"Authorization", authorization_}, {"Accept", "application/json"}});
  if (!response.ok()) {
    return Refused(ErrorCode::kUnavailable, "unreachable: " + response.error().message());
  }
  if (response->status < 200 || response->status > 299) return RefusalOf(*response);
  Result<nlohmann::json> body = ParseJson(response->body, kTokenResponseJsonLimits);
  if (!body.ok() || !body->is_object()) {
    return Refused(ErrorCode::kUnauthenticated, "the answer is not a JSON object");
  }
  auto id_token = body->find("id_token");
  if (id_token == body->end() || !id_token->is_string() || id_token->get<std::string>().empty()) {
    return Refused(ErrorCode::kUnauthenticated, "the answer has no id_token");
  }
  TokenResponse tokens;
  tokens.id_token = id_token->get<std::string>();
  if (auto access = body->find("access_token"); access != body->end() && access->is_string()) {
    tokens.access_token = access->get<std::string>();
  }
  return tokens;
}

}  // namespace motcua
