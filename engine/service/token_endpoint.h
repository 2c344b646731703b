// token_endpoint.h: the port through which sign-in redeems an authorization
// code at a provider's token endpoint (OpenID Connect Core 1.0 section
// 3.1.3; PKCE, RFC 7636 section 4.5).
//
// Production implements it with the HTTPS client (api/oidc_token_client.h:
// client_secret_basic, the client's timeout and response-size limit); tests
// use a fake that answers with tokens they forged.
//
// Contract of Exchange: one POST of grant_type=authorization_code with the
// code, the PKCE verifier and the redirect URI, authenticated as this
// client. Returns the response's id_token (and access_token when present), or:
//   kUnauthenticated "token_endpoint_refused"  the provider answered with an
//       error (a replayed or unknown code, a wrong verifier, a wrong client
//       secret), or with something that is not a JSON token response holding
//       an id_token; the message names the provider's `error` code;
//   kUnavailable "token_endpoint_refused"  the provider could not be reached
//       (DNS, TLS, timeout, a body over the limit) or answered 5xx.
// Messages never contain the code, the verifier or the client secret.
// Implementations are thread-safe.
#pragma once

#include <string>

#include "engine/domain/status.h"

namespace motcua {

struct TokenExchange {
  std::string token_endpoint;  // from the provider's discovery document
  std::string code;
  std::string code_verifier;
  std::string redirect_uri;  // exactly the one sent with the authorization request
};

struct TokenResponse {
  std::string id_token;
  std::string access_token;  // may be empty
};

class TokenEndpoint {
 public:
  virtual ~TokenEndpoint() = default;
  virtual Result<TokenResponse> Exchange(const TokenExchange& exchange) const = 0;
};

}  // namespace motcua
