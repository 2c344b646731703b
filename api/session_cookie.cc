#include "api/session_cookie.h"

#include <algorithm>
#include <string>

namespace motcua {
namespace {

constexpr std::string_view kSessionName = "motcua_session";
constexpr std::string_view kLoginName = "motcua_login";

std::string CookieName(std::string_view base, bool tls) {
  return tls ? "__Host-" + std::string(base) : std::string(base);
}

std::string SetCookie(std::string_view base, std::string_view value, std::chrono::seconds max_age,
                      bool tls) {
  std::string cookie = CookieName(base, tls) + "=" + std::string(value) +
                       "; Path=/; Max-Age=" + std::to_string(max_age.count());
  if (tls) cookie += "; Secure";
  cookie += "; HttpOnly; SameSite=Lax";
  return cookie;
}

}  // namespace

std::optional<std::string> CookieValue(const HttpRequest& request, std::string_view name) {
  std::optional<std::string> found;
  for (const HttpHeader& header : request.headers) {
    if (!EqualsIgnoreCase(header.name, "Cookie")) continue;
    std::string_view rest = header.value;
    while (!rest.empty()) {
      const std::size_t end = rest.find(';');
      std::string_view pair = TrimOptionalWhitespace(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
      const std::size_t equals = pair.find('=');
      if (equals == std::string_view::npos ||
          TrimOptionalWhitespace(pair.substr(0, equals)) != name)
        continue;
      if (found.has_value()) return std::nullopt;
      std::string_view value = TrimOptionalWhitespace(pair.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      found = std::string(value);
    }
  }
  if (found.has_value() && found->empty()) return std::nullopt;
  return found;
}

std::string SessionSetCookie(std::string_view secret, std::chrono::seconds max_age, bool tls) {
  return SetCookie(kSessionName, secret, max_age, tls);
}

std::string SessionSetCookieUntil(std::string_view secret, Instant expires_at, Instant now,
                                  bool tls) {
  const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(expires_at - now);
  return SessionSetCookie(secret, std::max(lifetime, std::chrono::seconds(0)), tls);
}

std::string ClearSessionSetCookie(bool tls) {
  return SetCookie(kSessionName, "", std::chrono::seconds(0), tls);
}

std::optional<std::string> SessionSecretFrom(const HttpRequest& request, bool tls) {
  return CookieValue(request, CookieName(kSessionName, tls));
}

std::string LoginSetCookie(std::string_view binding, bool tls) {
  return SetCookie(kLoginName, binding, kLoginCookieLifetime, tls);
}

std::string ClearLoginSetCookie(bool tls) {
  return SetCookie(kLoginName, "", std::chrono::seconds(0), tls);
}

std::optional<std::string> LoginBindingFrom(const HttpRequest& request, bool tls) {
  return CookieValue(request, CookieName(kLoginName, tls));
}

}  // namespace motcua
