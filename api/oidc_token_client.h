// oidc_token_client.h: the TokenEndpoint port (engine/service/token_endpoint.h)
// over the HTTPS client (outbound_http.h), for one provider and client.
//
// The request is a form POST (OutboundHttpClient::PostForm) of
// grant_type=authorization_code, code, redirect_uri and code_verifier,
// with "Accept: application/json" and the client authenticated by
// client_secret_basic: "Authorization: Basic " + base64(id ":" secret), where
// id and secret are first form-urlencoded (RFC 6749 section 2.3.1; a secret
// holding ':' or '%' is otherwise misread by the provider). Timeouts and the
// response-size limit are the HTTPS client's.
//
// The answer is read as Exchange's contract says: a 2xx JSON object with a
// non-empty string id_token is a TokenResponse; a 4xx (or a 2xx that is not
// such an object) is kUnauthenticated "token_endpoint_refused" naming the
// provider's `error` when it sent one; a transport failure or a 5xx is
// kUnavailable "token_endpoint_refused". Messages quote the provider's
// text with QuotedForLog and never hold the code, verifier or secret.
//
// Thread safety: immutable; Exchange may run on many threads.
//
// Example:
//   OidcTokenClient tokens(provider.http, provider.config.client_id, provider.client_secret);
//   Result<TokenResponse> answer = tokens.Exchange({metadata.token_endpoint, code, verifier,
//                                                   provider.config.redirect_uri});
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "api/outbound_http.h"
#include "engine/service/token_endpoint.h"

namespace motcua {

// The Authorization header value of client_secret_basic; see the file comment.
std::string ClientSecretBasicAuthorization(std::string_view client_id,
                                           std::string_view client_secret);

class OidcTokenClient final : public TokenEndpoint {
 public:
  OidcTokenClient(std::shared_ptr<const OutboundHttpClient> http, std::string client_id,
                  std::string client_secret);

  Result<TokenResponse> Exchange(const TokenExchange& exchange) const override;

 private:
  const std::shared_ptr<const OutboundHttpClient> http_;
  const std::string authorization_;  // the client_secret_basic header value
};

}  // namespace motcua
