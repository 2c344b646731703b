#include "api/http_server.h"

#include <doctest/doctest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "api/handler_support.h"
#include "api/health.h"
#include "api/metrics.h"
#include "api/request_authentication.h"
#include "api/router.h"
#include "engine/domain/fiber_parking.h"
#include "tests/fakes/memory_log_sink.h"

namespace motcua {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Response = http::response<http::string_body>;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kClientTimeout{5};

std::string ToString(beast::string_view text) {
  return std::string(text.data(), text.size());
}

http::request<http::string_body> MakeRequest(http::verb verb, const std::string& target,
                                             const std::string& body = {}) {
  http::request<http::string_body> request(verb, target, 11);
  request.set(http::field::host, "127.0.0.1");
  request.body() = body;
  request.prepare_payload();
  return request;
}

// The local address a plain test client connects from (any 127.x.y.z works
// on loopback), so one test can play several client addresses.
struct From {
  std::string address;
};

// A blocking HTTP/1.1 client over one connection. Every operation gives up
// after kClientTimeout, so a misbehaving server fails a test instead of
// hanging it. `Stream` is beast::tcp_stream or beast::ssl_stream of one.
template <class Stream>
class BasicTestClient {
 public:
  template <class... StreamArgs>
  explicit BasicTestClient(std::uint16_t port, StreamArgs&... stream_args)
      : stream_(ioc_, stream_args...) {
    Connect(port);
  }

  BasicTestClient(std::uint16_t port, const From& from) : stream_(ioc_) {
    tcp::socket& socket = beast::get_lowest_layer(stream_).socket();
    socket.open(tcp::v4(), error_);
    if (!error_) socket.bind(tcp::endpoint(asio::ip::make_address(from.address), 0), error_);
    if (!error_) Connect(port);
  }

  // The error of the last operation (connect, handshake, write or read).
  error_code error() const { return error_; }
  Stream& stream() { return stream_; }

  std::optional<Response> Exchange(http::request<http::string_body> request) {
    if (!Write(request)) return std::nullopt;
    return Read(request.method() == http::verb::head);
  }

 private:
  void Connect(std::uint16_t port) {
    beast::get_lowest_layer(stream_).expires_after(kClientTimeout);
    beast::get_lowest_layer(stream_).async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
        [this](error_code ec) { error_ = ec; });
    Run();
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      if (error_) return;
      beast::get_lowest_layer(stream_).expires_after(kClientTimeout);
      stream_.async_handshake(ssl::stream_base::client, [this](error_code ec) { error_ = ec; });
      Run();
    }
  }

 public:
  template <class Message>
  bool Write(Message& message) {
    beast::get_lowest_layer(stream_).expires_after(kClientTimeout);
    http::async_write(stream_, message, [this](error_code ec, std::size_t) { error_ = ec; });
    Run();
    return !error_;
  }

  bool WriteRaw(const std::string& bytes) {
    beast::get_lowest_layer(stream_).expires_after(kClientTimeout);
    asio::async_write(stream_, asio::buffer(bytes),
                      [this](error_code ec, std::size_t) { error_ = ec; });
    Run();
    return !error_;
  }

  std::optional<Response> Read(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.skip(head);
    beast::get_lowest_layer(stream_).expires_after(kClientTimeout);
    http::async_read(stream_, buffer_, parser, [this](error_code ec, std::size_t) { error_ = ec; });
    Run();
    if (error_) return std::nullopt;
    return parser.release();
  }

  // Reads and discards until the server closes the connection; the time that
  // took, or nullopt if it stayed open for `limit`.
  std::optional<Clock::duration> WaitForClose(std::chrono::seconds limit) {
    Clock::time_point start = Clock::now();
    beast::get_lowest_layer(stream_).expires_after(limit);
    while (true) {
      char scratch[512];
      stream_.async_read_some(asio::buffer(scratch),
                              [&](error_code ec, std::size_t) { error_ = ec; });
      Run();
      if (error_ == beast::error::timeout) return std::nullopt;
      if (error_) return Clock::now() - start;
    }
  }

 private:
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  Stream stream_;
  beast::flat_buffer buffer_;
  error_code error_;
};

using TestClient = BasicTestClient<beast::tcp_stream>;
using TlsTestClient = BasicTestClient<beast::ssl_stream<beast::tcp_stream>>;

nlohmann::json JsonOf(const Response& response) {
  return nlohmann::json::parse(response.body());
}

