#include "api/outbound_http.h"

#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <future>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/http_server.h"
#include "engine/crypto/pki_demo.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// A provider stand-in on 127.0.0.1 (the project's own server), answering:
//   GET  /keys      200 {"keys":[]}
//   GET  /big       200 with a 2000-byte body
//   GET  /fat-head  200 with a 5000-byte header
//   GET  /moved     302 to https://elsewhere.example/
//   GET  /missing   404
//   GET  /hang      nothing until the server is destroyed
//   POST /echo      200 echoing method, Content-Type, Authorization, body
struct ProviderStandIn {
  explicit ProviderStandIn(std::optional<TlsFiles> tls = std::nullopt) {
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.tls = std::move(tls);
    options.shutdown_timeout = milliseconds(100);
    server = std::make_unique<HttpServer>(
        options, [this](const HttpRequest& request) { return Answer(request); });
    REQUIRE(server->Start().ok());
  }
  ~ProviderStandIn() {
    release.set_value();
    server->Stop();
  }

  HttpResponse Answer(const HttpRequest& request) {
    HttpResponse response;
    response.content_type = "application/json";
    if (request.path == "/keys") {
      response.body = R"({"keys":[]})";
    } else if (request.path == "/big") {
      response.body = std::string(2000, 'x');
    } else if (request.path == "/fat-head") {
      response.headers.push_back({"X-Padding", std::string(5000, 'p')});
    } else if (request.path == "/moved") {
      response.status = 302;
      response.headers.push_back({"Location", "https://elsewhere.example/"});
    } else if (request.path == "/hang") {
      released.wait_for(std::chrono::seconds(10));
    } else if (request.path == "/echo") {
      nlohmann::json echo{{"method", request.method}, {"body", request.body}};
      for (const auto& header : request.headers) echo[header.name] = header.value;
      response.body = echo.dump();
    } else {
      response.status = 404;
    }
    return response;
  }

  std::string Url(const std::string& scheme_host, const std::string& path) const {
    return scheme_host + ":" + std::to_string(server->port()) + path;
  }

  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::unique_ptr<HttpServer> server;
};

OutboundHttpOptions Trusting(const std::string& ca_file) {
  OutboundHttpOptions options;
  options.ca_file = ca_file;
  return options;
}

std::unique_ptr<OutboundHttpClient> MakeClient(OutboundHttpOptions options = {}) {
  Result<std::unique_ptr<OutboundHttpClient>> client = OutboundHttpClient::Create(options);
  REQUIRE(client.ok());
  return std::move(client).value();
}

TEST_CASE("outbound_http: GET and form POST over loopback http") {
  ProviderStandIn provider;
  auto client = MakeClient();
  Result<OutboundResponse> keys = client->Get(provider.Url("http://127.0.0.1", "/keys"));
  REQUIRE(keys.ok());
  CHECK(keys->status == 200);
  CHECK(keys->content_type == "application/json");
  CHECK(keys->body == R"({"keys":[]})");

  Result<OutboundResponse> echo =
      client->PostForm(provider.Url("http://localhost", "/echo"),
                       {{"grant_type", "authorization_code"}, {"code", "a b&c=d/é"}},
                       {{"Authorization", "Basic Y2xpZW50OnNlY3JldA=="}});
  REQUIRE(echo.ok());
  const nlohmann::json seen = nlohmann::json::parse(echo->body);
  CHECK(seen["method"] == "POST");
  CHECK(seen["body"] == "grant_type=authorization_code&code=a+b%26c%3Dd%2F%C3%A9");
  CHECK(seen["Content-Type"] == "application/x-www-form-urlencoded");
  CHECK(seen["Authorization"] == "Basic Y2xpZW50OnNlY3JldA==");

  // A 404 is a response for the caller to judge; Fetch wants a 2xx.
  Result<OutboundResponse> missing = client->Get(provider.Url("http://127.0.0.1", "/missing"));
  REQUIRE(missing.ok());
  CHECK(missing->status == 404);
  CHECK(client->Fetch(provider.Url("http://127.0.0.1", "/keys")).value() == R"({"keys":[]})");
  Result<std::string> fetched = client->Fetch(provider.Url("http://127.0.0.1", "/missing"));
  REQUIRE_FALSE(fetched.ok());
  CHECK(fetched.error().code() == ErrorCode::kUnavailable);
  CHECK(fetched.error().message().find("answered 404") != std::string::npos);
}

TEST_CASE("outbound_http: a body or header over its limit is refused, not truncated") {
  ProviderStandIn provider;
  OutboundHttpOptions small;
  small.max_body_bytes = 1000;
  small.max_header_bytes = 4096;
  auto client = MakeClient(small);
  Result<OutboundResponse> big = client->Get(provider.Url("http://127.0.0.1", "/big"));
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().code() == ErrorCode::kUnavailable);
  CHECK(big.error().message().find("body larger than 1000 bytes") != std::string::npos);
  Result<OutboundResponse> fat = client->Get(provider.Url("http://127.0.0.1", "/fat-head"));
  REQUIRE_FALSE(fat.ok());
  CHECK(fat.error().message().find("header larger than 4096 bytes") != std::string::npos);
  // The same answers fit under larger limits.
  CHECK(MakeClient()->Get(provider.Url("http://127.0.0.1", "/big"))->body.size() == 2000);
}

