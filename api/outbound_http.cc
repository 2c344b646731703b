#include "api/outbound_http.h"

#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <exception>
#include <optional>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

Error Unavailable(const HttpUrl& url, const std::string& what) {
  return Error(ErrorCode::kUnavailable,
               (url.tls ? "https://" : "http://") + url.host + ":" + url.port + ": " + what);
}

bool IsIpAddress(const std::string& host) {
  boost::system::error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

// One request on one connection, run on a private io_context so that the
// stream's deadline (which applies to asynchronous operations only) bounds
// every step, and so that no exception of a handler can escape.
class Exchange {
 public:
  Exchange(ssl::context& tls_context, const OutboundHttpOptions& options, const HttpUrl& url,
           http::request<http::string_body> request)
      : options_(options),
        url_(url),
        request_(std::move(request)),
        resolver_(io_),
        stream_(io_, tls_context) {
    parser_.body_limit(options.max_body_bytes);
    parser_.header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(options.max_header_bytes, UINT32_MAX)));
  }

  Result<OutboundResponse> Run() {
    beast::get_lowest_layer(stream_).expires_after(options_.timeout);
    resolver_.async_resolve(url_.host, url_.port,
                            [this](beast::error_code ec, const tcp::resolver::results_type& found) {
                              OnResolved(ec, found);
                            });
    // The stream's deadline does not cover resolving; this bounds it.
    io_.run_for(options_.timeout);
    if (!io_.stopped()) {
      resolver_.cancel();
      beast::get_lowest_layer(stream_).close();
      io_.restart();
      io_.run();
      failure_ = TimedOut();
    }
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().shutdown(tcp::socket::shutdown_both, ignored);
    if (failure_) return Unavailable(url_, *failure_);
    const http::response<http::string_body>& response = parser_.get();
    const int status = static_cast<int>(response.result_int());
    if (status >= 300 && status <= 399) {
      return Unavailable(
          url_, "answered " + std::to_string(status) + " (a redirect, which is not followed)");
    }
    OutboundResponse result;
    result.status = status;
    result.content_type = std::string(response[http::field::content_type]);
    result.body = response.body();
    return result;
  }

 private:
  std::string TimedOut() const {
    return "timed out after " + std::to_string(options_.timeout.count()) + " ms";
  }

  void Fail(const char* step, beast::error_code ec) {
    if (failure_) return;
    if (ec == beast::error::timeout) {
      failure_ = TimedOut() + " (" + step + ")";
    } else if (ec == http::error::body_limit) {
      failure_ = "response body larger than " + std::to_string(options_.max_body_bytes) + " bytes";
    } else if (ec == http::error::header_limit) {
      failure_ =
          "response header larger than " + std::to_string(options_.max_header_bytes) + " bytes";
    } else {
      failure_ = std::string(step) + ": " + ec.message();
    }
  }

  void OnResolved(beast::error_code ec, const tcp::resolver::results_type& found) {
    if (ec) return Fail("resolve", ec);
    if (!url_.tls && !options_.plain_http_to_any_host) {
      for (const auto& entry : found) {
        if (!entry.endpoint().address().is_loopback()) {
          failure_ = "plain http:// is allowed only to loopback, and " + url_.host +
                     " resolves to " + entry.endpoint().address().to_string();
          return;
        }
      }
    }
    beast::get_lowest_layer(stream_).async_connect(
        found, [this](beast::error_code connect_ec, const tcp::endpoint&) {
          if (connect_ec) return Fail("connect", connect_ec);
          if (url_.tls) return Handshake();
          WriteAndRead(beast::get_lowest_layer(stream_));
        });
  }

  void Handshake() {
    SSL* ssl = stream_.native_handle();
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const bool names_set =
        IsIpAddress(url_.host)
            ? X509_VERIFY_PARAM_set1_ip_asc(param, url_.host.c_str()) == 1
            : X509_VERIFY_PARAM_set1_host(param, url_.host.c_str(), url_.host.size()) == 1 &&
                  SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                           const_cast<char*>(url_.host.c_str())) == 1;
    if (!names_set) {
      failure_ = "cannot set the TLS host name to check";
      return;
    }
    stream_.async_handshake(ssl::stream_base::client, [this](beast::error_code ec) {
      if (!ec) return WriteAndRead(stream_);
      const long verify = SSL_get_verify_result(stream_.native_handle());
      if (verify != X509_V_OK) {
        failure_ =
            std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
        return;
      }
      Fail("TLS handshake", ec);
    });
  }

  template <class Stream>
  void WriteAndRead(Stream& stream) {
    http::async_write(stream, request_, [this, &stream](beast::error_code ec, std::size_t) {
      if (ec) return Fail("write", ec);
      http::async_read_header(
          stream, buffer_, parser_, [this, &stream](beast::error_code header_ec, std::size_t) {
            if (header_ec) return Fail("read", header_ec);
            // Beast checks body_limit against chunked and read-to-close
            // bodies only; a declared Content-Length is checked here.
            if (parser_.content_length().value_or(0) > options_.max_body_bytes) {
              return Fail("read", http::error::body_limit);
            }
            http::async_read(stream, buffer_, parser_,
                             [this](beast::error_code read_ec, std::size_t) {
                               if (read_ec) Fail("read", read_ec);
                             });
          });
    });
  }

  const OutboundHttpOptions& options_;
  const HttpUrl& url_;
  http::request<http::string_body> request_;
  asio::io_context io_;
  tcp::resolver resolver_;
  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  http::response_parser<http::string_body> parser_;
  std::optional<std::string> failure_;
};

}  // namespace

