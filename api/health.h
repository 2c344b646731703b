// health.h: the operational endpoints and request instrumentation.
//
//   GET /healthz  200 {"status":"ok"} while the process serves requests.
//   GET /metrics  the Metrics registry in Prometheus text format 0.0.4.
//
// InstrumentedHandler() wraps a Router into the server's HttpHandler and
// counts every routed request by method, route PATTERN and status, and times
// it in a latency histogram, so /metrics reports the whole API.
//
// Example:
//   Router router;
//   Metrics metrics;
//   AddOperationalRoutes(router, metrics);
//   HttpServer server(options, InstrumentedHandler(router, metrics));
#pragma once

#include <string_view>

#include "api/http_message.h"
#include "api/metrics.h"
#include "api/router.h"

namespace motcua {

inline constexpr std::string_view kRequestsMetric = "motcua_http_requests_total";
inline constexpr std::string_view kLatencyMetric = "motcua_http_request_duration_seconds";

// The route label of a request that matched no route (404, 405, 400), so
// unknown paths share one series.
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

// Registers GET /healthz and GET /metrics on `router`. `metrics` must outlive
// the router's use. Fails only if those routes are already registered.
Status AddOperationalRoutes(Router& router, Metrics& metrics);

// A handler that dispatches to `router` and records kRequestsMetric
// {method, route, status} and kLatencyMetric {route}. Methods other than the
// standard ones are counted as "OTHER". `router` and `metrics` must outlive
// the returned handler.
HttpHandler InstrumentedHandler(const Router& router, Metrics& metrics);

}  // namespace motcua
