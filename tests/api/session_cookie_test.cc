#include "api/session_cookie.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

HttpRequest WithCookies(std::initializer_list<std::string> values) {
  HttpRequest request = MakeHttpRequest("GET", "/v1/session");
  for (const std::string& value : values) request.headers.push_back({"Cookie", value});
  return request;
}

TEST_CASE("session_cookie: the Set-Cookie values carry the attributes the contract names") {
  CHECK(SessionSetCookie("abc", std::chrono::seconds(3600), true) ==
        "__Host-motcua_session=abc; Path=/; Max-Age=3600; Secure; HttpOnly; SameSite=Lax");
  CHECK(SessionSetCookie("abc", std::chrono::seconds(60), false) ==
        "motcua_session=abc; Path=/; Max-Age=60; HttpOnly; SameSite=Lax");
  CHECK(ClearSessionSetCookie(true) ==
        "__Host-motcua_session=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax");
  CHECK(LoginSetCookie("b1", false) ==
        "motcua_login=b1; Path=/; Max-Age=600; HttpOnly; SameSite=Lax");
  CHECK(ClearLoginSetCookie(false).find("Max-Age=0") != std::string::npos);
}

TEST_CASE("session_cookie: the secret is read from the name that fits the connection") {
  HttpRequest plain = WithCookies({"theme=dark; motcua_session=s1; lang=vi"});
  CHECK(SessionSecretFrom(plain, false) == "s1");
  // A plain-HTTP name over TLS is not the host-only cookie: ignored.
  CHECK_FALSE(SessionSecretFrom(plain, true).has_value());
  HttpRequest tls = WithCookies({"__Host-motcua_session=s2", "motcua_login=b"});
  CHECK(SessionSecretFrom(tls, true) == "s2");
  CHECK(LoginBindingFrom(tls, false) == "b");
  CHECK_FALSE(LoginBindingFrom(tls, true).has_value());
}

TEST_CASE(
    "session_cookie: a tossed second cookie, an empty value or a look-alike name is refused") {
  CHECK_FALSE(SessionSecretFrom(WithCookies({"motcua_session=a; motcua_session=b"}), false));
  CHECK_FALSE(SessionSecretFrom(WithCookies({"motcua_session=a", "motcua_session=b"}), false));
  CHECK_FALSE(SessionSecretFrom(WithCookies({"motcua_session="}), false));
  CHECK_FALSE(SessionSecretFrom(WithCookies({"xmotcua_session=a; motcua_session_x=b"}), false));
  CHECK_FALSE(SessionSecretFrom(WithCookies({}), false));
  CHECK(SessionSecretFrom(WithCookies({"  motcua_session = \"q\" ;"}), false) == "q");
}

}  // namespace
}  // namespace motcua
