// sign_in_routes.h: the browser's OpenID Connect sign-in, and the admins'
// linking of staff identities (engine/service/login_service.h,
// engine/service/identity_links.h).
//
//   GET    /v1/auth/providers                    public: {"providers":[{"id","kind","login_url"}]}
//   GET    /v1/auth/{provider}/login[?return_to=/path]
//          public: 302 to the provider's authorization URL, Set-Cookie: the
//          login cookie; problem+json 404 (unknown provider), 400
//          (invalid_return_to), 503 (the provider's discovery failed)
//   GET    /v1/auth/{provider}/callback?code=..&state=..  (or ?error=..&state=..)
//          public, needs the login cookie: 303 to the attempt's return_to
//          with Set-Cookie: the session cookie and the cleared login cookie.
//          Any refusal answers a plain HTML page (Vietnamese, then English)
//          showing only "Mã lỗi / Error code: REASON", with the status of
//          the one table (api/problem.cc) and the cleared login cookie, and
//          writes ONE line through `log`:
//            sign-in refused: provider=ID reason=REASON detail=MESSAGE
//          (control characters in ID and MESSAGE become spaces).
//   PUT    /v1/users/{id}/identities/{provider}  admin, body {"subject":".."}:
//          200 {"provider","issuer","subject","user_id"}
//   DELETE /v1/users/{id}/identities/{provider}  admin: 204
//
// Logout (the session routes) asks LoginService::EndSessionUrl for the
// provider's RP-initiated logout URL.
#pragma once

#include <functional>
#include <string_view>

#include "api/handler_support.h"
#include "api/router.h"
#include "engine/domain/clock.h"
#include "engine/service/identity_links.h"
#include "engine/service/login_service.h"

namespace motcua {

struct SignInApi {
  LoginService& login;
  IdentityLinks& links;
  Authenticator authenticate;
  const Clock& clock;
  // Cookies get their TLS form (api/session_cookie.h) when the server serves HTTPS.
  bool tls = false;
  std::function<void(std::string_view)> log;  // one line per refused sign-in
};

// `api` and what it refers to must outlive the router.
Status AddSignInRoutes(Router& router, const SignInApi& api);

}  // namespace motcua