// A server on 127.0.0.1, any port, with the operational routes plus:
//   POST /echo   answers with the request body;
//   GET  /slow   sleeps 300 ms (signalling `slow_entered` first);
//   GET  /throws throws; GET /bad-status answers status 42.
struct TestServer {
  explicit TestServer(HttpServerOptions options = {}) {
    REQUIRE(AddOperationalRoutes(router, metrics).ok());
    REQUIRE(router
                .Add("POST", "/echo",
                     [](const HttpRequest& request, const PathParams&) {
                       HttpResponse response;
                       response.content_type = "text/plain";
                       response.body = request.body;
                       return response;
                     })
                .ok());
    REQUIRE(router
                .Add("GET", "/slow",
                     [this](const HttpRequest&, const PathParams&) {
                       if (!slow_signalled.exchange(true)) slow_entered.set_value();
                       std::this_thread::sleep_for(std::chrono::milliseconds(300));
                       HttpResponse response;
                       response.content_type = "text/plain";
                       response.body = "slow";
                       return response;
                     })
                .ok());
    REQUIRE(router
                .Add("GET", "/throws",
                     [](const HttpRequest&, const PathParams&) -> HttpResponse {
                       throw std::runtime_error("handler bug");
                     })
                .ok());
    REQUIRE(router
                .Add("GET", "/bad-status",
                     [](const HttpRequest&, const PathParams&) {
                       HttpResponse response;
                       response.status = 42;
                       return response;
                     })
                .ok());
    options.address = "127.0.0.1";
    options.port = 0;
    // As `motcua serve` does: routes declared inline run on the I/O thread.
    options.runs_inline = [this](const HttpRequest& request) { return router.RunsInline(request); };
    server = std::make_unique<HttpServer>(options, InstrumentedHandler(router, metrics));
  }

  std::uint16_t port() const { return server->port(); }

  Router router;
  Metrics metrics;
  std::atomic<bool> slow_signalled{false};
  std::promise<void> slow_entered;
  std::unique_ptr<HttpServer> server;
};

TEST_CASE("http_server: GET /healthz answers 200 JSON with framing headers") {
  TestServer test;
  REQUIRE(test.server->Start().ok());
  REQUIRE(test.port() != 0);
  TestClient client(test.port());
  REQUIRE_FALSE(client.error());
  std::optional<Response> response = client.Exchange(MakeRequest(http::verb::get, "/healthz"));
  REQUIRE(response.has_value());
  CHECK(response->result_int() == 200);
  CHECK(ToString((*response)[http::field::content_type]) == "application/json");
  CHECK(ToString((*response)[http::field::server]) == "motcua");
  CHECK(ToString((*response)[http::field::content_length]) == "15");
  CHECK(JsonOf(*response) == nlohmann::json{{"status", "ok"}});
}

TEST_CASE(
    "http_server: every response, the server's own problems too, has a request id and a log line") {
  MemoryLogSink sink;
  FakeClock clock(std::chrono::sys_days{std::chrono::year{2026} / 12 / 4});
  Logger logger(sink, clock, LogLevel::kDebug);  // /healthz logs at debug
  HttpServerOptions options;
  options.request_log = &logger;
  options.max_body_bytes = 64;
  TestServer test(options);
  REQUIRE(test.server->Start().ok());
  {
    TestClient client(test.port());
    http::request<http::string_body> echo =
        MakeRequest(http::verb::post, "/echo?code=OAUTHCODE", "password=FORMSECRET");
    echo.set(http::field::authorization, "Bearer tok-SECRET");
    echo.set(http::field::cookie, "motcua_session=COOKIESECRET");
    echo.set("X-Request-Id", "client-trace-1");
    std::optional<Response> echoed = client.Exchange(echo);
    REQUIRE(echoed.has_value());
    CHECK(ToString((*echoed)["X-Request-Id"]) == "client-trace-1");

    http::request<http::string_body> bad_id = MakeRequest(http::verb::get, "/healthz");
    bad_id.set("X-Request-Id", std::string(200, 'x'));
    std::optional<Response> fresh = client.Exchange(bad_id);
    REQUIRE(fresh.has_value());
    CHECK(ToString((*fresh)["X-Request-Id"]).size() == 32);
  }
  TestClient client(test.port());
  http::request<http::string_body> too_large =
      MakeRequest(http::verb::post, "/echo", std::string(100, 'b'));
  too_large.set("X-Request-Id", "big-one");
  std::optional<Response> refused = client.Exchange(too_large);
  REQUIRE(refused.has_value());
  CHECK(refused->result_int() == 413);
  // Refused while the header was being parsed: a fresh id.
  const std::string refused_id = ToString((*refused)["X-Request-Id"]);
  CHECK(refused_id.size() == 32);

  std::vector<nlohmann::json> lines = sink.Events("http_request");
  REQUIRE(lines.size() == 3);
  CHECK(lines[0]["request_id"] == "client-trace-1");
  CHECK(lines[0]["route"] == "/echo");
  CHECK(lines[0]["status"] == 200);
  CHECK(lines[0]["bytes_in"] == 19);
  CHECK(lines[0]["bytes_out"] == 19);
  CHECK(lines[0]["remote"] == "127.0.0.1");
  CHECK(lines[1]["route"] == "/healthz");
  CHECK(lines[1]["level"] == "debug");
  CHECK(lines[1]["request_id"].get<std::string>().size() == 32);
  CHECK(lines[2]["request_id"] == refused_id);
  CHECK(lines[2]["status"] == 413);
  CHECK(lines[2]["route"].is_null());
  for (const std::string& line : sink.Lines()) {
    for (const char* secret : {"tok-SECRET", "COOKIESECRET", "FORMSECRET", "OAUTHCODE", "xxxxx"}) {
      CAPTURE(secret);
      CHECK(line.find(secret) == std::string::npos);
    }
  }
}

