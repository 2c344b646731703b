#include "api/webhook_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <exception>
#include <optional>

#include "api/feed_routes.h"

namespace motcua {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::size_t kMaxResponseBytes = 64 * 1024;

Error BadUrl(const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, "--feed-webhook " + why);
}

}  // namespace

Result<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return BadUrl("must be an http:// URL (https is not supported)");
  }
  std::string_view rest = url.substr(kScheme.size());
  const std::size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  WebhookUrl parsed;
  if (slash != std::string_view::npos) parsed.target = std::string(rest.substr(slash));
  if (authority.find('@') != std::string_view::npos) return BadUrl("must not carry user info");
  std::string_view host = authority;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl("has an unclosed [IPv6] host");
    host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty() && authority.front() != ':') return BadUrl("has a malformed host");
  } else {
    const std::size_t colon = authority.rfind(':');
    host = authority.substr(0, colon);
    authority = colon == std::string_view::npos ? std::string_view() : authority.substr(colon);
  }
  if (host.empty()) return BadUrl("needs a host");
  parsed.host = std::string(host);
  if (!authority.empty()) {  // ":PORT"
    const std::string_view port = authority.substr(1);
    unsigned value = 0;
    auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || error != std::errc() || end != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return BadUrl("has a bad port");
    }
    parsed.port = std::string(port);
  }
  return parsed;
}

WebhookClient::WebhookClient(WebhookUrl url, std::chrono::milliseconds timeout)
    : url_(std::move(url)), timeout_(timeout) {}

Status WebhookClient::Deliver(const StoredOutboxEntry& entry) {
  std::string body;
  try {
    body = FeedItemJson(entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, std::string("feed entry cannot be encoded: ") + e.what());
  }
  http::request<http::string_body> request{http::verb::post, url_.target, 11};
  request.set(http::field::host, url_.host + ":" + url_.port);
  request.set(http::field::user_agent, "motcua-feed");
  request.set(http::field::content_type, "application/json");
  request.set(http::field::connection, "close");
  request.set("X-Motcua-Entry-Id", std::to_string(entry.id));
  request.body() = std::move(body);
  request.prepare_payload();

  // Asynchronous operations on a private io_context, so that the stream's
  // timeout (which applies only to asynchronous operations) bounds each step.
  try {
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    beast::tcp_stream stream(ioc);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    std::optional<std::string> failure;
    auto fail = [&](const char* what, beast::error_code ec) {
      failure = std::string(what) + ": " + ec.message();
    };
    stream.expires_after(timeout_);
    resolver.async_resolve(
        url_.host, url_.port, [&](beast::error_code ec, const tcp::resolver::results_type& found) {
          if (ec) return fail("resolve", ec);
          stream.async_connect(found, [&](beast::error_code connect_ec, const tcp::endpoint&) {
            if (connect_ec) return fail("connect", connect_ec);
            http::async_write(stream, request, [&](beast::error_code write_ec, std::size_t) {
              if (write_ec) return fail("write", write_ec);
              http::async_read(stream, buffer, parser, [&](beast::error_code read_ec, std::size_t) {
                if (read_ec) return fail("read", read_ec);
              });
            });
          });
        });
    // The stream's timer does not cover resolving; this bounds it.
    ioc.run_for(timeout_ + std::chrono::seconds(1));
    if (!ioc.stopped()) {
      // Cancel what is left and let its handlers run while the locals live.
      resolver.cancel();
      stream.close();
      ioc.restart();
      ioc.run();
      failure = "timed out";
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (failure) return Error(ErrorCode::kUnavailable, "webhook " + *failure);
    const unsigned status = parser.get().result_int();
    if (status < 200 || status > 299) {
      return Error(ErrorCode::kUnavailable, "webhook answered " + std::to_string(status) +
                                                " for entry " + std::to_string(entry.id));
    }
    return Status();
  } catch (const std::exception& e) {
    return Error(ErrorCode::kUnavailable, std::string("webhook: ") + e.what());
  }
}

}  // namespace motcua
