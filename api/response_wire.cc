#include "api/response_wire.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace motcua {
namespace {

// RFC 9110, 5.6.2: tchar.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  constexpr std::string_view kSymbols = "!#$%&'*+-.^_`|~";
  return kSymbols.find(c) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenChar);
}

bool IsSafeValue(std::string_view value) {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

bool IsOwnedByServer(std::string_view name) {
  return EqualsIgnoreCase(name, "Content-Length") || EqualsIgnoreCase(name, "Transfer-Encoding") ||
         EqualsIgnoreCase(name, "Connection") || EqualsIgnoreCase(name, "Server");
}

bool MayHaveContentLength(int status) {
  return status >= 200 && status != 204 && status != 304;
}

void AppendNumber(std::string& out, std::size_t number) {
  std::array<char, 24> digits{};
  const auto [end, error] = std::to_chars(digits.data(), digits.data() + digits.size(), number);
  out.append(digits.data(), end);
}

void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}

}  // namespace

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 101: return "Switching Protocols";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 203: return "Non-Authoritative Information";
    case 204: return "No Content";
    case 205: return "Reset Content";
    case 206: return "Partial Content";
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 402: return "Payment Required";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 417: return "Expectation Failed";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 425: return "Too Early";
    case 426: return "Upgrade Required";
    case 428: return "Precondition Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

ResponseWire ToWire(HttpResponse response, const ResponseFraming& framing) {
  ResponseWire wire;
  std::string& head = wire.head;
  std::size_t estimate = 96 + response.content_type.size();
  for (const HttpHeader& header : response.headers) {
    estimate += header.name.size() + header.value.size() + 4;
  }
  head.reserve(estimate);

  head.append(framing.version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  const int status = (response.status >= 100 && response.status <= 999) ? response.status : 500;
  AppendNumber(head, static_cast<std::size_t>(status));
  head.push_back(' ');
  head.append(ReasonPhrase(status)).append("\r\n");
  AppendHeader(head, "Server", "motcua");
  if (!response.content_type.empty() && IsSafeValue(response.content_type)) {
    AppendHeader(head, "Content-Type", response.content_type);
  }
  for (const HttpHeader& header : response.headers) {
    if (IsOwnedByServer(header.name) || !IsToken(header.name) || !IsSafeValue(header.value)) {
      continue;
    }
    AppendHeader(head, header.name, header.value);
  }
  if (framing.version == 10) {
    if (framing.keep_alive) AppendHeader(head, "Connection", "keep-alive");
  } else if (!framing.keep_alive) {
    AppendHeader(head, "Connection", "close");
  }
  if (MayHaveContentLength(status)) {
    head.append("Content-Length: ");
    AppendNumber(head, response.body.size());
    head.append("\r\n");
  }
  head.append("\r\n");
  if (!framing.is_head && MayHaveContentLength(status)) wire.body = std::move(response.body);
  return wire;
}

}  // namespace motcua