TEST_CASE("http_server: keep-alive serves three requests on one connection") {
  TestServer test;
  REQUIRE(test.server->Start().ok());
  TestClient client(test.port());
  for (int i = 0; i < 3; ++i) {
    CAPTURE(i);
    std::optional<Response> response =
        client.Exchange(MakeRequest(http::verb::post, "/echo", "body " + std::to_string(i)));
    REQUIRE(response.has_value());
    CHECK(response->result_int() == 200);
    CHECK(response->keep_alive());
    CHECK(response->body() == "body " + std::to_string(i));
  }
  // HEAD on the same connection: GET's Content-Length, no body.
  std::optional<Response> head = client.Exchange(MakeRequest(http::verb::head, "/healthz"));
  REQUIRE(head.has_value());
  CHECK(head->result_int() == 200);
  CHECK(ToString((*head)[http::field::content_length]) == "15");
  CHECK(head->body().empty());
  std::optional<Response> after = client.Exchange(MakeRequest(http::verb::get, "/healthz"));
  REQUIRE(after.has_value());
  CHECK(after->body() == R"({"status":"ok"})");

  CHECK(test.metrics.AddCounter(kRequestsMetric, "", {}).Value({"POST", "/echo", "200"}) == 3);
}

TEST_CASE("http_server: unknown route is a 404 problem, wrong method a 405 problem") {
  TestServer test;
  REQUIRE(test.server->Start().ok());
  TestClient client(test.port());
  std::optional<Response> missing = client.Exchange(MakeRequest(http::verb::get, "/nope?x=1"));
  REQUIRE(missing.has_value());
  CHECK(missing->result_int() == 404);
  CHECK(ToString((*missing)[http::field::content_type]) == "application/problem+json");
  CHECK(ToString((*missing)[http::field::cache_control]) == "no-store");
  CHECK(JsonOf(*missing)["type"] == "https://motcua.example/problems/route_not_found");
  CHECK(JsonOf(*missing)["instance"] == "/nope");

  std::optional<Response> wrong = client.Exchange(MakeRequest(http::verb::delete_, "/healthz"));
  REQUIRE(wrong.has_value());
  CHECK(wrong->result_int() == 405);
  CHECK(ToString((*wrong)[http::field::allow]) == "GET, HEAD");
  CHECK(JsonOf(*wrong)["status"] == 405);
  CHECK(wrong->keep_alive());  // routing problems keep the connection

  for (const char* target : {"/throws", "/bad-status"}) {
    INFO(target);
    std::optional<Response> broken = client.Exchange(MakeRequest(http::verb::get, target));
    REQUIRE(broken.has_value());
    CHECK(broken->result_int() == 500);
    CHECK(JsonOf(*broken)["type"] == "https://motcua.example/problems/internal");
  }
}

TEST_CASE("http_server: a body over the limit gets 413 and the connection closes") {
  HttpServerOptions options;
  options.max_body_bytes = 16;
  TestServer test(options);
  REQUIRE(test.server->Start().ok());
  {
    TestClient client(test.port());
    std::optional<Response> fits =
        client.Exchange(MakeRequest(http::verb::post, "/echo", std::string(16, 'a')));
    REQUIRE(fits.has_value());
    CHECK(fits->result_int() == 200);
    CHECK(fits->body() == std::string(16, 'a'));
  }
  TestClient client(test.port());
  std::optional<Response> response =
      client.Exchange(MakeRequest(http::verb::post, "/echo", std::string(100, 'b')));
  REQUIRE(response.has_value());
  CHECK(response->result_int() == 413);
  CHECK(JsonOf(*response)["type"] == "https://motcua.example/problems/body_too_large");
  CHECK_FALSE(response->keep_alive());
  CHECK(client.WaitForClose(std::chrono::seconds(3)).has_value());
}

TEST_CASE("http_server: a header over the limit gets 431") {
  HttpServerOptions options;
  options.max_header_bytes = 1024;
  TestServer test(options);
  REQUIRE(test.server->Start().ok());
  TestClient client(test.port());
  http::request<http::string_body> request = MakeRequest(http::verb::get, "/healthz");
  request.set("X-Padding", std::string(2000, 'p'));
  std::optional<Response> response = client.Exchange(request);
  REQUIRE(response.has_value());
  CHECK(response->result_int() == 431);
  CHECK(JsonOf(*response)["type"] == "https://motcua.example/problems/header_too_large");
  CHECK(ToString((*response)[http::field::cache_control]) == "no-store");
  CHECK_FALSE(response->keep_alive());
}

