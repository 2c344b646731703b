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
    std::string route;
    HttpResponse response = router.Handle(request, &route);
    std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (route.empty()) route = kUnmatchedRoute;
    requests.Increment({MethodLabel(request.method), route, std::to_string(response.status)});
    latency.Observe({route}, elapsed.count());
    return response;
  };
}

}  // namespace motcua
