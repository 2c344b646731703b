#include "api/request_log.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/request_authentication.h"
#include "api/router.h"
#include "tests/fakes/memory_log_sink.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;

struct LoggedRouter {
  LoggedRouter() {
    REQUIRE(router
                .Add("POST", "/v1/items/{id}",
                     [this](const HttpRequest& request, const PathParams&) {
                       HttpResponse response;
                       Result<Actor> caller = authenticate(request);
                       response.status = caller.ok() ? 201 : 401;
                       response.body = "created!";
                       response.headers.push_back({"x-request-id", "handler-chose-this"});
                       return response;
                     })
                .ok());
  }

  // Runs `request` through the router inside a log scope, as the server does.
  HttpResponse Handle(HttpRequest request) {
    RequestLogScope scope(&logger, request);
    HttpResponse response = router.Handle(request);
    scope.Finish(response);
    return response;
  }

  MemoryLogSink sink;
  FakeClock clock{std::chrono::sys_days{2026y / 12 / 4} + 9h};
  Logger logger{sink, clock, LogLevel::kInfo};
  RequestAuthenticator authenticate = BearerOnly([](std::string_view secret) -> Result<Actor> {
    if (secret != "tok-SECRET") return Error(ErrorCode::kUnauthenticated, "no");
    return Actor{"clerk-1", {"reception_clerk"}, "000.00.01.H26", AuthMethod::kBearerToken};
  });
  Router router;
};

TEST_CASE("request log: request ids are taken only when short and of safe characters") {
  struct Case {
    std::string id;
    bool acceptable;
  };
  const Case cases[] = {
      {"trace-42", true},
      {"0af7651916cd43dd8448eb211c80319c", true},
      {"svc.a:b_c-d", true},
      {std::string(kMaxRequestIdLength, 'a'), true},
      {std::string(kMaxRequestIdLength + 1, 'a'), false},
      {"", false},
      {"has space", false},
      {"quote\"", false},
      {"new\nline", false},
      {"{\"level\":\"error\"}", false},
      {"caf\xc3\xa9", false},
      {"semi;colon", false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.id);
    CHECK(IsAcceptableRequestId(c.id) == c.acceptable);
  }
}

TEST_CASE("request log: fresh request ids are 32 hex digits and do not repeat") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewRequestId();
    REQUIRE(id.size() == 32);
    REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(id);
  }
  CHECK(seen.size() == 1000);
}

TEST_CASE("request log: one line with route pattern, caller and sizes, and no secret") {
  LoggedRouter test;
  HttpRequest request =
      MakeHttpRequest("POST", "/v1/items/H26-SECRET-ID?code=OAUTHCODE&state=OAUTHSTATE",
                      "name=FORMSECRET&citizen_id=001090012345");
  request.headers = {{"Authorization", "Bearer tok-SECRET"},
                     {"Cookie", "motcua_session=COOKIESECRET"},
                     {"X-Request-Id", "trace-42"},
                     {"X-CSRF-Token", "CSRFSECRET"}};
  request.remote_address = "192.0.2.7";
  HttpResponse response = test.Handle(request);
  CHECK(response.status == 201);
  // The id is echoed once, replacing the one the handler set.
  CHECK(response.Header("X-Request-Id") == "trace-42");
  CHECK(std::count_if(response.headers.begin(), response.headers.end(), [](const HttpHeader& h) {
          return EqualsIgnoreCase(h.name, "X-Request-Id");
        }) == 1);

  REQUIRE(test.sink.Lines().size() == 1);
  const std::string line = test.sink.Lines()[0];
  for (const char* secret : {"tok-SECRET", "COOKIESECRET", "FORMSECRET", "001090012345",
                             "OAUTHCODE", "OAUTHSTATE", "H26-SECRET-ID", "CSRFSECRET", "Bearer"}) {
    CAPTURE(secret);
    CHECK(line.find(secret) == std::string::npos);
  }
  nlohmann::json record = nlohmann::json::parse(line);
  CHECK(record["time"] == "2026-12-04T09:00:00Z");
  CHECK(record["level"] == "info");
  CHECK(record["event"] == "http_request");
  CHECK(record["request_id"] == "trace-42");
  CHECK(record["method"] == "POST");
  CHECK(record["route"] == "/v1/items/{id}");
  CHECK(record["status"] == 201);
  CHECK(record["duration_ms"].is_number());
  CHECK(record["duration_ms"].get<double>() >= 0);
  CHECK(record["bytes_in"] == request.body.size());
  CHECK(record["bytes_out"] == 8);
  CHECK(record["remote"] == "192.0.2.7");
  CHECK(record["user_id"] == "clerk-1");
  CHECK(record["auth_method"] == "bearer_token");
}

