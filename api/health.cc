#include "api/health.h"

#include <chrono>
#include <string>

#include "engine/domain/status_macros.h"

namespace motcua {

Status AddOperationalRoutes(Router& router, Metrics& metrics) {
  Status health = router.Add(
      "GET", "/healthz",
      [](const HttpRequest&, const PathParams&) {
        HttpResponse response;
        response.content_type = "application/json";
        response.headers.push_back({"Cache-Control", "no-store"});
        response.body = R"({"status":"ok"})";
        return response;
      },
      RouteAccess::kPublic, RouteExecution::kInline);
  RETURN_IF_ERROR(health);
  return router.Add("GET", "/metrics", [&metrics](const HttpRequest&, const PathParams&) {
    HttpResponse response;
    response.content_type = std::string(kPrometheusContentType);
    response.headers.push_back({"Cache-Control", "no-store"});
    response.body = metrics.RenderText();
    return response;
  });
}

HttpHandler InstrumentedHandler(const Router& router, Metrics& metrics) {
  CounterFamily& requests =
      metrics.AddCounter(kRequestsMetric, "HTTP requests by method, route pattern and status.",
                         {"method", "route", "status"});
  HistogramFamily& latency = metrics.AddHistogram(
      kLatencyMetric, "Time to handle an HTTP request, by route pattern, in seconds.", {"route"});
  return [&router, &requests, &latency](const HttpRequest& request) {
    auto start = std::chrono::steady_clock::now();
    HttpResponse response = router.Handle(request);
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    // The router notes the pattern it matched in the request's facts; a
    // request without facts (tests calling the handler directly) is matched
    // again.
    std::string route = request.facts != nullptr
                            ? request.facts->route
                            : router.MatchedPattern(request).value_or(std::string());
    if (route.empty()) route = kUnmatchedRoute;
    requests.Increment({MethodLabel(request.method), route, std::to_string(response.status)});
    latency.Observe({route}, elapsed.count());
    return response;
  };
}

}  // namespace motcua
