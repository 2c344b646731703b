// request_log.h: one structured log line per HTTP request, and request ids.
//
// The server (http_server.h) opens a RequestLogScope for every request it
// hands to the handler and closes it with the response. The scope gives the
// request its facts (http_message.h: the router records the route pattern,
// the RequestAuthenticator the caller) and its id, adds "X-Request-Id" to the
// response, and logs one "http_request" event:
//   {"time":"2026-12-04T13:20:00Z","level":"info","event":"http_request",
//    "request_id":"…","method":"POST","route":"/v1/dossiers/{code}/actions/{action}",
//    "status":200,"duration_ms":4.2,"queued_ms":0.3,"bytes_in":57,
//    "bytes_out":1032,"remote":"127.0.0.1","user_id":"clerk-1",
//    "auth_method":"bearer_token"}
// "duration_ms" runs from the handler's start to its answer (a durable
// commit included); "queued_ms" is how long the request waited for its
// handler once the server had read it (HttpRequest::read_at; absent when
// the server did not read it), the first sign of a saturated server.
// "route" is null when no route matched; "user_id" and "auth_method" appear
// only when a caller was authenticated. Status 500 and above log at "error",
// the rest at "info", except the polled operational routes (kQuietRoutes:
// /healthz and /metrics), which log below 400 at "debug": a load balancer or
// a scraper asks them every few seconds, and their lines would bury the
// requests of people (and cost a quarter of a /healthz). Nothing else of
// the request is logged: not the path (it holds ids), the query (it may hold
// an OAuth code or state), any header (Authorization, Cookie), nor the body
// (form contents). Bytes are body bytes.
//
// The request id is the client's "X-Request-Id" when it is 1 to
// kMaxRequestIdLength characters from [A-Za-z0-9._:-] (what a proxy's or a
// tracer's ids use), otherwise a fresh one, so a log line can be matched to
// a client's report and a header cannot inject text into the log. A problem
// the server answers before the request's header was fully parsed (413 on a
// declared length, 431, 400, 408, 503 on a connection cap) has a fresh id and
// method "OTHER".
//
// Thread safety: scopes are per request; RequestIdOf and NewRequestId may be
// called concurrently.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "api/http_message.h"
#include "engine/domain/log.h"

namespace motcua {

// The route patterns whose answers below 400 log at "debug" (see above).
inline constexpr std::string_view kQuietRoutes[] = {"/healthz", "/metrics"};

inline constexpr std::size_t kMaxRequestIdLength = 64;
inline constexpr std::string_view kRequestIdHeader = "X-Request-Id";

// Whether `id` may be used as a request id as sent (see the file comment).
bool IsAcceptableRequestId(std::string_view id);

// 32 random lower-case hex digits (not a secret: ids only need to be unique).
std::string NewRequestId();

// The request's acceptable X-Request-Id, or a fresh id.
std::string RequestIdOf(const HttpRequest& request);

class RequestLogScope {
 public:
  // Gives `request` facts unless it has them (the server's, from its head);
  // `logger` may be null (no line is written, the id is still echoed). Both
  // must outlive the scope.
  RequestLogScope(const Logger* logger, HttpRequest& request);
  RequestLogScope(const RequestLogScope&) = delete;
  RequestLogScope& operator=(const RequestLogScope&) = delete;

  // Adds X-Request-Id to `response` (replacing one a handler set) and writes
  // the log line. Call once, with the response to be sent.
  void Finish(HttpResponse& response);

 private:
  const Logger* logger_;
  const HttpRequest& request_;
  std::shared_ptr<RequestFacts> facts_;
  std::string request_id_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace motcua
