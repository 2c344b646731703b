#include "api/request_log.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <random>

namespace motcua {
namespace {

// `elapsed` in milliseconds, to the microsecond, as the log writes it.
double RoundedMilliseconds(std::chrono::steady_clock::duration elapsed) {
  const std::chrono::duration<double, std::milli> ms = elapsed;
  return std::round(ms.count() * 1000.0) / 1000.0;
}

}  // namespace

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > kMaxRequestIdLength) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == ':' || c == '-';
  });
}

std::string NewRequestId() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (int half = 0; half < 2; ++half) {
    std::uint64_t bits = generator();
    for (int digit = 0; digit < 16; ++digit, bits >>= 4) id.push_back(kHex[bits & 0xF]);
  }
  return id;
}

std::string RequestIdOf(const HttpRequest& request) {
  std::optional<std::string_view> sent = request.Header(kRequestIdHeader);
  if (sent && IsAcceptableRequestId(*sent)) return std::string(*sent);
  return NewRequestId();
}

RequestLogScope::RequestLogScope(const Logger* logger, HttpRequest& request)
    : logger_(logger),
      request_(request),
      request_id_(RequestIdOf(request)),
      start_(std::chrono::steady_clock::now()) {
  if (request.facts == nullptr) request.facts = std::make_shared<RequestFacts>();
  facts_ = request.facts;
}

void RequestLogScope::Finish(HttpResponse& response) {
  std::erase_if(response.headers, [](const HttpHeader& header) {
    return EqualsIgnoreCase(header.name, kRequestIdHeader);
  });
  response.headers.push_back({std::string(kRequestIdHeader), request_id_});
  const bool quiet = response.status < 400 &&
                     std::find(std::begin(kQuietRoutes), std::end(kQuietRoutes), facts_->route) !=
                         std::end(kQuietRoutes);
  const LogLevel level = response.status >= 500 ? LogLevel::kError
                         : quiet                ? LogLevel::kDebug
                                                : LogLevel::kInfo;
  if (logger_ == nullptr || !logger_->Enabled(level)) return;
  const std::chrono::steady_clock::duration elapsed = std::chrono::steady_clock::now() - start_;
  LogFields fields;
  fields.Text("request_id", request_id_).Text("method", MethodLabel(request_.method));
  if (facts_->route.empty()) {
    fields.Null("route");
  } else {
    fields.Text("route", facts_->route);
  }
  fields.Integer("status", response.status).Decimal("duration_ms", RoundedMilliseconds(elapsed));
  if (request_.read_at) {
    fields.Decimal("queued_ms",
                   RoundedMilliseconds(std::max(start_ - *request_.read_at,
                                                std::chrono::steady_clock::duration::zero())));
  }
  fields.Integer("bytes_in", static_cast<std::int64_t>(request_.body.size()))
      .Integer("bytes_out", static_cast<std::int64_t>(response.body.size()))
      .Text("remote", request_.remote_address);
  if (!facts_->user_id.empty()) {
    fields.Text("user_id", facts_->user_id).Text("auth_method", facts_->auth_method);
  }
  logger_->Log(level, "http_request", fields);
}

}  // namespace motcua
