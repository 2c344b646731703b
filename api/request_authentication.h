// request_authentication.h: who sent a request, decided in one place.
//
// A request names its caller in one of two ways:
//   - "Authorization: Bearer SECRET" (machines, scripts): the bearer
//     authenticator decides, exactly as before sessions existed. When an
//     Authorization header is sent, it alone counts, cookie or not.
//   - the session cookie (browsers; api/session_cookie.h, the name that fits
//     `tls`): the SessionService decides (expired, ended, unknown: 401
//     "session_invalid"). A request with a method other than GET, HEAD and
//     OPTIONS must also carry the session's CSRF token in X-CSRF-Token (else
//     403 "csrf_token_invalid"), and its Origin, when sent, must be the
//     server's own: the scheme of the connection ("https" with `tls`) and the
//     request's Host (else 403 "origin_refused"). So the server must see the
//     Host and scheme the browser used (a proxy passes Host through).
// Neither: 401 "missing_token".
//
// Example:
//   RequestAuthenticator authenticate(bearer, &sessions, /*tls=*/true);
//   Result<Actor> caller = authenticate(request);
#pragma once

#include <functional>
#include <string_view>

#include "api/http_message.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/service/session_service.h"

namespace motcua {

// Who the bearer secret belongs to; kUnauthenticated when nobody.
using BearerAuthenticator = std::function<Result<Actor>(std::string_view bearer_secret)>;

// Whether the request's Origin, if sent, is this server: the connection's
// scheme ("https" with `tls`) and the Host the browser addressed. The rule
// above for cookie requests, and for requests that start a session.
bool OriginIsOwn(const HttpRequest& request, bool tls);

class RequestAuthenticator;
// The bearer rule alone (no browser sessions), as a RequestAuthenticator.
RequestAuthenticator BearerOnly(BearerAuthenticator bearer);

class RequestAuthenticator {
 public:
  // `sessions` may be null: only bearer tokens are accepted. It must outlive
  // every copy of this authenticator.
  RequestAuthenticator(BearerAuthenticator bearer, SessionService* sessions, bool tls)
      : bearer_(std::move(bearer)), sessions_(sessions), tls_(tls) {}

  // The caller, under the rules above. With request.facts (every request the
  // server handles), the answer is recorded there (for the log line) and
  // the first answer is the answer: a request is authenticated once, and a
  // session's last use is touched once. For a caller authenticated by the
  // session cookie, the facts also get the session's verified identity.
  Result<Actor> operator()(const HttpRequest& request) const;

  // The browser session of the request's cookie (no CSRF check: for safe
  // methods). kUnauthenticated "session_invalid" for a request with an
  // Authorization header, without a session cookie, or with an invalid one.
  Result<AuthenticatedSession> Session(const HttpRequest& request) const;

  SessionService* sessions() const { return sessions_; }
  bool tls() const { return tls_; }

 private:
  // The caller; `verified` gets a session's verified identity (left as it is
  // for bearer callers and refusals).
  Result<Actor> Authenticate(const HttpRequest& request, VerifiedIdentity& verified) const;

  BearerAuthenticator bearer_;
  SessionService* sessions_;
  bool tls_;
};

}  // namespace motcua