TEST_CASE("outbound_http: a server that never answers is cut off at the timeout") {
  ProviderStandIn provider;
  OutboundHttpOptions impatient;
  impatient.timeout = milliseconds(300);
  auto client = MakeClient(impatient);
  const auto start = SteadyClock::now();
  Result<OutboundResponse> hung = client->Get(provider.Url("http://127.0.0.1", "/hang"));
  const auto took = SteadyClock::now() - start;
  REQUIRE_FALSE(hung.ok());
  CHECK(hung.error().code() == ErrorCode::kUnavailable);
  CHECK(hung.error().message().find("timed out after 300 ms") != std::string::npos);
  CHECK(took >= milliseconds(250));
  CHECK(took < milliseconds(2000));
}

TEST_CASE("outbound_http: a redirect is an error naming the status, not followed") {
  ProviderStandIn provider;
  Result<OutboundResponse> moved = MakeClient()->Get(provider.Url("http://127.0.0.1", "/moved"));
  REQUIRE_FALSE(moved.ok());
  CHECK(moved.error().code() == ErrorCode::kUnavailable);
  CHECK(moved.error().message().find("answered 302") != std::string::npos);
}

TEST_CASE("outbound_http: plain http is refused to a host that is not loopback") {
  auto client = MakeClient();
  for (const char* url :
       {"http://example.com/keys", "http://10.0.0.1/keys", "http://128.0.0.1/keys",
        "http://[::2]/keys", "http://localhost.example.com/keys"}) {
    CAPTURE(url);
    Result<OutboundResponse> refused = client->Get(url);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == ErrorCode::kInvalidArgument);
    CHECK(refused.error().message().find("only to localhost, 127.0.0.0/8 and ::1") !=
          std::string::npos);
  }
}

TEST_CASE("outbound_http: plain http to any host only with the webhook's option") {
  OutboundHttpOptions webhook;
  webhook.plain_http_to_any_host = true;
  webhook.timeout = milliseconds(2000);
  // Passes the loopback rule, then fails to resolve (.invalid never does).
  Result<OutboundResponse> unresolved = MakeClient(webhook)->Get("http://motcua.invalid/feed");
  REQUIRE_FALSE(unresolved.ok());
  CHECK(unresolved.error().code() == ErrorCode::kUnavailable);
  CHECK(MakeClient()->Get("http://motcua.invalid/feed").error().code() ==
        ErrorCode::kInvalidArgument);
}

TEST_CASE("outbound_http: the client refuses a CA file it cannot load and zero limits") {
  CHECK(OutboundHttpClient::Create(Trusting("/nonexistent/ca.pem")).error().code() ==
        ErrorCode::kInvalidArgument);
  OutboundHttpOptions no_time;
  no_time.timeout = milliseconds(0);
  CHECK_FALSE(OutboundHttpClient::Create(no_time).ok());
  OutboundHttpOptions no_body;
  no_body.max_body_bytes = 0;
  CHECK_FALSE(OutboundHttpClient::Create(no_body).ok());
}

// A test CA and a server certificate for `server_name` it issued, as files.
struct TestPki {
  explicit TestPki(const std::string& server_name) {
    const Instant now =
        std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
    Result<CertifiedKey> ca = IssueCertificate({.subject = {{"CN", "motcua test CA"}},
                                                .not_before = now - std::chrono::hours(1),
                                                .not_after = now + std::chrono::hours(1),
                                                .certificate_authority = true,
                                                .path_length = -1,
                                                .key_usage = "keyCertSign,cRLSign"});
    REQUIRE(ca.ok());
    Result<CertifiedKey> leaf = IssueCertificate({.subject = {{"CN", server_name}},
                                                  .not_before = now - std::chrono::hours(1),
                                                  .not_after = now + std::chrono::hours(1),
                                                  .certificate_authority = false,
                                                  .path_length = -1,
                                                  .key_usage = ""},
                                                 &*ca);
    REQUIRE(leaf.ok());
    REQUIRE_FALSE(dir.path().empty());
    std::ofstream(ca_file) << ca->certificate_pem;
    std::ofstream(tls.certificate_chain_file) << leaf->certificate_pem;
    std::ofstream(tls.private_key_file) << leaf->private_key_pem;
  }
  TempDirectory dir;
  std::string ca_file = dir.File("ca.pem");
  TlsFiles tls{dir.File("server.pem"), dir.File("server.key")};
};

TEST_CASE("outbound_http: https verifies the server against the configured CA") {
  TestPki pki("localhost");
  ProviderStandIn provider(pki.tls);
  auto trusting = MakeClient(Trusting(pki.ca_file));
  Result<OutboundResponse> keys = trusting->Get(provider.Url("https://localhost", "/keys"));
  REQUIRE(keys.ok());
  CHECK(keys->body == R"({"keys":[]})");

  // The system trust store does not know the test CA.
  Result<OutboundResponse> untrusted =
      MakeClient()->Get(provider.Url("https://localhost", "/keys"));
  REQUIRE_FALSE(untrusted.ok());
  CHECK(untrusted.error().code() == ErrorCode::kUnavailable);
  CHECK(untrusted.error().message().find("certificate verify failed") != std::string::npos);

  // The certificate names localhost, not the address.
  Result<OutboundResponse> by_address = trusting->Get(provider.Url("https://127.0.0.1", "/keys"));
  REQUIRE_FALSE(by_address.ok());
  CHECK(by_address.error().message().find("certificate verify failed: IP address mismatch") !=
        std::string::npos);
}

TEST_CASE("outbound_http: https refuses a certificate issued for another host name") {
  TestPki pki("idp.example");
  ProviderStandIn provider(pki.tls);
  Result<OutboundResponse> mismatch =
      MakeClient(Trusting(pki.ca_file))->Get(provider.Url("https://localhost", "/keys"));
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.error().code() == ErrorCode::kUnavailable);
  CHECK(mismatch.error().message().find("certificate verify failed: hostname mismatch") !=
        std::string::npos);
}

}  // namespace
}  // namespace motcua
