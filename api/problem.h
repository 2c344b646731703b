// problem.h: errors as HTTP responses, in exactly one place.
//
// The engine's errors (engine/domain/status.h) know nothing of HTTP. This file
// holds THE table from ErrorCode to HTTP status and renders every error the
// API returns as an RFC 9457 "application/problem+json" document:
//
//   {"type": "https://motcua.example/problems/stale_version",
//    "title": "Conflict", "status": 412, "detail": "<Error::message>",
//    "instance": "/v1/dossiers/H26-260105-0001",
//    "errors": [{"pointer": "/applicant/id", "message": "..."}]}
//
// `type` names the Error's reason when it has one, else the code's name.
// `errors` is present only when the Error has field errors. Every problem
// response carries "Cache-Control: no-store"; a 401 also carries
// "WWW-Authenticate: Bearer ...".
//
// Example:
//   if (!status.ok()) return ProblemResponse(status.error(), request.path);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "engine/domain/status.h"

namespace motcua {

// The base URI of every problem type; the type is this plus a name.
inline constexpr std::string_view kProblemTypeBase = "https://motcua.example/problems/";

// THE table: invalid_argument 400, not_found 404, conflict 409,
// failed_precondition 409, permission_denied 403, unauthenticated 401,
// unavailable 503, internal 500.
int HttpStatusFor(ErrorCode code);

// THE reason table: the status of an Error with `reason` and `code`. A few
// reasons decide it themselves, whatever the code:
//   kStaleVersion -> 412 (an If-Match precondition failed),
//   kValidation   -> 422 (well-formed JSON whose content is invalid),
//   kInvalidPayload, kMissingRequirement -> 422 (the same, found by the
//                    state machine: a form field or a required item),
//   kIdempotencyKeyReused -> 422 (an Idempotency-Key sent with another request),
//   kUnsupportedMediaType -> 415 (a body that is not of a type the route
//                    accepts, e.g. "application/jsonp" where JSON is read).
// Every other reason, and kNone, answers HttpStatusFor(code).
int HttpStatusFor(ErrorReason reason, ErrorCode code);

// The status an Error is answered with: HttpStatusFor(reason, code).
int HttpStatusFor(const Error& error);

// The problem type name of an Error (the part after kProblemTypeBase): its
// reason's wire name, or the code's name for ErrorReason::kNone.
std::string_view ProblemTypeName(const Error& error);

// The problem+json response for an engine error. `instance` is the request
// path (or another URI naming this occurrence); empty leaves it out.
HttpResponse ProblemResponse(const Error& error, std::string_view instance);

// Problems the transport and the router detect before any engine code runs.
enum class TransportProblem {
  kMalformedRequest,                // 400: not parseable as HTTP/1.1, or a path trick
  kRouteNotFound,                   // 404: no route has this path
  kMethodNotAllowed,                // 405: use MethodNotAllowedResponse() to set Allow
  kRequestTimeout,                  // 408: the request was not read in time
  kBodyTooLarge,                    // 413: body over HttpServerOptions::max_body_bytes
  kHeaderTooLarge,                  // 431: header over HttpServerOptions::max_header_bytes
  kTransferEncodingNotImplemented,  // 501: Transfer-Encoding other than "chunked"
  kTooManyConnections,              // 503: over HttpServerOptions' connection caps
};

// The HTTP status of a transport problem (400, 404, 405, 408, 413, 431, 501,
// 503).
int HttpStatusFor(TransportProblem problem);

// The problem+json response for a transport problem; type is
// kProblemTypeBase + "malformed_request" / "route_not_found" /
// "method_not_allowed" / "request_timeout" / "body_too_large" /
// "header_too_large" / "transfer_encoding_not_implemented" /
// "too_many_connections". `detail` empty uses a generic sentence.
HttpResponse ProblemResponse(TransportProblem problem, std::string_view instance,
                             std::string_view detail = {});

// 405 with "Allow" listing `allowed_methods` as given, joined by ", ".
HttpResponse MethodNotAllowedResponse(const std::vector<std::string>& allowed_methods,
                                      std::string_view instance);

}  // namespace motcua