TEST_CASE("request log: how long a request the server read waited for its handler") {
  LoggedRouter test;
  HttpRequest waited = MakeHttpRequest("POST", "/v1/items/7", "x");
  waited.read_at = std::chrono::steady_clock::now() - 25ms;
  test.Handle(waited);
  // Never negative, whatever the time says.
  HttpRequest early = MakeHttpRequest("POST", "/v1/items/8", "x");
  early.read_at = std::chrono::steady_clock::now() + 1h;
  test.Handle(early);
  // A request the server did not read (a handler called directly) has none.
  test.Handle(MakeHttpRequest("POST", "/v1/items/9", "x"));
  REQUIRE(test.sink.Lines().size() == 3);
  const nlohmann::json first = nlohmann::json::parse(test.sink.Lines()[0]);
  REQUIRE(first["queued_ms"].is_number());
  CHECK(first["queued_ms"].get<double>() >= 25.0);
  CHECK(first["queued_ms"].get<double>() < 60000.0);
  CHECK(nlohmann::json::parse(test.sink.Lines()[1])["queued_ms"] == 0);
  CHECK_FALSE(nlohmann::json::parse(test.sink.Lines()[2]).contains("queued_ms"));
}

TEST_CASE("request log: an unauthenticated caller, a bad id and an unmatched route") {
  LoggedRouter test;
  HttpRequest refused = MakeHttpRequest("POST", "/v1/items/7");
  refused.headers = {{"Authorization", "Bearer wrong-SECRET"},
                     {"X-Request-Id", "forged\"}\n{\"event\":\"x"}};
  HttpResponse response = test.Handle(refused);
  CHECK(response.status == 401);
  const std::string fresh(*response.Header("X-Request-Id"));
  CHECK(fresh.size() == 32);
  HttpResponse unmatched = test.Handle(MakeHttpRequest("BREW", "/nowhere/42"));
  CHECK(unmatched.status == 404);

  REQUIRE(test.sink.Lines().size() == 2);
  CHECK(test.sink.Lines()[0].find("forged") == std::string::npos);
  CHECK(test.sink.Lines()[0].find("wrong-SECRET") == std::string::npos);
  nlohmann::json first = nlohmann::json::parse(test.sink.Lines()[0]);
  CHECK(first["request_id"] == fresh);
  CHECK_FALSE(first.contains("user_id"));
  CHECK_FALSE(first.contains("auth_method"));
  nlohmann::json second = nlohmann::json::parse(test.sink.Lines()[1]);
  CHECK(second["route"].is_null());
  CHECK(second["method"] == "OTHER");
  CHECK(second["status"] == 404);
  CHECK(test.sink.Lines()[1].find("nowhere") == std::string::npos);
}

TEST_CASE("request log: server errors log at error, and the threshold filters the rest") {
  MemoryLogSink sink;
  FakeClock clock{std::chrono::sys_days{2026y / 12 / 4}};
  Logger logger(sink, clock, LogLevel::kError);
  for (int status : {200, 404, 500, 503}) {
    HttpRequest request = MakeHttpRequest("GET", "/x");
    RequestLogScope scope(&logger, request);
    HttpResponse response;
    response.status = status;
    scope.Finish(response);
    CHECK(response.Header("X-Request-Id").has_value());
  }
  REQUIRE(sink.Records().size() == 2);
  CHECK(sink.Records()[0]["status"] == 500);
  CHECK(sink.Records()[0]["level"] == "error");
  CHECK(sink.Records()[1]["status"] == 503);
}

TEST_CASE("request log: answers of the polled operational routes log at debug, failures at info") {
  MemoryLogSink sink;
  FakeClock clock{std::chrono::sys_days{2026y / 12 / 4}};
  for (const LogLevel threshold : {LogLevel::kInfo, LogLevel::kDebug}) {
    Logger logger(sink, clock, threshold);
    const std::pair<std::string, int> requests[] = {
        {"/healthz", 200}, {"/metrics", 200}, {"/healthz", 429}, {"/v1/queue", 200}};
    for (const auto& [route, status] : requests) {
      HttpRequest request = MakeHttpRequest("GET", route);
      RequestLogScope scope(&logger, request);
      request.facts->route = route;
      HttpResponse response;
      response.status = status;
      scope.Finish(response);
      CHECK(response.Header("X-Request-Id").has_value());
    }
  }
  const std::vector<nlohmann::json> records = sink.Records();
  REQUIRE(records.size() == 6);  // at info: the failed probe and the queue; at debug: all four
  CHECK(records[0]["route"] == "/healthz");
  CHECK(records[0]["status"] == 429);
  CHECK(records[0]["level"] == "info");
  CHECK(records[1]["route"] == "/v1/queue");
  CHECK(records[2]["route"] == "/healthz");
  CHECK(records[2]["level"] == "debug");
  CHECK(records[3]["route"] == "/metrics");
  CHECK(records[3]["level"] == "debug");
  CHECK(records[5]["level"] == "info");
}

}  // namespace
}  // namespace motcua
