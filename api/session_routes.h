// session_routes.h: what a signed-in browser asks about its session.
//
//   GET  /v1/session         the session cookie's user, roles, agency, how they
//                            signed in, the CSRF token and the absolute end;
//                            401 "session_invalid" without a valid session (a
//                            bearer token too: it is not a browser session)
//   POST /v1/session/logout  cookie + X-CSRF-Token: ends the session in the
//                            store, clears the cookie, and answers the
//                            provider's logout URL (RP-initiated logout), or
//                            null
//
// The cookie and its CSRF/Origin rules are RequestAuthenticator's
// (request_authentication.h). Sessions are started by sign-in, elsewhere.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "api/request_authentication.h"
#include "api/router.h"

namespace motcua {

// The URL the browser should visit to end its sign-in at `identity_provider`
// too; nullopt when that provider offers none (and for the demo sign-in,
// whose provider is empty).
using LogoutUrl = std::function<std::optional<std::string>(const std::string& identity_provider)>;

struct SessionApi {
  RequestAuthenticator authenticate;  // with a SessionService
  LogoutUrl logout_url;               // empty: no provider logout
};

// The 200 answer of GET /v1/session for `session` (Cache-Control: no-store);
// other ways of signing in (the demo sign-in) answer with it too.
HttpResponse SessionResponse(const AuthenticatedSession& session);

// `api` and what it refers to must outlive the router.
Status AddSessionRoutes(Router& router, const SessionApi& api);

}  // namespace motcua
