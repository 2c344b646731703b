#include "api/oidc_token_client.h"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "api/http_server.h"

namespace motcua {
namespace {

TEST_CASE("token client: client_secret_basic form-encodes id and secret before base64") {
  // RFC 6749 section 2.3.1: ':' '%' '+' ' ' and non-ASCII are percent-encoded
  // (space as '+') first, so the provider splits at the one real ':'.
  // base64("motcua+web:p%3Aq%25r%2Bs+%C3%A9")
  CHECK(ClientSecretBasicAuthorization("motcua web", "p:q%r+s \xC3\xA9") ==
        "Basic bW90Y3VhK3dlYjpwJTNBcSUyNXIlMkJzKyVDMyVBOQ==");
  // Plain characters pass unchanged; padding is kept: base64("a:b").
  CHECK(ClientSecretBasicAuthorization("a", "b") == "Basic YTpi");
}

// A token endpoint on 127.0.0.1 answering each POST with `answer`, keeping
// the last request.
struct TokenEndpointStandIn {
  explicit TokenEndpointStandIn(HttpResponse canned) : answer(std::move(canned)) {
    HttpServerOptions options;
    options.address = "127.0.0.1";
    options.port = 0;
    options.shutdown_timeout = std::chrono::milliseconds(100);
    server = std::make_unique<HttpServer>(options, [this](const HttpRequest& request) {
      std::lock_guard lock(mutex);
      last = request;
      return answer;
    });
    REQUIRE(server->Start().ok());
  }
  ~TokenEndpointStandIn() { server->Stop(); }
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(server->port()) + "/token";
  }

  std::mutex mutex;
  HttpResponse answer;
  HttpRequest last;
  std::unique_ptr<HttpServer> server;
};

HttpResponse Answer(int status, std::string body, std::string type = "application/json") {
  HttpResponse response;
  response.status = status;
  response.content_type = std::move(type);
  response.body = std::move(body);
  return response;
}

std::shared_ptr<const OutboundHttpClient> Client(std::size_t max_body_bytes = 1024 * 1024) {
  OutboundHttpOptions options;
  options.timeout = std::chrono::milliseconds(3000);
  options.max_body_bytes = max_body_bytes;
  Result<std::unique_ptr<OutboundHttpClient>> client = OutboundHttpClient::Create(options);
  REQUIRE(client.ok());
  return std::move(client).value();
}

TokenExchange ExchangeAt(const std::string& url) {
  return {url, "the-code", "the-verifier-0123456789012345678901234567890", "https://rp/cb"};
}

TEST_CASE("token client: posts the code, verifier and redirect URI, authenticated as the client") {
  TokenEndpointStandIn endpoint(
      Answer(200, R"({"id_token":"h.p.s","access_token":"at","token_type":"Bearer"})"));
  OidcTokenClient client(Client(), "motcua", "s:e%c");
  Result<TokenResponse> tokens = client.Exchange(ExchangeAt(endpoint.Url()));
  REQUIRE_MESSAGE(tokens.ok(), (tokens.ok() ? "" : tokens.error().message()));
  CHECK(tokens->id_token == "h.p.s");
  CHECK(tokens->access_token == "at");
  std::lock_guard lock(endpoint.mutex);
  CHECK(endpoint.last.method == "POST");
  CHECK(endpoint.last.Header("Content-Type") == "application/x-www-form-urlencoded");
  CHECK(endpoint.last.Header("Authorization") == ClientSecretBasicAuthorization("motcua", "s:e%c"));
  CHECK(endpoint.last.body ==
        "grant_type=authorization_code&code=the-code&redirect_uri=https%3A%2F%2Frp%2Fcb"
        "&code_verifier=the-verifier-0123456789012345678901234567890");
}

TEST_CASE("token client: every answer that is not a token response is a refusal with a reason") {
  struct Case {
    const char* name;
    HttpResponse answer;
    ErrorCode code;
    const char* in_message;
  };
  const Case cases[] = {
      {"invalid_grant", Answer(400, R"({"error":"invalid_grant"})"), ErrorCode::kUnauthenticated,
       "\"invalid_grant\""},
      {"401 without JSON", Answer(401, "no", "text/plain"), ErrorCode::kUnauthenticated,
       "status 401"},
      {"200 HTML", Answer(200, "<html>", "text/html"), ErrorCode::kUnauthenticated, "not a JSON"},
      {"200 array", Answer(200, "[]"), ErrorCode::kUnauthenticated, "not a JSON"},
      {"no id_token", Answer(200, R"({"access_token":"at"})"), ErrorCode::kUnauthenticated,
       "no id_token"},
      {"id_token not a string", Answer(200, R"({"id_token":7})"), ErrorCode::kUnauthenticated,
       "no id_token"},
      {"empty id_token", Answer(200, R"({"id_token":""})"), ErrorCode::kUnauthenticated,
       "no id_token"},
      {"server error", Answer(503, R"({"error":"temporarily_unavailable"})"),
       ErrorCode::kUnavailable, "status 503"},
      {"oversized", Answer(200, R"({"id_token":")" + std::string(5000, 'x') + "\"}"),
       ErrorCode::kUnavailable, "unreachable"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    TokenEndpointStandIn endpoint(c.answer);
    OidcTokenClient client(Client(/*max_body_bytes=*/4096), "motcua", "secret");
    Result<TokenResponse> tokens = client.Exchange(ExchangeAt(endpoint.Url()));
    REQUIRE_FALSE(tokens.ok());
    CHECK(tokens.error().code() == c.code);
    CHECK(tokens.error().reason() == ErrorReason::kTokenEndpointRefused);
    CHECK(tokens.error().message().find(c.in_message) != std::string::npos);
    CHECK(tokens.error().message().find("the-code") == std::string::npos);
    CHECK(tokens.error().message().find("secret") == std::string::npos);
  }
}

TEST_CASE("token client: an endpoint nobody listens on is unavailable, not an exception") {
  OidcTokenClient client(Client(), "motcua", "secret");
  Result<TokenResponse> tokens = client.Exchange(ExchangeAt("http://127.0.0.1:1/token"));
  REQUIRE_FALSE(tokens.ok());
  CHECK(tokens.error().code() == ErrorCode::kUnavailable);
  CHECK(tokens.error().reason() == ErrorReason::kTokenEndpointRefused);
}

}  // namespace
}  // namespace motcua
