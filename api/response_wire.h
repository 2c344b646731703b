// response_wire.h: an HttpResponse as the bytes the server writes.
//
// The server (http_server.cc) writes the head this makes and then the body,
// in one gather write, without copying the body. The head is the status
// line, the handler's headers and the framing headers the server owns:
//  - Server: motcua;
//  - Content-Length: the body's size (for HEAD, the size the body would
//    have), except in 1xx, 204 and 304 answers, which never carry one
//    (RFC 9110, 8.6);
//  - Connection: "close" when an HTTP/1.1 connection ends after this answer,
//    "keep-alive" when an HTTP/1.0 one stays open.
// A handler's own Content-Length, Transfer-Encoding, Connection and Server
// headers are dropped, and so is any header whose name is not an RFC 9110
// token or whose value holds CR, LF or NUL: a header can never split the
// response (response splitting), whatever text reached it.
//
// Example:
//   ResponseWire wire = ToWire(std::move(response), {11, true, false});
//   std::array buffers{asio::buffer(wire.head), asio::buffer(wire.body)};
#pragma once

#include <string>
#include <string_view>

#include "api/http_message.h"

namespace motcua {

struct ResponseFraming {
  unsigned version = 11;   // the request's: 10 (HTTP/1.0) or 11 (HTTP/1.1)
  bool keep_alive = true;  // the connection stays open after this answer
  bool is_head = false;    // the request was HEAD: no body is sent
};

struct ResponseWire {
  std::string head;  // status line and headers, through the blank line
  std::string body;  // empty for HEAD
};

ResponseWire ToWire(HttpResponse response, const ResponseFraming& framing);

// The reason phrase of `status` (RFC 9110, section 15), e.g. "Not Found";
// "Unknown" for a code it does not list.
std::string_view ReasonPhrase(int status);

}  // namespace motcua