TEST_CASE("http_server: malformed HTTP gets 400 and a path trick gets 400") {
  TestServer test;
  REQUIRE(test.server->Start().ok());
  {
    TestClient client(test.port());
    REQUIRE(client.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"));
    std::optional<Response> response = client.Read();
    REQUIRE(response.has_value());
    CHECK(response->result_int() == 400);
    CHECK(JsonOf(*response)["type"] == "https://motcua.example/problems/malformed_request");
    CHECK(client.WaitForClose(std::chrono::seconds(3)).has_value());
  }
  TestClient client(test.port());
  std::optional<Response> trick =
      client.Exchange(MakeRequest(http::verb::get, "/healthz/..%2F..%2Fetc"));
  REQUIRE(trick.has_value());
  CHECK(trick->result_int() == 400);
}

TEST_CASE("http_server: a silent or slow client is cut off after the read timeout") {
  HttpServerOptions options;
  options.read_timeout = std::chrono::seconds(1);
  TestServer test(options);
  REQUIRE(test.server->Start().ok());
  {
    TestClient silent(test.port());
    REQUIRE_FALSE(silent.error());
    std::optional<Clock::duration> closed_after = silent.WaitForClose(std::chrono::seconds(5));
    REQUIRE(closed_after.has_value());
    CHECK(*closed_after >= std::chrono::milliseconds(800));
    CHECK(*closed_after < std::chrono::seconds(3));
  }
  TestClient partial(test.port());
  REQUIRE(partial.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  std::optional<Response> response = partial.Read();
  REQUIRE(response.has_value());
  CHECK(response->result_int() == 408);
  CHECK(JsonOf(*response)["type"] == "https://motcua.example/problems/request_timeout");
  CHECK(partial.WaitForClose(std::chrono::seconds(3)).has_value());
}

TEST_CASE(
    "http_server: after a final answer the server lingers about a second, then frees the slot") {
  // Default timeouts (30 s and more): the one-second linger deadline is
  // shorter than the server's usual timer wait, which must be moved up.
  HttpServerOptions options;
  options.max_connections_per_address = 1;
  TestServer test(options);
  REQUIRE(test.server->Start().ok());
  TestClient holder(test.port());
  http::request<http::string_body> last = MakeRequest(http::verb::get, "/healthz");
  last.keep_alive(false);
  std::optional<Response> answered = holder.Exchange(last);
  REQUIRE(answered.has_value());
  CHECK(answered->result_int() == 200);
  CHECK_FALSE(answered->keep_alive());
  // The client never closes its socket; the server's half-closed session
  // ends after its linger, and only then may another connection in.
  const auto start = Clock::now();
  std::optional<int> status;
  for (int attempt = 0; attempt < 100 && status != 200; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    TestClient again(test.port());
    std::optional<Response> response = again.Exchange(MakeRequest(http::verb::get, "/healthz"));
    status = response ? std::optional<int>(response->result_int()) : std::nullopt;
  }
  CHECK(status == 200);
  CHECK(Clock::now() - start < std::chrono::seconds(4));
}

TEST_CASE("http_server: Stop lets an in-flight request finish and refuses new connections") {
  HttpServerOptions options;
  options.shutdown_timeout = std::chrono::seconds(5);
  TestServer test(options);
  REQUIRE(test.server->Start().ok());
  std::uint16_t port = test.port();

  TestClient idle(port);  // a kept-alive connection with nothing in flight
  REQUIRE(idle.Exchange(MakeRequest(http::verb::get, "/healthz")).has_value());

  std::future<std::optional<Response>> slow = std::async(std::launch::async, [port] {
    TestClient client(port);
    return client.Exchange(MakeRequest(http::verb::get, "/slow"));
  });
  REQUIRE(test.slow_entered.get_future().wait_for(kClientTimeout) == std::future_status::ready);

  Clock::time_point stop_started = Clock::now();
  test.server->Stop();
  Clock::duration stop_took = Clock::now() - stop_started;
  CHECK(stop_took < std::chrono::seconds(3));  // did not wait for the 5 s deadline

  std::optional<Response> response = slow.get();
  REQUIRE(response.has_value());
  CHECK(response->result_int() == 200);
  CHECK(response->body() == "slow");
  CHECK_FALSE(response->keep_alive());

  CHECK(idle.WaitForClose(std::chrono::seconds(1)).has_value());
  TestClient late(port);
  CHECK(late.error());
  test.server->Wait();
}

// GET /gate on `router`: its handler waits (up to the client timeout) until
// Open() is called, and answers "opened", or "timed out".
class Gate {
 public:
  explicit Gate(Router& router) {
    REQUIRE(router
                .Add("GET", "/gate",
                     [this](const HttpRequest&, const PathParams&) {
                       entered_.set_value();
                       HttpResponse response;
                       response.content_type = "text/plain";
                       response.body = gate_.wait_for(kClientTimeout) == std::future_status::ready
                                           ? "opened"
                                           : "timed out";
                       return response;
                     })
                .ok());
  }
  void Open() { opened_.set_value(); }
  // Sends GET /gate to the server on `port` from another thread and returns
  // once its handler runs; the future holds the answer.
  std::future<std::optional<Response>> Enter(std::uint16_t port) {
    std::future<std::optional<Response>> waiting = std::async(std::launch::async, [port] {
      TestClient client(port);
      return client.Exchange(MakeRequest(http::verb::get, "/gate"));
    });
    REQUIRE(entered_.get_future().wait_for(kClientTimeout) == std::future_status::ready);
    return waiting;
  }

 private:
  std::promise<void> opened_;
  std::shared_future<void> gate_ = opened_.get_future().share();
  std::promise<void> entered_;
};

TEST_CASE("http_server: a handler that waits does not hold up the I/O thread") {
  HttpServerOptions options;
  options.threads = 1;          // one I/O thread
  options.handler_threads = 4;  // handlers run beside it
  TestServer test(options);
  Gate gate(test.router);
  REQUIRE(test.router
              .Add("POST", "/open",
                   [&gate](const HttpRequest&, const PathParams&) {
                     gate.Open();
                     HttpResponse response;
                     response.status = 204;
                     return response;
                   })
              .ok());
  REQUIRE(test.server->Start().ok());
  const std::uint16_t port = test.port();
  std::future<std::optional<Response>> waiting = gate.Enter(port);
  // If the waiting handler held the only I/O thread, this request would not
  // be read until the gate timed out.
  TestClient opener(port);
  std::optional<Response> open = opener.Exchange(MakeRequest(http::verb::post, "/open"));
  REQUIRE(open.has_value());
  CHECK(open->result_int() == 204);
  std::optional<Response> gated = waiting.get();
  REQUIRE(gated.has_value());
  CHECK(gated->body() == "opened");
  test.server->Stop();
  test.server->Wait();
}

TEST_CASE("http_server: inline routes answer while every pool thread waits") {
  HttpServerOptions options;
  options.threads = 1;
  options.handler_threads = 1;  // one pool thread, which GET /gate holds
  TestServer test(options);
  Gate gate(test.router);
  // Declared inline, so it runs on the I/O thread; were it queued behind
  // GET /gate on the pool, the gate would time out instead.
  REQUIRE(test.router
              .Add(
                  "GET", "/open",
                  [&gate](const HttpRequest&, const PathParams&) {
                    gate.Open();
                    HttpResponse response;
                    response.status = 204;
                    return response;
                  },
                  RouteAccess::kPublic, RouteExecution::kInline)
              .ok());
  REQUIRE(test.server->Start().ok());
  const std::uint16_t port = test.port();
  std::future<std::optional<Response>> waiting = gate.Enter(port);

  TestClient client(port);
  const auto start = Clock::now();
  std::optional<Response> health = client.Exchange(MakeRequest(http::verb::get, "/healthz"));
  REQUIRE(health.has_value());
  CHECK(health->result_int() == 200);
  CHECK(Clock::now() - start < std::chrono::seconds(2));
  std::optional<Response> open = client.Exchange(MakeRequest(http::verb::get, "/open"));
  REQUIRE(open.has_value());
  CHECK(open->result_int() == 204);
  std::optional<Response> gated = waiting.get();
  REQUIRE(gated.has_value());
  CHECK(gated->body() == "opened");

  // Inline requests are counted in the metrics like any other.
  CHECK(test.metrics.RenderText().find(
            R"(motcua_http_requests_total{method="GET",route="/healthz",status="200"} 1)") !=
        std::string::npos);
  test.server->Stop();
  test.server->Wait();
}

// Options with one fiber thread, whose runs_on_fibers asks the router of
// `*server` (set once that server is made).
HttpServerOptions FiberServerOptions(TestServer*& server) {
  HttpServerOptions options;
  options.fiber_threads = 1;
  options.runs_on_fibers = [&server](const HttpRequest& request) {
    return server->router.WaitsOnStoreOnly(request);
  };
  return options;
}

// Where the calling handler runs: on a fiber, FiberParker::Current() is set.
std::string WhereItRuns() {
  return FiberParker::Current() != nullptr ? "fiber" : "thread";
}

TEST_CASE("http_server: store-bound routes run on fibers, the others on the handler pool") {
  TestServer* server = nullptr;
  TestServer test(FiberServerOptions(server));
  server = &test;
  const RouteHandler where = [](const HttpRequest&, const PathParams&) {
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = WhereItRuns();
    return response;
  };
  REQUIRE(
      test.router
          .Add("POST", "/things/{id}", where, RouteAccess::kPublic, RouteExecution::kStoreWaitsOnly)
          .ok());
  REQUIRE(test.router.Add("GET", "/things/{id}", where, RouteAccess::kPublic).ok());
  REQUIRE(test.server->Start().ok());
  TestClient client(test.port());
  for (int i = 0; i < 3; ++i) {
    std::optional<Response> posted =
        client.Exchange(MakeRequest(http::verb::post, "/things/" + std::to_string(i), "{}"));
    REQUIRE(posted.has_value());
    CHECK(posted->result_int() == 200);
    CHECK(posted->body() == "fiber");
    std::optional<Response> got =
        client.Exchange(MakeRequest(http::verb::get, "/things/" + std::to_string(i)));
    REQUIRE(got.has_value());
    CHECK(got->body() == "thread");
  }
  test.server->Stop();
  test.server->Wait();
}

TEST_CASE("http_server: a body over max_fiber_body_bytes runs on the handler pool") {
  TestServer* server = nullptr;
  HttpServerOptions options = FiberServerOptions(server);
  options.max_fiber_body_bytes = 16;
  TestServer test(options);
  server = &test;
  const RouteHandler where = [](const HttpRequest& request, const PathParams&) {
    HttpResponse response;
    response.content_type = "text/plain";
    response.body = std::to_string(request.body.size()) + " " + WhereItRuns();
    return response;
  };
  REQUIRE(test.router
              .Add("POST", "/uploads", where, RouteAccess::kPublic, RouteExecution::kStoreWaitsOnly)
              .ok());
  REQUIRE(test.server->Start().ok());
  TestClient client(test.port());
  // At the limit, on a fiber; one byte over it, and far over it, on the pool.
  for (const auto& [bytes, expected] :
       std::vector<std::pair<std::size_t, std::string>>{{0, "0 fiber"},
                                                        {16, "16 fiber"},
                                                        {17, "17 thread"},
                                                        {100000, "100000 thread"},
                                                        {16, "16 fiber"}}) {
    std::optional<Response> posted =
        client.Exchange(MakeRequest(http::verb::post, "/uploads", std::string(bytes, 'x')));
    REQUIRE(posted.has_value());
    CHECK(posted->result_int() == 200);
    CHECK(posted->body() == expected);
  }
  test.server->Stop();
  test.server->Wait();
}

// Writes a self-signed EC P-256 certificate for "localhost" and its key as
// PEM files. Returns false on any OpenSSL failure.
bool WriteSelfSignedCertificate(const std::filesystem::path& certificate_file,
                                const std::filesystem::path& key_file) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), &EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> certificate(X509_new(), &X509_free);
  if (!key || !certificate) return false;
  X509* cert = certificate.get();
  bool ok = X509_set_version(cert, 2) == 1 &&
            ASN1_INTEGER_set(X509_get_serialNumber(cert), 1) == 1 &&
            X509_gmtime_adj(X509_getm_notBefore(cert), -60) != nullptr &&
            X509_gmtime_adj(X509_getm_notAfter(cert), 3600) != nullptr &&
            X509_set_pubkey(cert, key.get()) == 1;
  X509_NAME* name = X509_get_subject_name(cert);
  ok = ok &&
       X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                  reinterpret_cast<const unsigned char*>("localhost"), -1, -1,
                                  0) == 1 &&
       X509_set_issuer_name(cert, name) == 1 && X509_sign(cert, key.get(), EVP_sha256()) > 0;
  if (!ok) return false;

  std::unique_ptr<FILE, decltype(&std::fclose)> key_out(std::fopen(key_file.c_str(), "w"),
                                                        &std::fclose);
  std::unique_ptr<FILE, decltype(&std::fclose)> cert_out(std::fopen(certificate_file.c_str(), "w"),
                                                         &std::fclose);
  if (!key_out || !cert_out) return false;
  return PEM_write_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ==
             1 &&
         PEM_write_X509(cert_out.get(), cert) == 1;
}

