#include "engine/domain/http_url.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstddef>

namespace motcua {
namespace {

Error BadUrl(std::string_view url, const std::string& why) {
  return Error(ErrorCode::kInvalidArgument,
               "URL \"" + std::string(url.substr(0, 200)) + "\" " + why);
}

// A decimal number in [0, most] without sign or leading zeros.
bool ParseDecimal(std::string_view text, unsigned most, unsigned& value) {
  if (text.empty() || (text.size() > 1 && text.front() == '0')) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value <= most;
}

bool IsIpv4InLoopbackNet(std::string_view host) {
  unsigned octets[4] = {};
  for (unsigned& octet : octets) {
    const std::size_t dot = host.find('.');
    if (!ParseDecimal(host.substr(0, dot), 255, octet)) return false;
    host = dot == std::string_view::npos ? std::string_view() : host.substr(dot + 1);
    if (dot == std::string_view::npos && &octet != &octets[3]) return false;
    if (dot != std::string_view::npos && &octet == &octets[3]) return false;
  }
  return octets[0] == 127;
}

}  // namespace

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  HttpUrl parsed;
  std::string_view rest;
  if (url.substr(0, 8) == "https://") {
    parsed.port = "443";
    rest = url.substr(8);
  } else if (url.substr(0, 7) == "http://") {
    parsed.tls = false;
    parsed.port = "80";
    rest = url.substr(7);
  } else {
    return BadUrl(url, "must be an https:// (or loopback http://) URL");
  }
  if (std::any_of(url.begin(), url.end(),
                  [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; })) {
    return BadUrl(url, "has a space or control character");
  }
  if (url.find('#') != std::string_view::npos) return BadUrl(url, "must not carry a fragment");
  const std::size_t path_start = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_start);
  if (path_start != std::string_view::npos) {
    parsed.target = std::string(rest.substr(path_start));
    if (parsed.target.front() == '?') parsed.target.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos) return BadUrl(url, "must not carry user info");
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl(url, "has an unclosed [IPv6] host");
    host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') return BadUrl(url, "has a malformed host");
    has_port = !authority.empty();
    if (has_port) port = authority.substr(1);
  } else if (const std::size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) return BadUrl(url, "needs a host");
  parsed.host = std::string(host);
  if (has_port) {
    unsigned value = 0;
    if (!ParseDecimal(port, 65535, value) || value == 0) return BadUrl(url, "has a bad port");
    parsed.port = std::string(port);
  }
  return parsed;
}

bool IsLoopbackHost(std::string_view host) {
  std::string lower(host);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower == "localhost" || lower == "::1" || IsIpv4InLoopbackNet(lower);
}

bool IsAllowedProviderUrl(std::string_view url, bool allow_loopback_http) {
  Result<HttpUrl> parsed = ParseHttpUrl(url);
  return parsed.ok() && (parsed->tls || (allow_loopback_http && IsLoopbackHost(parsed->host)));
}

std::string FormUrlEncodeComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      encoded += c;
    } else if (c == ' ') {
      encoded += '+';
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xf];
    }
  }
  return encoded;
}

std::string FormUrlEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string encoded;
  for (const auto& [name, value] : fields) {
    if (!encoded.empty()) encoded += '&';
    encoded += FormUrlEncodeComponent(name);
    encoded += '=';
    encoded += FormUrlEncodeComponent(value);
  }
  return encoded;
}

}  // namespace motcua
