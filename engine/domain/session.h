// session.h: a browser session, as the services and the API exchange it.
//
// A browser that signed in (OpenID Connect, or the demo sign-in of the front
// end) holds a session: a random 256-bit secret carried only in a cookie
// (api/session_cookie.h). The store keeps only the secret's SHA-256, so a copy
// of the database lets nobody in. A session belongs to one user and ends at
// logout, after its idle timeout without use, at its absolute timeout after
// sign-in, and as soon as its user is disabled.
//
// Every state-changing request authenticated by the cookie must carry the
// session's CSRF token in the X-CSRF-Token header, and its Origin (when sent)
// must be the server's own. Bearer-token requests are not sessions and are
// unaffected.
#pragma once

#include <functional>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/identity_claims.h"
#include "engine/domain/status.h"

namespace motcua {

struct User;

// What sign-in hands to the browser. `secret` goes into the session cookie and
// nowhere else (never logged, never stored); `csrf_token` is given to the page
// (GET /v1/session) and sent back in X-CSRF-Token.
struct StartedSession {
  std::string secret;
  std::string csrf_token;
  Instant expires_at;  // the absolute end: the cookie's lifetime
};

// Starts a session for `user`, who just proved who they are with `method`
// (kOidcSession or kDemoSession) at `identity_provider` (the configured
// provider name; empty for the demo). `verified_identity` is what the
// provider verified about a citizen (identity_claims.h); the session keeps it
// for pre-filling forms and recording where a submission's data came from.
// It is empty for staff and must be for the demo. kFailedPrecondition when the
// user is disabled. Implemented by the session service; sign-in code receives
// it as this function so it does not depend on how sessions are kept.
using StartSession = std::function<Result<StartedSession>(
    const User& user, AuthMethod method, const std::string& identity_provider,
    const VerifiedIdentity& verified_identity)>;

}  // namespace motcua