// A fresh temporary directory, removed with everything in it.
struct TempDir {
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "motcua-api-XXXXXX").string();
    REQUIRE(mkdtemp(pattern.data()) != nullptr);
    path = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::filesystem::path path;
};

TEST_CASE("http_server: serves GET /healthz over TLS 1.2+") {
  TempDir dir;
  std::filesystem::path cert = dir.path / "cert.pem";
  std::filesystem::path key = dir.path / "key.pem";
  REQUIRE(WriteSelfSignedCertificate(cert, key));

  HttpServerOptions options;
  options.tls = TlsFiles{cert.string(), key.string()};
  TestServer test(options);
  REQUIRE(test.server->Start().ok());

  ssl::context client_context(ssl::context::tls_client);
  client_context.set_verify_mode(ssl::verify_peer);
  client_context.load_verify_file(cert.string());
  TlsTestClient client(test.port(), client_context);
  REQUIRE_FALSE(client.error());
  CHECK(SSL_version(client.stream().native_handle()) >= TLS1_2_VERSION);
  for (int i = 0; i < 2; ++i) {
    std::optional<Response> response = client.Exchange(MakeRequest(http::verb::get, "/healthz"));
    REQUIRE(response.has_value());
    CHECK(response->result_int() == 200);
    CHECK(JsonOf(*response) == nlohmann::json{{"status", "ok"}});
  }

  // One response is one TLS record: the head and the body, two buffers of
  // one gather write (response_wire.h), are not sent as two records (Asio's
  // SSL stream copies a short buffer sequence into one before encrypting).
  // The callback sees the header of every record the client reads.
  REQUIRE(SSL_version(client.stream().native_handle()) == TLS1_3_VERSION);
  static int application_records = 0;
  application_records = 0;
  SSL_set_msg_callback(
      client.stream().native_handle(),
      [](int write_p, int, int content_type, const void* buf, size_t len, SSL*, void*) {
        if (write_p == 0 && content_type == SSL3_RT_HEADER && len == 5 &&
            *static_cast<const unsigned char*>(buf) == SSL3_RT_APPLICATION_DATA) {
          ++application_records;
        }
      });
  std::optional<Response> counted = client.Exchange(MakeRequest(http::verb::get, "/healthz"));
  REQUIRE(counted.has_value());
  CHECK(counted->result_int() == 200);
  CHECK(application_records == 1);
  SSL_set_msg_callback(client.stream().native_handle(), nullptr);

  // Plain HTTP to the TLS port gets no HTTP response.
  TestClient plain(test.port());
  CHECK_FALSE(plain.Exchange(MakeRequest(http::verb::get, "/healthz")).has_value());
}

