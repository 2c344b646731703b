#include "api/response_wire.h"

#include <doctest/doctest.h>

#include <string>

#include "api/handler_support.h"

namespace motcua {
namespace {

TEST_CASE("response_wire: status line, server, type, handler headers, length, then the body") {
  HttpResponse response = JsonTextResponse(201, R"({"code":"A"})");
  response.headers.push_back({"Location", "/v1/dossiers/A"});
  response.headers.push_back({"X-Request-Id", "abc"});
  const ResponseWire wire = ToWire(response, {11, true, false});
  CHECK(wire.head ==
        "HTTP/1.1 201 Created\r\n"
        "Server: motcua\r\n"
        "Content-Type: application/json\r\n"
        "Location: /v1/dossiers/A\r\n"
        "X-Request-Id: abc\r\n"
        "Content-Length: 12\r\n"
        "\r\n");
  CHECK(wire.body == R"({"code":"A"})");
}

TEST_CASE("response_wire: the connection header follows the version and keep-alive") {
  const HttpResponse response = JsonTextResponse(200, "{}");
  CHECK(ToWire(response, {11, true, false}).head.find("Connection") == std::string::npos);
  CHECK(ToWire(response, {11, false, false}).head.find("Connection: close\r\n") !=
        std::string::npos);
  const ResponseWire old_kept = ToWire(response, {10, true, false});
  CHECK(old_kept.head.rfind("HTTP/1.0 200 OK\r\n", 0) == 0);
  CHECK(old_kept.head.find("Connection: keep-alive\r\n") != std::string::npos);
  CHECK(ToWire(response, {10, false, false}).head.find("Connection") == std::string::npos);
}

TEST_CASE("response_wire: HEAD gets the length of the body it does not get") {
  const ResponseWire wire = ToWire(JsonTextResponse(200, R"({"status":"ok"})"), {11, true, true});
  CHECK(wire.head.find("Content-Length: 15\r\n") != std::string::npos);
  CHECK(wire.body.empty());
}

TEST_CASE("response_wire: 204 and 304 answers carry no length and no body") {
  for (int status : {204, 304}) {
    CAPTURE(status);
    HttpResponse response;
    response.status = status;
    response.body = "stray";
    const ResponseWire wire = ToWire(response, {11, true, false});
    CHECK(wire.head.find("Content-Length") == std::string::npos);
    CHECK(wire.body.empty());
  }
}

TEST_CASE("response_wire: framing headers are the server's, whatever the handler set") {
  HttpResponse response = JsonTextResponse(200, "{}");
  response.headers.push_back({"content-length", "999"});
  response.headers.push_back({"Transfer-Encoding", "chunked"});
  response.headers.push_back({"CONNECTION", "upgrade"});
  response.headers.push_back({"Server", "other"});
  const ResponseWire wire = ToWire(response, {11, true, false});
  CHECK(wire.head ==
        "HTTP/1.1 200 OK\r\n"
        "Server: motcua\r\n"
        "Content-Type: application/json\r\n"
        "Content-Length: 2\r\n"
        "\r\n");
}

TEST_CASE("response_wire: a header that could split the response is dropped") {
  HttpResponse response = JsonTextResponse(302, "");
  response.headers.push_back({"Location", "/x\r\nSet-Cookie: stolen=1"});
  response.headers.push_back({"Bad Name", "v"});
  response.headers.push_back({"X-Nul", std::string("a\0b", 3)});
  response.headers.push_back({"", "empty name"});
  response.headers.push_back({"X-Kept", "fine"});
  response.content_type = "text/plain\nX-Evil: 1";
  const ResponseWire wire = ToWire(response, {11, true, false});
  CHECK(wire.head ==
        "HTTP/1.1 302 Found\r\n"
        "Server: motcua\r\n"
        "X-Kept: fine\r\n"
        "Content-Length: 0\r\n"
        "\r\n");
}

TEST_CASE("response_wire: an impossible status is sent as 500, an unlisted one as Unknown") {
  CHECK(ToWire(JsonTextResponse(42, "{}"), {11, true, false}).head.rfind("HTTP/1.1 500 ", 0) == 0);
  CHECK(ToWire(JsonTextResponse(299, "{}"), {11, true, false})
            .head.rfind("HTTP/1.1 299 Unknown\r\n", 0) == 0);
  CHECK(ReasonPhrase(413) == "Content Too Large");
  CHECK(ReasonPhrase(429) == "Too Many Requests");
}

}  // namespace
}  // namespace motcua
