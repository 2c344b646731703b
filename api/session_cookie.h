// session_cookie.h: the browser-session and sign-in cookies on the wire.
//
// The session cookie carries StartedSession::secret (engine/domain/session.h):
//   over TLS     "__Host-motcua_session=SECRET; Path=/; Max-Age=N; Secure;
//                 HttpOnly; SameSite=Lax"   (host-only: no Domain attribute)
//   plain HTTP   "motcua_session=SECRET; Path=/; Max-Age=N; HttpOnly;
//                 SameSite=Lax"            (localhost and tests only)
// The sign-in cookie binds a login attempt to the browser that started it
// (a random value whose hash is kept with the attempt), with the same
// attributes, named "__Host-motcua_login" / "motcua_login", for 10 minutes.
//
// Reading takes the cookie of the name that fits the connection (a plain-HTTP
// name sent over TLS is ignored, so a cookie set by a man in the middle on
// plain HTTP cannot stand in for the __Host- one). A name sent twice is
// refused (nullopt), so nobody can toss in a second cookie to be read first.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "api/http_message.h"
#include "engine/domain/clock.h"

namespace motcua {

inline constexpr std::chrono::seconds kLoginCookieLifetime{600};

// The Set-Cookie value for a session secret that lives `max_age`.
std::string SessionSetCookie(std::string_view secret, std::chrono::seconds max_age, bool tls);
// The same for a session that ends at `expires_at` (its absolute end), set
// at `now`: the cookie lives until then (Max-Age=0 once past).
std::string SessionSetCookieUntil(std::string_view secret, Instant expires_at, Instant now,
                                  bool tls);
// The Set-Cookie value that removes the session cookie (logout).
std::string ClearSessionSetCookie(bool tls);
// The session secret the request carries, if exactly one.
std::optional<std::string> SessionSecretFrom(const HttpRequest& request, bool tls);

std::string LoginSetCookie(std::string_view binding, bool tls);
std::string ClearLoginSetCookie(bool tls);
std::optional<std::string> LoginBindingFrom(const HttpRequest& request, bool tls);

// The value of cookie `name` in the request's Cookie header(s) (RFC 6265
// "a=b; c=d"); nullopt when absent, empty, or present more than once.
std::optional<std::string> CookieValue(const HttpRequest& request, std::string_view name);

}  // namespace motcua