TEST_CASE("http_server: Start reports bad options and busy ports") {
  TestServer first;
  REQUIRE(first.server->Start().ok());
  CHECK(first.server->Start().error().code() == ErrorCode::kFailedPrecondition);

  HttpServerOptions busy;
  busy.port = first.port();
  HttpServer second(busy, [](const HttpRequest&) { return HttpResponse{}; });
  CHECK(second.Start().error().code() == ErrorCode::kUnavailable);

  HttpServerOptions bad_address;
  bad_address.address = "localhost";  // must be numeric
  bad_address.port = 0;
  HttpServer third(bad_address, [](const HttpRequest&) { return HttpResponse{}; });
  CHECK(third.Start().error().code() == ErrorCode::kInvalidArgument);

  HttpServerOptions missing_tls;
  missing_tls.port = 0;
  missing_tls.tls = TlsFiles{"/nonexistent/cert.pem", "/nonexistent/key.pem"};
  HttpServer fourth(missing_tls, [](const HttpRequest&) { return HttpResponse{}; });
  CHECK(fourth.Start().error().code() == ErrorCode::kInvalidArgument);

  HttpServer never_started(HttpServerOptions{}, [](const HttpRequest&) { return HttpResponse{}; });
  never_started.Stop();
  never_started.Wait();
  CHECK(never_started.port() == 0);
}

