#include "api/handler_support.h"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include "api/problem.h"
#include "api/router.h"
#include "engine/domain/form_order.h"
#include "engine/domain/json_parse.h"
#include "engine/domain/rfc3339.h"
#include "engine/domain/status_macros.h"

namespace motcua {

using nlohmann::json;

json OptionalInstant(const std::optional<Instant>& t) {
  return t ? json(FormatRfc3339DateTime(*t)) : json(nullptr);
}

namespace {

template <typename Json>
HttpResponse DumpedJsonResponse(int status, const Json& body) {
  return JsonTextResponse(status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

}  // namespace

HttpResponse JsonResponse(int status, const json& body) {
  return DumpedJsonResponse(status, body);
}

HttpResponse OrderedJsonResponse(int status, const nlohmann::ordered_json& body) {
  return DumpedJsonResponse(status, body);
}

HttpResponse JsonTextResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  response.body = std::move(body);
  return response;
}

Status CheckJsonMediaType(const HttpRequest& request) {
  std::optional<std::string_view> type = request.Header("Content-Type");
  if (!type || !IsJsonMediaType(*type)) {
    return Error(ErrorCode::kInvalidArgument,
                 "the body must be application/json (or an application/*+json type)",
                 ErrorReason::kUnsupportedMediaType);
  }
  return Status();
}

namespace {

// ParseJsonBody with `parse` in place of ParseJson.
Result<json> ParseBodyWith(const HttpRequest& request,
                           Result<json> (*parse)(std::string_view, JsonLimits)) {
  RETURN_IF_ERROR(CheckJsonMediaType(request));
  if (!IsValidUtf8(request.body)) {
    return Error(ErrorCode::kInvalidArgument, "the body is not valid UTF-8",
                 ErrorReason::kMalformedJson);
  }
  Result<json> body = parse(request.body, kRequestJsonLimits);
  if (!body.ok()) {
    const Error& error = body.error();
    const ErrorReason reason =
        error.reason() == ErrorReason::kInvalidJson ? ErrorReason::kMalformedJson : error.reason();
    return Error(ErrorCode::kInvalidArgument, error.message(), reason, {{"", error.message()}});
  }
  return body;
}

}  // namespace

Result<json> ParseJsonBody(const HttpRequest& request) {
  return ParseBodyWith(request, &ParseJson);
}

Result<json> ParseWorkflowBody(const HttpRequest& request) {
  return ParseBodyWith(request, &ParseWorkflowText);
}

Result<json> ParseObjectBody(const HttpRequest& request,
                             std::initializer_list<std::string_view> allowed) {
  return ParseObjectBody(request,
                         std::span<const std::string_view>(allowed.begin(), allowed.size()));
}

Result<json> ParseObjectBody(const HttpRequest& request,
                             std::span<const std::string_view> allowed) {
  ASSIGN_OR_RETURN(json body, ParseJsonBody(request));
  if (!body.is_object()) {
    return Error(ErrorCode::kInvalidArgument, "the body must be a JSON object",
                 ErrorReason::kValidation, {{"", "must be an object"}});
  }
  std::vector<FieldError> unknown;
  for (const auto& [key, value] : body.items()) {
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

Result<int> PageLimit(const HttpRequest& request, PageLimitRule rule) {
  std::optional<std::string> text = QueryValue(request, "limit");
  return ParsePageLimit(text ? std::optional<std::string_view>(*text) : std::nullopt, rule);
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

bool PrefersMinimalReturn(const HttpRequest& request) {
  for (const HttpHeader& header : request.headers) {
    if (!EqualsIgnoreCase(header.name, "Prefer")) continue;
    std::string_view rest = header.value;
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view preference = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      preference = preference.substr(0, preference.find(';'));
      const std::size_t equals = preference.find('=');
      if (equals == std::string_view::npos) continue;
      std::string_view value = TrimOptionalWhitespace(preference.substr(equals + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (EqualsIgnoreCase(TrimOptionalWhitespace(preference.substr(0, equals)), "return") &&
          EqualsIgnoreCase(value, "minimal")) {
        return true;
      }
    }
  }
  return false;
}

RouteHandler RequireActor(Authenticator authenticate, ActorRouteHandler handler) {
  return [authenticate = std::move(authenticate), handler = std::move(handler)](
             const HttpRequest& request, const PathParams& params) {
    Result<Actor> actor = authenticate(request);
    if (!actor.ok()) return ProblemResponse(actor.error(), request.path);
    return handler(request, params, *actor);
  };
}

std::optional<Instant> InstantQuery(const HttpRequest& request, const std::string& name,
                                    std::chrono::minutes offset_of_dates,
                                    std::vector<FieldError>& invalid) {
  std::optional<std::string> text = QueryValue(request, name);
  if (!text) return std::nullopt;
  std::optional<Instant> parsed = ParseRfc3339DateOrDateTime(*text, offset_of_dates);
  if (!parsed) {
    invalid.push_back({"/" + name,
                       "must be a date (2026-03-02) or an RFC 3339 date-time with an offset "
                       "(2026-03-02T08:00:00Z, 2026-03-02T15:00:00+07:00)"});
  }
  return parsed;
}

}  // namespace motcua
