// Smaller defects of issue 14.16 in how a body is framed and typed:
// `Content-Type: application/jsonp` was read as JSON (only application/json
// and application/*+json are JSON; anything else is 415), and
// `Transfer-Encoding: gzip, chunked` was processed as chunked (a transfer
// coding the server does not implement is 501).
#include <string>

#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

TEST_CASE("hostile framing: a body typed application/jsonp is 415, not read as JSON") {
  LiveServer server;
  const std::string citizen = server.Token("001090012345", "applicant");
  const std::string body = R"({"procedure":"1.004222","agency":"000.00.01.H26"})";
  // Read as JSON, the body is answered on its content (form and documents
  // are missing), whatever exactly that answer is.
  const int read = server.Send("POST", "/v1/dossiers", citizen, body).status;
  CHECK(read >= 400);
  CHECK(read < 500);
  CHECK(read != 415);
  struct Case {
    const char* content_type;
    int status;
  };
  const Case cases[] = {
      {"application/jsonp", 415},
      {"application/json-patch", 415},
      {"text/json", 415},
      {"application/json; charset=utf-8", read},
      {"application/problem+json", read},
  };
  for (const Case& c : cases) {
    INFO(c.content_type);
    const LiveReply reply = server.Send("POST", "/v1/dossiers", citizen, body, c.content_type);
    CHECK(reply.status == c.status);
    if (c.status == 415) {
      CHECK(reply.Json().value("type", "") ==
            "https://motcua.example/problems/unsupported_media_type");
    }
  }
}

TEST_CASE("hostile framing: Transfer-Encoding other than chunked alone is 501 and closes") {
  LiveServer server;
  const std::string citizen = server.Token("001090012345", "applicant");
  const std::string body = R"({"procedure":"1.004222"})";
  const int read = server.Send("POST", "/v1/dossiers", citizen, body).status;
  CHECK(read != 501);
  char size[16];
  std::snprintf(size, sizeof size, "%zx", body.size());
  const std::string chunked = std::string(size) + "\r\n" + body + "\r\n0\r\n\r\n";
  struct Case {
    const char* transfer_encoding;
    int status;
  };
  const Case cases[] = {
      {"gzip, chunked", 501},
      {"x-custom, chunked", 501},
      {"chunked", read},  // read and answered as with Content-Length
  };
  for (const Case& c : cases) {
    INFO(c.transfer_encoding);
    const LiveReply reply = server.Exchange(
        "POST /v1/dossiers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        "Authorization: Bearer " +
        citizen + "\r\nContent-Type: application/json\r\nTransfer-Encoding: " +
        c.transfer_encoding + "\r\n\r\n" + chunked);
    CHECK(reply.status == c.status);
    if (c.status == 501) {
      CHECK(reply.HasHeader("Content-Type: application/problem+json"));
      CHECK(reply.Json().value("type", "") ==
            "https://motcua.example/problems/transfer_encoding_not_implemented");
    }
  }
  CHECK(server.Alive());
}

}  // namespace
}  // namespace motcua