TEST_CASE("http_server: connections over the total or per-address cap get 503 and close") {
  HttpServerOptions options;
  options.max_connections = 3;
  options.max_connections_per_address = 2;
  TestServer test(options);
  REQUIRE(test.server->Start().ok());
  auto expect_refused = [&](const std::string& address) {
    INFO("from " << address);
    TestClient refused(test.port(), From{address});
    REQUIRE_FALSE(refused.error());
    std::optional<Response> response = refused.Read();  // answered before any request
    REQUIRE(response.has_value());
    CHECK(response->result_int() == 503);
    CHECK(JsonOf(*response)["type"] == "https://motcua.example/problems/too_many_connections");
    CHECK(ToString((*response)[http::field::retry_after]) == "1");
    CHECK_FALSE(response->keep_alive());
    CHECK(refused.WaitForClose(std::chrono::seconds(3)).has_value());
  };
  auto first = std::make_unique<TestClient>(test.port(), From{"127.0.0.1"});
  TestClient second(test.port(), From{"127.0.0.1"});
  REQUIRE(first->Exchange(MakeRequest(http::verb::get, "/healthz")).has_value());
  REQUIRE(second.Exchange(MakeRequest(http::verb::get, "/healthz")).has_value());
  expect_refused("127.0.0.1");  // a third from the same address

  TestClient other(test.port(), From{"127.0.0.2"});  // another address: within both caps
  std::optional<Response> healthy = other.Exchange(MakeRequest(http::verb::get, "/healthz"));
  REQUIRE(healthy.has_value());
  CHECK(healthy->result_int() == 200);
  expect_refused("127.0.0.3");  // the total is reached

  first.reset();  // a slot frees up once the server sees the close
  std::optional<int> status;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    TestClient again(test.port(), From{"127.0.0.1"});
    std::optional<Response> response = again.Exchange(MakeRequest(http::verb::get, "/healthz"));
    status = response ? std::optional<int>(response->result_int()) : std::nullopt;
  }
  CHECK(status == 200);
}

TEST_CASE(
    "http_server: a request is authenticated once, on its head, when its body needs a caller") {
  // The body check on the head, the idempotency layer and the route all ask
  // the same RequestAuthenticator; the first answer is kept in the request's
  // facts, so the token store is asked once per request.
  std::atomic<int> bearer_checks{0};
  const RequestAuthenticator authenticate =
      BearerOnly([&bearer_checks](std::string_view secret) -> Result<Actor> {
        ++bearer_checks;
        if (secret != "good") return Error(ErrorCode::kUnauthenticated, "unknown token");
        return Actor{.user_id = "clerk-1",
                     .roles = {"reception_clerk"},
                     .agency = "A",
                     .authenticated_by = AuthMethod::kBearerToken};
      });
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  options.max_unauthenticated_body_bytes = 16;
  options.authenticate_body = [&authenticate](const HttpRequest& head) {
    return authenticate(head).ok();
  };
  TestServer test(options);
  REQUIRE(test.router
              .Add("POST", "/whoami",
                   RequireActor(authenticate,
                                [&authenticate](const HttpRequest& request, const PathParams&,
                                                const Actor& actor) {
                                  // A second ask within the handler, as the idempotency layer
                                  // makes.
                                  REQUIRE(authenticate(request).ok());
                                  HttpResponse response;
                                  response.content_type = "text/plain";
                                  response.body = actor.user_id;
                                  return response;
                                }))
              .ok());
  REQUIRE(test.server->Start().ok());
  for (const std::size_t body_bytes : {std::size_t{8}, std::size_t{500}}) {
    CAPTURE(body_bytes);
    bearer_checks = 0;
    TestClient client(test.port());
    http::request<http::string_body> request =
        MakeRequest(http::verb::post, "/whoami", std::string(body_bytes, 'x'));
    request.set(http::field::authorization, "Bearer good");
    std::optional<Response> response = client.Exchange(request);
    REQUIRE(response.has_value());
    CHECK(response->result_int() == 200);
    CHECK(response->body() == "clerk-1");
    CHECK(bearer_checks == 1);
  }
  // A refusal is kept too: one check, then 401 from the route.
  bearer_checks = 0;
  TestClient refused(test.port());
  http::request<http::string_body> small = MakeRequest(http::verb::post, "/whoami", "tiny");
  small.set(http::field::authorization, "Bearer bad");
  std::optional<Response> answer = refused.Exchange(small);
  REQUIRE(answer.has_value());
  CHECK(answer->result_int() == 401);
  CHECK(bearer_checks == 1);
}

