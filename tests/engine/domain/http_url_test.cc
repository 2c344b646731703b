#include "engine/domain/http_url.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

TEST_CASE("http_url: URLs are parsed strictly") {
  struct Case {
    const char* url;
    bool ok;
  };
  for (const Case& c :
       {Case{"https://idp.example/.well-known/openid-configuration", true},
        Case{"https://idp.example:8443", true}, Case{"http://[::1]:80/x", true},
        Case{"https://idp.example?x=1", true}, Case{"ftp://idp.example/", false},
        Case{"https://user:pw@idp.example/", false}, Case{"https://idp.example/#frag", false},
        Case{"https:///path", false}, Case{"https://idp.example:0/", false},
        Case{"https://idp.example:65536/", false}, Case{"https://idp.example:080/", false},
        Case{"https://idp.example:+80/", false}, Case{"https://idp.example:/", false},
        Case{"https://[::1/", false}, Case{"https://[::1]x/", false},
        Case{"https://idp.example/a b", false}, Case{"https://idp.example/a\r\nX: y", false},
        Case{"HTTPS://idp.example/", false}, Case{"", false}}) {
    CAPTURE(c.url);
    Result<HttpUrl> parsed = ParseHttpUrl(c.url);
    CHECK(parsed.ok() == c.ok);
    if (!parsed.ok()) CHECK(parsed.error().code() == ErrorCode::kInvalidArgument);
  }
  Result<HttpUrl> query_only = ParseHttpUrl("https://idp.example?x=1");
  REQUIRE(query_only.ok());
  CHECK(query_only->tls);
  CHECK(query_only->host == "idp.example");
  CHECK(query_only->port == "443");
  CHECK(query_only->target == "/?x=1");
  Result<HttpUrl> loopback = ParseHttpUrl("http://[::1]:8080/jwks");
  REQUIRE(loopback.ok());
  CHECK_FALSE(loopback->tls);
  CHECK(loopback->host == "::1");
  CHECK(loopback->port == "8080");
  CHECK(loopback->target == "/jwks");
  CHECK(ParseHttpUrl("http://localhost")->port == "80");
}

TEST_CASE("http_url: loopback hosts and provider URLs") {
  for (const char* host : {"localhost", "LocalHost", "127.0.0.1", "127.255.0.9", "::1"}) {
    CAPTURE(host);
    CHECK(IsLoopbackHost(host));
  }
  for (const char* host :
       {"127.0.0.1.nip.io", "localhost.example", "128.0.0.1", "10.0.0.1", "127.0.0", "127.0.0.1.",
        "127.0.0.256", "127.00.0.1", "::2", "", "0:0:0:0:0:0:0:2"}) {
    CAPTURE(host);
    CHECK_FALSE(IsLoopbackHost(host));
  }
  CHECK(IsAllowedProviderUrl("https://idp.example/token", false));
  CHECK_FALSE(IsAllowedProviderUrl("http://idp.example/token", true));
  CHECK_FALSE(IsAllowedProviderUrl("http://127.0.0.1:9000/token", false));
  CHECK(IsAllowedProviderUrl("http://127.0.0.1:9000/token", true));
  CHECK_FALSE(IsAllowedProviderUrl("https://user@idp.example/token", false));
}

TEST_CASE("http_url: form encoding escapes every byte outside the unreserved set") {
  CHECK(FormUrlEncode({}) == "");
  CHECK(FormUrlEncode({{"grant_type", "authorization_code"}, {"code", "a b&c=d/é"}}) ==
        "grant_type=authorization_code&code=a+b%26c%3Dd%2F%C3%A9");
  CHECK(FormUrlEncode({{"k~-._", std::string("\0+%", 3)}}) == "k~-._=%00%2B%25");
}

}  // namespace
}  // namespace motcua
