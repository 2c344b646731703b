#include "api/webhook_client.h"

#include <exception>

#include "api/feed_routes.h"
#include "engine/domain/http_url.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

constexpr std::size_t kMaxResponseBytes = 64 * 1024;

Error BadUrl(const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, "--feed-webhook " + why);
}

OutboundHttpOptions WebhookHttpOptions(std::chrono::milliseconds timeout) {
  OutboundHttpOptions options;
  options.timeout = timeout;
  options.max_body_bytes = kMaxResponseBytes;
  options.plain_http_to_any_host = true;
  return options;
}

}  // namespace

Result<WebhookUrl> ParseWebhookUrl(std::string_view url) {
  if (url.substr(0, 7) != "http://") {
    return BadUrl("must be an http:// URL (https is not supported)");
  }
  Result<HttpUrl> parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return BadUrl(parsed.error().message());
  return WebhookUrl{parsed->host, parsed->port, parsed->target};
}

WebhookClient::WebhookClient(WebhookUrl url, std::chrono::milliseconds timeout)
    : url_("http://" + (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) +
           ":" + url.port + url.target),
      client_(OutboundHttpClient::Create(WebhookHttpOptions(timeout))) {}

Status WebhookClient::Deliver(const StoredOutboxEntry& entry) {
  RETURN_IF_ERROR(client_);
  std::string body;
  try {
    body = FeedItemJson(entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } catch (const std::exception& e) {
    return Error(ErrorCode::kInternal, std::string("feed entry cannot be encoded: ") + e.what());
  }
  Result<OutboundResponse> response = (*client_)->Post(
      url_, "application/json", std::move(body),
      {{"User-Agent", "motcua-feed"}, {"X-Motcua-Entry-Id", std::to_string(entry.id)}});
  if (!response.ok()) {
    return Error(ErrorCode::kUnavailable, "webhook " + response.error().message());
  }
  if (response->status < 200 || response->status > 299) {
    return Error(ErrorCode::kUnavailable, "webhook answered " + std::to_string(response->status) +
                                              " for entry " + std::to_string(entry.id));
  }
  return Status();
}

}  // namespace motcua