struct OutboundHttpClient::Impl {
  OutboundHttpOptions options;
  // Configured once in Create, then only read: OpenSSL allows sharing an
  // SSL_CTX between threads once it is set up.
  mutable ssl::context tls_context{ssl::context::tls_client};
};

Result<std::unique_ptr<OutboundHttpClient>> OutboundHttpClient::Create(
    OutboundHttpOptions options) {
  if (options.timeout.count() <= 0 || options.max_body_bytes == 0 ||
      options.max_header_bytes == 0) {
    return Error(ErrorCode::kInvalidArgument,
                 "outbound HTTP client: the timeout and the size limits must be positive");
  }
  auto impl = std::make_unique<Impl>();
  ssl::context& context = impl->tls_context;
  beast::error_code ec;
  context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                          ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                          ssl::context::no_tlsv1_1,
                      ec);
  if (!ec && SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION) != 1) {
    ec = beast::error_code(static_cast<int>(ERR_get_error()), asio::error::get_ssl_category());
  }
  if (!ec) context.set_verify_mode(ssl::verify_peer, ec);
  if (ec) {
    return Error(ErrorCode::kInternal, "outbound HTTP client: TLS set-up: " + ec.message());
  }
  if (options.ca_file.empty()) {
    context.set_default_verify_paths(ec);
  } else {
    context.load_verify_file(options.ca_file, ec);
  }
  if (ec) {
    return Error(ErrorCode::kInvalidArgument,
                 "outbound HTTP client: cannot load the trusted certificates " +
                     (options.ca_file.empty() ? std::string("of the system") : options.ca_file) +
                     ": " + ec.message());
  }
  impl->options = std::move(options);
  return std::unique_ptr<OutboundHttpClient>(new OutboundHttpClient(std::move(impl)));
}

OutboundHttpClient::OutboundHttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OutboundHttpClient::~OutboundHttpClient() = default;

Result<OutboundResponse> OutboundHttpClient::Get(std::string_view url,
                                                 const OutboundHeaders& headers) const {
  return Send(url, headers, {}, {});
}

Result<OutboundResponse> OutboundHttpClient::Post(std::string_view url,
                                                  std::string_view content_type, std::string body,
                                                  const OutboundHeaders& headers) const {
  return Send(url, headers, content_type, std::move(body));
}

Result<OutboundResponse> OutboundHttpClient::PostForm(
    std::string_view url, const std::vector<std::pair<std::string, std::string>>& form,
    const OutboundHeaders& headers) const {
  return Send(url, headers, "application/x-www-form-urlencoded", FormUrlEncode(form));
}

Result<std::string> OutboundHttpClient::Fetch(const std::string& url) const {
  ASSIGN_OR_RETURN(OutboundResponse response, Get(url, {{"Accept", "application/json"}}));
  if (response.status < 200 || response.status > 299) {
    return Error(ErrorCode::kUnavailable,
                 url.substr(0, 200) + " answered " + std::to_string(response.status));
  }
  return std::move(response.body);
}

Result<OutboundResponse> OutboundHttpClient::Send(std::string_view url,
                                                  const OutboundHeaders& headers,
                                                  std::string_view content_type,
                                                  std::string body) const {
  ASSIGN_OR_RETURN(HttpUrl parsed, ParseHttpUrl(url));
  if (!parsed.tls && !IsLoopbackHost(parsed.host) && !impl_->options.plain_http_to_any_host) {
    return Error(ErrorCode::kInvalidArgument,
                 "URL \"" + std::string(url.substr(0, 200)) +
                     "\" is plain http:// to a host that is not loopback; http:// is allowed "
                     "only to localhost, 127.0.0.0/8 and ::1, for tests");
  }
  try {
    const bool post = !content_type.empty();
    http::request<http::string_body> request{post ? http::verb::post : http::verb::get,
                                             parsed.target, 11};
    const bool default_port = parsed.port == (parsed.tls ? "443" : "80");
    const std::string host =
        parsed.host.find(':') != std::string::npos ? "[" + parsed.host + "]" : parsed.host;
    request.set(http::field::host, default_port ? host : host + ":" + parsed.port);
    request.set(http::field::user_agent, "motcua");
    request.set(http::field::connection, "close");
    for (const auto& [name, value] : headers) request.set(name, value);
    if (post) {
      request.set(http::field::content_type, std::string(content_type));
      request.body() = std::move(body);
    }
    request.prepare_payload();
    Exchange exchange(impl_->tls_context, impl_->options, parsed, std::move(request));
    return exchange.Run();
  } catch (const std::exception& e) {
    return Unavailable(parsed, e.what());
  }
}

}  // namespace motcua
