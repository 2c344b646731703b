// webhook_client.h: the HTTP client that pushes feed entries to a webhook.
//
// Each Deliver is one HTTP/1.1 POST on a fresh connection to the configured
// URL: the body is the entry as FeedItemJson (feed_routes.h), with headers
// "Content-Type: application/json" and "X-Motcua-Entry-Id: ID". A 2xx
// answer acknowledges the entry; anything else (another status, a refused or
// dropped connection, a timeout) is kUnavailable with a message saying what
// happened. Plain http only; the host may be any name or address.
//
// Requests go through OutboundHttpClient (outbound_http.h), allowed plain
// http to any host and at most 64 KiB of answer; this header and
// webhook_client.cc are free of Beast and Asio.
//
// Example:
//   Result<WebhookUrl> url = ParseWebhookUrl("http://127.0.0.1:9000/feed");
//   WebhookClient client(*url);
//   Status delivered = client.Deliver(entry);
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "api/outbound_http.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/service/feed_pusher.h"

namespace motcua {

struct WebhookUrl {
  std::string host;
  std::string port = "80";
  std::string target = "/";  // path and query
};

// Parses "http://HOST[:PORT][/PATH]". kInvalidArgument for another scheme
// (https is not supported), an empty host, a bad port, or user info.
Result<WebhookUrl> ParseWebhookUrl(std::string_view url);

class WebhookClient final : public FeedTransport {
 public:
  // `timeout` bounds each delivery: resolve, connect, write and read.
  explicit WebhookClient(WebhookUrl url,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

  Status Deliver(const StoredOutboxEntry& entry) override;

 private:
  std::string url_;
  Result<std::unique_ptr<OutboundHttpClient>> client_;
};

}  // namespace motcua
