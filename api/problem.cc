#include "api/problem.h"

#include <nlohmann/json.hpp>
#include <utility>

namespace motcua {
namespace {

constexpr std::string_view kProblemContentType = "application/problem+json";

const char* TitleFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "Invalid argument";
    case ErrorCode::kNotFound: return "Not found";
    case ErrorCode::kConflict: return "Conflict";
    case ErrorCode::kFailedPrecondition: return "Failed precondition";
    case ErrorCode::kPermissionDenied: return "Permission denied";
    case ErrorCode::kUnauthenticated: return "Unauthenticated";
    case ErrorCode::kUnavailable: return "Service unavailable";
    case ErrorCode::kInternal: return "Internal error";
  }
  return "Internal error";
}

struct TransportProblemInfo {
  int status;
  const char* type_name;
  const char* title;
  const char* default_detail;
};

TransportProblemInfo InfoFor(TransportProblem problem) {
  switch (problem) {
    case TransportProblem::kMalformedRequest:
      return {400, "malformed_request", "Malformed request",
              "The request is not a valid HTTP/1.1 request."};
    case TransportProblem::kRouteNotFound:
      return {404, "route_not_found", "Not found", "No resource exists at this path."};
    case TransportProblem::kMethodNotAllowed:
      return {405, "method_not_allowed", "Method not allowed",
              "The resource does not support this method; see the Allow header."};
    case TransportProblem::kRequestTimeout:
      return {408, "request_timeout", "Request timeout", "The request was not received in time."};
    case TransportProblem::kBodyTooLarge:
      return {413, "body_too_large", "Content too large",
              "The request body is larger than the server accepts."};
    case TransportProblem::kHeaderTooLarge:
      return {431, "header_too_large", "Request header fields too large",
              "The request header is larger than the server accepts."};
    case TransportProblem::kTransferEncodingNotImplemented:
      return {501, "transfer_encoding_not_implemented", "Not implemented",
              "The only transfer coding the server accepts is \"chunked\" alone."};
    case TransportProblem::kTooManyConnections:
      return {503, "too_many_connections", "Service unavailable",
              "The server has too many open connections; retry later."};
  }
  return {400, "malformed_request", "Malformed request", "The request is malformed."};
}

// Renders the problem document. Invalid UTF-8 in messages is replaced rather
// than thrown on: an error report must never fail to render.
HttpResponse RenderProblem(int status, std::string_view type_name, std::string_view title,
                           std::string_view detail, std::string_view instance,
                           const std::vector<FieldError>& fields) {
  nlohmann::json body = nlohmann::json::object();
  body["type"] = std::string(kProblemTypeBase) + std::string(type_name);
  body["title"] = std::string(title);
  body["status"] = status;
  if (!detail.empty()) body["detail"] = std::string(detail);
  if (!instance.empty()) body["instance"] = std::string(instance);
  if (!fields.empty()) {
    nlohmann::json errors = nlohmann::json::array();
    for (const FieldError& field : fields) {
      errors.push_back({{"pointer", field.pointer}, {"message", field.message}});
    }
    body["errors"] = std::move(errors);
  }

  HttpResponse response;
  response.status = status;
  response.content_type = std::string(kProblemContentType);
  response.headers.push_back({"Cache-Control", "no-store"});
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

}  // namespace

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kFailedPrecondition: return 409;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

std::optional<int> HttpStatusOverrideFor(std::string_view reason) {
  if (reason == "stale_version") return 412;
  if (reason == "validation") return 422;
  if (reason == "invalid_payload") return 422;
  if (reason == "missing_requirement") return 422;
  if (reason == "idempotency_key_reused") return 422;
  if (reason == "unsupported_media_type") return 415;
  return std::nullopt;
}

int HttpStatusFor(const Error& error) {
  return HttpStatusOverrideFor(error.reason()).value_or(HttpStatusFor(error.code()));
}

HttpResponse ProblemResponse(const Error& error, std::string_view instance) {
  std::string_view type_name =
      error.reason().empty() ? std::string_view(ErrorCodeName(error.code())) : error.reason();
  HttpResponse response = RenderProblem(HttpStatusFor(error), type_name, TitleFor(error.code()),
                                        error.message(), instance, error.fields());
  if (error.code() == ErrorCode::kUnauthenticated) {
    response.headers.push_back({"WWW-Authenticate", "Bearer realm=\"motcua\""});
  }
  return response;
}

int HttpStatusFor(TransportProblem problem) {
  return InfoFor(problem).status;
}

HttpResponse ProblemResponse(TransportProblem problem, std::string_view instance,
                             std::string_view detail) {
  TransportProblemInfo info = InfoFor(problem);
  return RenderProblem(info.status, info.type_name, info.title,
                       detail.empty() ? std::string_view(info.default_detail) : detail, instance,
                       {});
}

HttpResponse MethodNotAllowedResponse(const std::vector<std::string>& allowed_methods,
                                      std::string_view instance) {
  HttpResponse response = ProblemResponse(TransportProblem::kMethodNotAllowed, instance);
  std::string allow;
  for (const std::string& method : allowed_methods) {
    if (!allow.empty()) allow += ", ";
    allow += method;
  }
  response.headers.push_back({"Allow", std::move(allow)});
  return response;
}

}  // namespace motcua
