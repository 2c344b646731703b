#include "api/http_message.h"

#include <array>
#include <cstddef>
#include <utility>

namespace motcua {

std::string MethodLabel(std::string_view method) {
  static constexpr std::array<std::string_view, 9> kKnownMethods = {
      "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"};
  for (std::string_view known : kKnownMethods) {
    if (method == known) return std::string(known);
  }
  return "OTHER";
}
namespace {

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

std::string_view TrimOptionalWhitespace(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::optional<std::string_view> FindHeader(const std::vector<HttpHeader>& headers,
                                           std::string_view name) {
  for (const HttpHeader& header : headers) {
    if (EqualsIgnoreCase(header.name, name)) return std::string_view(header.value);
  }
  return std::nullopt;
}

bool IsJsonMediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kApplication = "application/";
  constexpr std::string_view kSuffix = "+json";
  if (type.size() <= kApplication.size() ||
      !EqualsIgnoreCase(type.substr(0, kApplication.size()), kApplication)) {
    return false;
  }
  const std::string_view subtype = type.substr(kApplication.size());
  if (EqualsIgnoreCase(subtype, "json")) return true;
  if (subtype.size() <= kSuffix.size()) return false;
  const std::string_view name = subtype.substr(0, subtype.size() - kSuffix.size());
  // The subtype name is a token (RFC 9110, 5.6.2) without "/".
  for (char c : name) {
    const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!token) return false;
  }
  return EqualsIgnoreCase(subtype.substr(name.size()), kSuffix);
}

std::optional<std::string> PercentDecode(std::string_view text, bool plus_as_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      decoded.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      decoded.push_back(' ');
    } else {
      decoded.push_back(c);
    }
  }
  return decoded;
}

HttpRequest MakeHttpRequest(std::string method, std::string target, std::string body) {
  HttpRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  request.body = std::move(body);

  std::string_view target_view = request.target;
  std::size_t question = target_view.find('?');
  std::string_view raw_path = target_view.substr(0, question);
  std::string_view raw_query =
      question == std::string_view::npos ? std::string_view() : target_view.substr(question + 1);

  std::optional<std::string> path = PercentDecode(raw_path, /*plus_as_space=*/false);
  if (!path) return request;

  std::multimap<std::string, std::string> query;
  while (!raw_query.empty()) {
    std::size_t amp = raw_query.find('&');
    std::string_view pair = raw_query.substr(0, amp);
    raw_query = amp == std::string_view::npos ? std::string_view() : raw_query.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t equals = pair.find('=');
    std::optional<std::string> key = PercentDecode(pair.substr(0, equals), true);
    std::optional<std::string> value = PercentDecode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1), true);
    if (!key || !value) return request;
    query.emplace(std::move(*key), std::move(*value));
  }
  request.path = std::move(*path);
  request.query = std::move(query);
  return request;
}

}  // namespace motcua
