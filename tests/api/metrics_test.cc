#include "api/metrics.h"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "api/health.h"
#include "api/router.h"

namespace motcua {
namespace {

TEST_CASE("metrics: counters render in Prometheus text with sorted series") {
  Metrics metrics;
  CounterFamily& requests =
      metrics.AddCounter("http_requests_total", "HTTP requests.", {"route", "status"});
  requests.Increment({"/v1/dossiers/{code}", "200"});
  requests.Increment({"/healthz", "200"}, 2);
  requests.Increment({"/v1/dossiers/{code}", "200"});
  requests.Increment({"/v1/dossiers/{code}", "404"});
  requests.Increment({"wrong arity"});          // ignored
  requests.Increment({"/healthz", "200"}, -5);  // ignored: counters only grow
  CHECK(metrics.RenderText() ==
        "# HELP http_requests_total HTTP requests.\n"
        "# TYPE http_requests_total counter\n"
        "http_requests_total{route=\"/healthz\",status=\"200\"} 2\n"
        "http_requests_total{route=\"/v1/dossiers/{code}\",status=\"200\"} 2\n"
        "http_requests_total{route=\"/v1/dossiers/{code}\",status=\"404\"} 1\n");
  CHECK(requests.Value({"/healthz", "200"}) == 2);
  CHECK(requests.Value({"/nope", "200"}) == 0);
}

TEST_CASE("metrics: histogram buckets are cumulative with +Inf, sum and count") {
  Metrics metrics;
  HistogramFamily& latency =
      metrics.AddHistogram("latency_seconds", "Latency.", {"route"}, {0.1, 0.5, 1});
  latency.Observe({"/a"}, 0.25);
  latency.Observe({"/a"}, 0.5);  // on the bound: counted in le="0.5"
  latency.Observe({"/a"}, 2);
  latency.Observe({"/a"}, 0.0625);
  CHECK(metrics.RenderText() ==
        "# HELP latency_seconds Latency.\n"
        "# TYPE latency_seconds histogram\n"
        "latency_seconds_bucket{route=\"/a\",le=\"0.1\"} 1\n"
        "latency_seconds_bucket{route=\"/a\",le=\"0.5\"} 3\n"
        "latency_seconds_bucket{route=\"/a\",le=\"1\"} 3\n"
        "latency_seconds_bucket{route=\"/a\",le=\"+Inf\"} 4\n"
        "latency_seconds_sum{route=\"/a\"} 2.8125\n"
        "latency_seconds_count{route=\"/a\"} 4\n");
}

TEST_CASE("metrics: a labelled gauge family is read at render time, series sorted") {
  Metrics metrics;
  int depth = 3;
  metrics.AddGaugeFamily("motcua_queue_depth", "Dossiers waiting.", {"role", "agency"}, [&depth] {
    return Metrics::GaugeSeries{
        {{"specialist", "B"}, 1.0}, {{"clerk", "A"}, static_cast<double>(depth)}, {{"wrong"}, 9.0}};
  });
  depth = 5;
  CHECK(metrics.RenderText() ==
        "# HELP motcua_queue_depth Dossiers waiting.\n"
        "# TYPE motcua_queue_depth gauge\n"
        "motcua_queue_depth{role=\"clerk\",agency=\"A\"} 5\n"
        "motcua_queue_depth{role=\"specialist\",agency=\"B\"} 1\n");
}

TEST_CASE("metrics: default buckets are the Prometheus client defaults") {
  std::vector<double> expected = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  CHECK(DefaultLatencyBuckets() == expected);
}

TEST_CASE("metrics: gauges, registration order, escaping and re-registration") {
  Metrics metrics;
  double open_connections = 3;
  metrics.AddGauge("open_connections", "Open connections.", [&] { return open_connections; });
  CounterFamily& errors = metrics.AddCounter("errors_total", "Errors\nby \\ kind.", {"kind"});
  errors.Increment({"say \"hi\"\n\\"});
  CHECK(&metrics.AddCounter("errors_total", "ignored", {"other"}) == &errors);
  open_connections = 0.5;
  CHECK(metrics.RenderText() ==
        "# HELP open_connections Open connections.\n"
        "# TYPE open_connections gauge\n"
        "open_connections 0.5\n"
        "# HELP errors_total Errors\\nby \\\\ kind.\n"
        "# TYPE errors_total counter\n"
        "errors_total{kind=\"say \\\"hi\\\"\\n\\\\\"} 1\n");
}

TEST_CASE("metrics: FormatMetricValue") {
  CHECK(FormatMetricValue(3) == "3");
  CHECK(FormatMetricValue(0.005) == "0.005");
  CHECK(FormatMetricValue(2.5) == "2.5");
  CHECK(FormatMetricValue(1e21) == "1e+21");
  CHECK(FormatMetricValue(1.0 / 0.0) == "+Inf");
  CHECK(FormatMetricValue(-1.0 / 0.0) == "-Inf");
  CHECK(FormatMetricValue(0.0 / 0.0) == "NaN");
}

TEST_CASE("metrics: concurrent increments are all counted") {
  Metrics metrics;
  CounterFamily& counter = metrics.AddCounter("c_total", "C.", {});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 1000; ++i) counter.Increment({});
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(metrics.RenderText() == "# HELP c_total C.\n# TYPE c_total counter\nc_total 4000\n");
}

TEST_CASE("metrics: instrumented handler labels requests by route pattern") {
  Router router;
  Metrics metrics;
  REQUIRE(AddOperationalRoutes(router, metrics).ok());
  REQUIRE(router
              .Add("GET", "/v1/dossiers/{code}",
                   [](const HttpRequest&, const PathParams&) { return HttpResponse{}; })
              .ok());
  HttpHandler handler = InstrumentedHandler(router, metrics);
  CHECK(handler(MakeHttpRequest("GET", "/v1/dossiers/A-1")).status == 200);
  CHECK(handler(MakeHttpRequest("GET", "/v1/dossiers/B-2")).status == 200);
  CHECK(handler(MakeHttpRequest("GET", "/nope/1")).status == 404);
  CHECK(handler(MakeHttpRequest("BREW", "/healthz")).status == 405);

  CounterFamily& requests = metrics.AddCounter(kRequestsMetric, "", {});
  CHECK(requests.Value({"GET", "/v1/dossiers/{code}", "200"}) == 2);
  CHECK(requests.Value({"GET", "unmatched", "404"}) == 1);
  CHECK(requests.Value({"OTHER", "unmatched", "405"}) == 1);

  HttpResponse scrape = handler(MakeHttpRequest("GET", "/metrics"));
  CHECK(scrape.status == 200);
  CHECK(scrape.content_type == "text/plain; version=0.0.4");
  CHECK(scrape.body.find("A-1") == std::string::npos);
  CHECK(scrape.body.find("motcua_http_request_duration_seconds_count{route=\"/v1/dossiers/"
                         "{code}\"} 2\n") != std::string::npos);

  HttpResponse health = handler(MakeHttpRequest("GET", "/healthz"));
  CHECK(health.status == 200);
  CHECK(health.content_type == "application/json");
  CHECK(health.body == R"({"status":"ok"})");
}

}  // namespace
}  // namespace motcua
