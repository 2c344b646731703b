// http_message.h: the HTTP request and response as the API layer sees them.
//
// These are plain values with no Boost.Beast types, so handlers, the router
// and their tests never depend on the network stack. The server
// (http_server.h) converts between these and the wire format; a test builds an
// HttpRequest with MakeHttpRequest() and calls a handler directly.
//
// Example:
//   HttpRequest request = MakeHttpRequest("GET", "/v1/dossiers?status=4");
//   HttpResponse response = router.Handle(request);
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/identity_claims.h"
#include "engine/domain/status.h"

namespace motcua {

// One header line. Names keep the spelling they arrived or were set with;
// lookups compare them case-insensitively.
struct HttpHeader {
  std::string name;
  std::string value;
};

// Case-insensitive ASCII comparison, as header names and tokens require.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// `text` without the optional whitespace (spaces and tabs, RFC 9110 "OWS")
// at either end, as list elements and parameters of header values are read.
std::string_view TrimOptionalWhitespace(std::string_view text);

// The value of the first header called `name` (case-insensitive), or nullopt.
// The view points into `headers` and lives as long as it does.
std::optional<std::string_view> FindHeader(const std::vector<HttpHeader>& headers,
                                           std::string_view name);

// What handling a request found out: the router writes the matched route
// pattern, the RequestAuthenticator the caller. Handlers never write it.
// The request's log line (request_log.h) reads route, user_id and
// auth_method. `caller` is the RequestAuthenticator's answer (a caller or
// the refusal), kept so that a request is authenticated once, whoever asks
// (the server's body-size check on the head, the idempotency layer, the
// route).
struct RequestFacts {
  std::string route;        // the pattern, e.g. "/v1/dossiers/{code}"; empty: none matched
  std::string user_id;      // empty: no caller was authenticated
  std::string auth_method;  // AuthMethodName() of the caller, e.g. "bearer_token"
  std::optional<Result<Actor>> caller;
  // When `caller` came from a browser session: what the citizen's identity
  // provider verified at sign-in (identity_claims.h). Empty otherwise.
  VerifiedIdentity verified_identity;
};

struct HttpRequest {
  // The method token exactly as sent; standard methods are upper case
  // ("GET", "POST") and methods are case-sensitive (RFC 9110, 9.1).
  std::string method;
  // The raw request target, e.g. "/v1/dossiers/A%2DB?x=1". The router matches
  // on this, not on `path`, so it can tell "%2F" from "/".
  std::string target;
  // The percent-decoded path of `target`, without the query. Empty when the
  // target could not be decoded (the router then answers 400).
  std::string path;
  // Decoded query parameters ("+" means space), in order of appearance.
  std::multimap<std::string, std::string> query;
  std::vector<HttpHeader> headers;
  std::string body;
  // The peer's IP address as text; empty when unknown (e.g. in tests).
  std::string remote_address;
  // When the server had read the whole request; unset for requests it did
  // not read (tests that call handlers directly). The request log reports
  // how long the request then waited for its handler.
  std::optional<std::chrono::steady_clock::time_point> read_at;

  // Where the router and the authenticator record what they found, shared
  // by the head (read before the body) and the whole request, so that what
  // was decided on the head holds for the request. The server gives every
  // request one; null: nothing is recorded or remembered (tests that call
  // handlers directly).
  std::shared_ptr<RequestFacts> facts;

  // Case-insensitive header lookup; see FindHeader().
  std::optional<std::string_view> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

struct HttpResponse {
  int status = 200;
  // The Content-Type; empty means no body type (the body should be empty).
  std::string content_type;
  // Extra headers. The server adds Content-Length, Server and Connection
  // itself; handlers must not set those.
  std::vector<HttpHeader> headers;
  std::string body;

  std::optional<std::string_view> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

// What the server calls for every complete request (the router, usually).
// Runs on an I/O thread and must not throw; must be safe to call concurrently.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// `method` when it is a standard method (GET, HEAD, POST, PUT, PATCH, DELETE,
// OPTIONS, TRACE, CONNECT), else "OTHER": a bounded label for metrics and logs.
std::string MethodLabel(std::string_view method);

// True when `content_type` (a Content-Type value) names JSON: the media type
// "application/json" or "application/<subtype>+json" (RFC 6839), in any
// case, with or without parameters ("application/json; charset=utf-8").
// "application/jsonp", "text/json" and an empty value are not JSON.
bool IsJsonMediaType(std::string_view content_type);

// Percent-decodes `text`. With `plus_as_space` a "+" becomes " " (query
// strings). nullopt when an escape is truncated or not two hex digits. The
// result may contain any byte, including NUL and "/": callers validate it.
std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space);

// A request with `method` and `target`, `path` and `query` filled from the
// target (left empty when the target cannot be decoded), and the given body.
HttpRequest MakeHttpRequest(std::string method, std::string target, std::string body = {});

}  // namespace motcua
