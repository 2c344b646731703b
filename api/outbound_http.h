// outbound_http.h: the HTTPS client through which the engine talks to
// OpenID providers (discovery documents, key sets, the token endpoint).
//
// Each request is one HTTP/1.1 exchange on a fresh connection
// ("Connection: close"), with these rules:
//   - https:// URLs: TLS 1.2 or later, SNI set to the host (unless it is an
//     IP address), the peer's certificate verified against the system trust
//     store or, when OutboundHttpOptions::ca_file is set, against that file
//     alone, and its names checked against the URL's host;
//   - http:// URLs only to a loopback host ("localhost", 127.0.0.0/8, ::1),
//     and only if every address the host resolves to is loopback: plain HTTP
//     exists for tests against a local provider (and for the feed webhook,
//     with plain_http_to_any_host);
//   - `timeout` bounds the whole request: resolve, connect, handshake, write
//     and read (one limit: a call fails with "timed out" once it is spent).
//     Caveat: the system resolver (getaddrinfo) cannot be interrupted, so a
//     DNS lookup that hangs past the timeout makes the call return when the
//     resolver gives up, still as a timeout; IP literals and /etc/hosts
//     names never wait on DNS;
//   - a response header over max_header_bytes or a body over max_body_bytes
//     is refused, never truncated;
//   - redirects are not followed (a provider's endpoints are configured or
//     discovered, never moved by a 3xx).
// Every failure is an Error, never an exception:
//   kInvalidArgument  the URL does not parse (ParseHttpUrl, http_url.h), or
//                     is plain HTTP to a host that is not loopback;
//   kUnavailable      DNS, connection, TLS (the message says which check
//                     failed, e.g. "certificate verify failed: hostname
//                     mismatch"), timeout, a header or body over its limit,
//                     or a 3xx answer (the message names the status).
// Other statuses (2xx, 4xx, 5xx) are responses: the caller decides (the
// token endpoint answers errors as 400 with a JSON body). Fetch (the
// JwksFetcher port) is the exception: it wants a 2xx.
//
// This header is free of Beast and Asio; outbound_http.cc is the only file
// that uses them for this client.
//
// Thread safety: a client is immutable after Create; any number of threads
// may send requests through one client at once.
//
// Example:
//   Result<std::unique_ptr<OutboundHttpClient>> client =
//       OutboundHttpClient::Create({.ca_file = provider.ca_file});
//   Result<OutboundResponse> tokens = (*client)->PostForm(
//       token_endpoint, {{"grant_type", "authorization_code"}, {"code", code}},
//       {{"Authorization", basic_credentials}});
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/domain/http_url.h"
#include "engine/domain/status.h"
#include "engine/service/jwks_fetcher.h"

namespace motcua {

struct OutboundHttpOptions {
  // PEM file of the certificate authorities to trust instead of the system
  // trust store; empty: the system trust store.
  std::string ca_file;
  std::chrono::milliseconds timeout{10'000};
  std::size_t max_body_bytes = 1024 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  // Plain http to any host, not only loopback: for the sync feed's webhook
  // (webhook_client.h), never for an identity provider.
  bool plain_http_to_any_host = false;
};

using OutboundHeaders = std::vector<std::pair<std::string, std::string>>;

struct OutboundResponse {
  int status = 0;
  std::string content_type;
  std::string body;
};

class OutboundHttpClient final : public JwksFetcher {
 public:
  // Loads the trust anchors. kInvalidArgument when ca_file cannot be loaded,
  // a limit or the timeout is zero.
  static Result<std::unique_ptr<OutboundHttpClient>> Create(OutboundHttpOptions options);
  ~OutboundHttpClient() override;

  Result<OutboundResponse> Get(std::string_view url, const OutboundHeaders& headers = {}) const;
  // POST of `body` as `content_type`.
  Result<OutboundResponse> Post(std::string_view url, std::string_view content_type,
                                std::string body, const OutboundHeaders& headers = {}) const;
  // POST with body FormUrlEncode(form) (http_url.h) as application/x-www-form-urlencoded.
  Result<OutboundResponse> PostForm(std::string_view url,
                                    const std::vector<std::pair<std::string, std::string>>& form,
                                    const OutboundHeaders& headers = {}) const;
  // GET `url`; the body of a 2xx answer, kUnavailable for any other status.
  Result<std::string> Fetch(const std::string& url) const override;

 private:
  struct Impl;
  explicit OutboundHttpClient(std::unique_ptr<Impl> impl);
  // A GET when `content_type` is empty, otherwise a POST of `body`.
  Result<OutboundResponse> Send(std::string_view url, const OutboundHeaders& headers,
                                std::string_view content_type, std::string body) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace motcua
