#include "api/handler_support.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <ctime>
#include <vector>

#include "api/problem.h"
#include "api/router.h"
#include "engine/domain/json_parse.h"

namespace motcua {

using nlohmann::json;

namespace {
constexpr int kDefaultPageSize = 50;
}  // namespace

// RFC 3339 in UTC, e.g. "2026-03-02T01:00:00Z".
std::string FormatInstant(Instant t) {
  const std::time_t seconds = static_cast<std::time_t>(t.time_since_epoch().count());
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

json OptionalInstant(const std::optional<Instant>& t) {
  return t ? json(FormatInstant(*t)) : json(nullptr);
}

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return response;
}

Result<json> ParseJsonBody(const HttpRequest& request) {
  std::optional<std::string_view> type = request.Header("Content-Type");
  if (!type || !IsJsonMediaType(*type)) {
    return Error(ErrorCode::kInvalidArgument,
                 "the body must be application/json (or an application/*+json type)",
                 ErrorReason::kUnsupportedMediaType);
  }
  if (!IsValidUtf8(request.body)) {
    return Error(ErrorCode::kInvalidArgument, "the body is not valid UTF-8",
                 ErrorReason::kMalformedJson);
  }
  Result<json> body = ParseJson(request.body, kRequestJsonLimits);
  if (!body.ok()) {
    const Error& error = body.error();
    const ErrorReason reason =
        error.reason() == ErrorReason::kInvalidJson ? ErrorReason::kMalformedJson : error.reason();
    return Error(ErrorCode::kInvalidArgument, error.message(), reason, {{"", error.message()}});
  }
  return body;
}

Result<json> ParseObjectBody(const HttpRequest& request,
                             std::initializer_list<std::string_view> allowed) {
  return ParseObjectBody(request,
                         std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

Result<json> ParseObjectBody(const HttpRequest& request,
                             std::span<const std::string_view> allowed) {
  Result<json> body = ParseJsonBody(request);
  if (!body.ok()) return body;
  if (!body->is_object()) {
    return Error(ErrorCode::kInvalidArgument, "the body must be a JSON object",
                 ErrorReason::kValidation, {{"", "must be an object"}});
  }
  std::vector<FieldError> unknown;
  for (const auto& [key, value] : body->items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      unknown.push_back({"/" + key, "is not a known field"});
    }
  }
  if (!unknown.empty()) {
    return Error(ErrorCode::kInvalidArgument, "the body has unknown fields",
                 ErrorReason::kValidation, std::move(unknown));
  }
  return body;
}

std::optional<std::string> QueryValue(const HttpRequest& request, const std::string& name) {
  auto found = request.query.find(name);
  if (found == request.query.end()) return std::nullopt;
  return found->second;
}

Result<int> PageLimit(const HttpRequest& request) {
  std::optional<std::string> text = QueryValue(request, "limit");
  if (!text) return kDefaultPageSize;
  int limit = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), limit);
  if (error != std::errc() || end != text->data() + text->size() || limit < 1 || limit > 200) {
    return Error(ErrorCode::kInvalidArgument, "limit must be a whole number from 1 to 200",
                 ErrorReason::kValidation, {{"/limit", "must be a whole number from 1 to 200"}});
  }
  return limit;
}

// The version in If-Match ("3" or "\"3\""); empty when the header is absent.
Result<std::optional<std::int64_t>> IfMatchVersion(const HttpRequest& request) {
  std::optional<std::string_view> header = request.Header("If-Match");
  if (!header) return std::optional<std::int64_t>();
  std::string_view text = *header;
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  std::int64_t version = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (error != std::errc() || end != text.data() + text.size() || version < 1) {
    return Error(ErrorCode::kInvalidArgument, "If-Match must carry the dossier version, e.g. \"3\"",
                 ErrorReason::kInvalidIfMatch);
  }
  return std::optional<std::int64_t>(version);
}

RouteHandler RequireActor(Authenticator authenticate, ActorRouteHandler handler) {
  return [authenticate = std::move(authenticate), handler = std::move(handler)](
             const HttpRequest& request, const PathParams& params) {
    Result<Actor> actor = authenticate(request);
    if (!actor.ok()) return ProblemResponse(actor.error(), request.path);
    return handler(request, params, *actor);
  };
}

std::optional<Instant> ParseInstant(std::string_view text) {
  int year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  char tail = 0;
  const std::string copy(text);
  int fields = 0;
  if (copy.size() == 10) {
    fields = std::sscanf(copy.c_str(), "%4d-%2u-%2u%c", &year, &month, &day, &tail);
    if (fields != 3) return std::nullopt;
  } else if (copy.size() == 20) {
    fields = std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2u:%2u:%2u%c", &year, &month, &day, &hour,
                         &minute, &second, &tail);
    if (fields != 7 || tail != 'Z') return std::nullopt;
  } else {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                         std::chrono::day{day}};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  return Instant{std::chrono::sys_days{date}} + std::chrono::hours{hour} +
         std::chrono::minutes{minute} + std::chrono::seconds{second};
}

}  // namespace motcua
