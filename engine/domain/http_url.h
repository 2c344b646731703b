// http_url.h: the URLs of the services the engine calls out to (an OpenID
// provider's discovery document, key set and endpoints), split and checked
// once; the loopback rule for plain HTTP; form encoding.
//
// Accepted: "https://HOST[:PORT][/PATH][?QUERY]" and the same with
// "http://", schemes in lower case. HOST is a name, an IPv4 address or a
// bracketed IPv6 address. Refused, each kInvalidArgument with a message
// naming the URL (cut to 200 bytes) and the problem: another scheme, an
// empty host, user info ("user@"), a fragment, a port outside 1-65535 or
// empty after ':', a space or control character anywhere.
//
// Plain HTTP is meant only for tests against a provider on this machine:
// IsLoopbackHost says whether a host is "localhost" (any case), an IPv4
// address in 127.0.0.0/8 (dotted decimal) or "::1". The HTTPS client also
// checks that such a host resolves to loopback addresses only.
//
// Thread safety: pure functions.
//
// Example:
//   Result<HttpUrl> url = ParseHttpUrl("https://idp.example/.well-known/openid-configuration");
//   if (url.ok() && !url->tls && !IsLoopbackHost(url->host)) ...refuse...
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/domain/status.h"

namespace motcua {

struct HttpUrl {
  bool tls = true;           // https
  std::string host;          // without brackets for IPv6
  std::string port;          // "443" or "80" when the URL names none
  std::string target = "/";  // path and query, never empty
};

// Splits `url`; see the file comment. Does not apply the loopback rule.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// See the file comment.
bool IsLoopbackHost(std::string_view host);

// True if `url` parses and is https, or http to a loopback host when
// `allow_loopback_http` is set: what a provider's endpoint must be.
bool IsAllowedProviderUrl(std::string_view url, bool allow_loopback_http);

// application/x-www-form-urlencoded (the HTML form encoding: A-Z a-z 0-9
// - . _ ~ as they are, space as "+", every other byte as %XX): token request
// bodies and the query of an authorization request.
std::string FormUrlEncode(const std::vector<std::pair<std::string, std::string>>& fields);
// One name or value of FormUrlEncode, e.g. for client_secret_basic (RFC 6749
// section 2.3.1), where client id and secret are form-encoded before base64.
std::string FormUrlEncodeComponent(std::string_view text);

}  // namespace motcua