TEST_CASE("http_server: a body over the anonymous limit is read only for an authenticated caller") {
  HttpServerOptions options;
  options.max_body_bytes = 1000;
  options.max_unauthenticated_body_bytes = 16;
  std::atomic<int> checks{0};
  options.authenticate_body = [&checks](const HttpRequest& head) {
    ++checks;
    return head.Header("Authorization") == "Bearer good";
  };
  TestServer test(options);
  REQUIRE(test.server->Start().ok());
  struct Case {
    const char* what;
    const char* authorization;  // nullptr: none
    std::size_t body_bytes;
    bool chunked;
    int status;
  };
  const Case cases[] = {
      {"anonymous at the limit", nullptr, 16, false, 200},
      {"anonymous over the limit", nullptr, 17, false, 413},
      {"bad token over the limit", "Bearer bad", 100, false, 413},
      {"good token over the limit", "Bearer good", 100, false, 200},
      {"good token over max_body_bytes", "Bearer good", 1001, false, 413},
      {"anonymous chunked within the limit", nullptr, 10, true, 200},
      {"anonymous chunked over the limit", nullptr, 100, true, 413},
      {"good token chunked", "Bearer good", 500, true, 200},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    TestClient client(test.port());
    http::request<http::string_body> request =
        MakeRequest(http::verb::post, "/echo", std::string(c.body_bytes, 'x'));
    if (c.authorization != nullptr) request.set(http::field::authorization, c.authorization);
    if (c.chunked) request.chunked(true);
    std::optional<Response> response = client.Exchange(request);
    REQUIRE(response.has_value());
    CHECK(response->result_int() == c.status);
    if (c.status == 200) CHECK(response->body().size() == c.body_bytes);
    if (c.status == 413) {
      CHECK(JsonOf(*response)["type"] == "https://motcua.example/problems/body_too_large");
      CHECK(client.WaitForClose(std::chrono::seconds(3)).has_value());
    }
    if (c.status == 413 && c.body_bytes <= 1000) {
      CHECK(JsonOf(*response)["detail"].get<std::string>().find("authenticated caller") !=
            std::string::npos);
    }
  }
  // Small bodies never wait for a token check.
  const int checks_so_far = checks;
  TestClient small(test.port());
  REQUIRE(small.Exchange(MakeRequest(http::verb::post, "/echo", "tiny")).has_value());
  CHECK(checks == checks_so_far);

  // A declared length over the limit is answered before the body is sent.
  TestClient declared(test.port());
  REQUIRE(declared.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 999\r\n\r\n"));
  std::optional<Response> early = declared.Read();
  REQUIRE(early.has_value());
  CHECK(early->result_int() == 413);
}

TEST_CASE("http_server: a Transfer-Encoding other than chunked alone gets 501") {
  TestServer test;
  REQUIRE(test.server->Start().ok());
  struct Case {
    const char* header_lines;
    int status;
  };
  const Case cases[] = {
      {"Transfer-Encoding: chunked\r\n", 200},
      {"Transfer-Encoding: Chunked\r\n", 200},
      {"Transfer-Encoding: gzip, chunked\r\n", 501},
      {"Transfer-Encoding: deflate,chunked\r\n", 501},
      {"Transfer-Encoding: identity, chunked\r\n", 501},
      {"Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n", 501},
      {"Transfer-Encoding: gzip\r\n", 501},
  };
  for (const Case& c : cases) {
    INFO(c.header_lines);
    TestClient client(test.port());
    REQUIRE(client.WriteRaw(std::string("POST /echo HTTP/1.1\r\nHost: x\r\n") + c.header_lines +
                            "\r\n5\r\nhello\r\n0\r\n\r\n"));
    std::optional<Response> response = client.Read();
    REQUIRE(response.has_value());
    CHECK(response->result_int() == c.status);
    if (c.status == 200) CHECK(response->body() == "hello");
    if (c.status == 501) {
      CHECK(ToString((*response)[http::field::content_type]) == "application/problem+json");
      CHECK(JsonOf(*response)["type"] ==
            "https://motcua.example/problems/transfer_encoding_not_implemented");
      CHECK_FALSE(response->keep_alive());
      CHECK(client.WaitForClose(std::chrono::seconds(3)).has_value());
    }
  }
}

TEST_CASE("http_server: Start refuses connection caps of 0") {
  auto start = [](HttpServerOptions options) {
    options.port = 0;
    HttpServer server(options, [](const HttpRequest&) { return HttpResponse{}; });
    Status started = server.Start();
    return started.ok() ? std::optional<ErrorCode>() : started.error().code();
  };
  HttpServerOptions no_connections;
  no_connections.max_connections = 0;
  CHECK(start(no_connections) == ErrorCode::kInvalidArgument);
  HttpServerOptions none_per_address;
  none_per_address.max_connections_per_address = 0;
  CHECK(start(none_per_address) == ErrorCode::kInvalidArgument);
  CHECK_FALSE(start(HttpServerOptions{}).has_value());
}

}  // namespace
}  // namespace motcua
