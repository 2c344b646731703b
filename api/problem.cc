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

int HttpStatusFor(ErrorReason reason, ErrorCode code) {
  switch (reason) {
    // The reasons that decide the status themselves, whatever the code.
    case ErrorReason::kStaleVersion:  // kConflict: an If-Match precondition failed
    case ErrorReason::kPlanChanged:   // kConflict: a migration plan's If-Match etag is stale
      return 412;
    case ErrorReason::kValidation:            // kInvalidArgument: well-formed, invalid content
    case ErrorReason::kInvalidPayload:        // kInvalidArgument: the same, found by the engine
    case ErrorReason::kMissingRequirement:    // kFailedPrecondition: a required item is missing
    case ErrorReason::kIdempotencyKeyReused:  // kInvalidArgument: same key, other request
      return 422;
    case ErrorReason::kUnsupportedMediaType:  // kInvalidArgument: a body of the wrong type
      return 415;
    case ErrorReason::kFeedPruned:  // kFailedPrecondition: the feed's cursor is below its retention
      return 410;
    case ErrorReason::kLoginAttemptInvalid:  // kNotFound/kConflict in the store, kInvalidArgument
      return 400;                            // in sign-in: the browser's callback is refused

    // Reasons built with different codes today; the status is the code's:
    //   kNoResult        kNotFound 404 (reading a result that does not exist
    //                    yet) or kFailedPrecondition 409 (signing it);
    //   kUserNotFound    kNotFound 404, or kConflict 409 (a token for an
    //                    unknown user, in the in-memory identity store);
    //   kMigrationFailed the failed migration step's code;
    //   kConstraint      kConflict 409, kInternal 500 when opening the database;
    //   kInvalidWorkflow kInvalidArgument 400, kInternal 500 when a stored
    //                    definition no longer parses;
    //   kUserDisabled    kFailedPrecondition 409 (issuing a token, starting a
    //                    session), or kPermissionDenied 403 (a sign-in refused);
    //   kIdentityNotLinked kNotFound 404 (unlinking a link that does not
    //                    exist), or kPermissionDenied 403 (a staff sign-in
    //                    with an unlinked subject);
    //   kTokenEndpointRefused kUnauthenticated 401 (the provider refused the
    //                    code), or kUnavailable 503 (it could not be reached).
    case ErrorReason::kNoResult:
    case ErrorReason::kUserNotFound:
    case ErrorReason::kMigrationFailed:
    case ErrorReason::kConstraint:
    case ErrorReason::kInvalidWorkflow:
    case ErrorReason::kUserDisabled:
    case ErrorReason::kIdentityNotLinked:
    case ErrorReason::kTokenEndpointRefused: return HttpStatusFor(code);

    // No reason, or a reason built with one code: the status is the code's.
    case ErrorReason::kNone:
    // kConflict (409)
    case ErrorReason::kAlreadyClaimed:
    case ErrorReason::kAlreadyRated:
    case ErrorReason::kConcurrentChange:
    case ErrorReason::kDossierExists:
    case ErrorReason::kDuplicatePayment:
    case ErrorReason::kIdentityAlreadyLinked:
    case ErrorReason::kIdempotencyKeyInProgress:
    case ErrorReason::kSignatureAlreadyUsed:
    case ErrorReason::kTokenExists:
    case ErrorReason::kTransactionReused:
    case ErrorReason::kUserExists:
    // kInvalidArgument (400)
    case ErrorReason::kOidcConfigInvalid:
    case ErrorReason::kAmountMismatch:
    case ErrorReason::kBadCertificate:
    case ErrorReason::kBadChain:
    case ErrorReason::kBadCrl:
    case ErrorReason::kBadKey:
    case ErrorReason::kCertificateNotValidAtSigningTime:
    case ErrorReason::kCertificateRevoked:
    case ErrorReason::kContentMismatch:
    case ErrorReason::kContentTooLarge:
    case ErrorReason::kEmptyBody:
    case ErrorReason::kInvalidCheckpoint:
    case ErrorReason::kInvalidDossierCode:
    case ErrorReason::kInvalidHeader:
    case ErrorReason::kInvalidIfMatch:
    case ErrorReason::kInvalidJson:
    case ErrorReason::kInvalidReturnTo:
    case ErrorReason::kJsonTooDeep:
    case ErrorReason::kJsonTooLarge:
    case ErrorReason::kKeyCertificateMismatch:
    case ErrorReason::kKeyUsage:
    case ErrorReason::kMalformedJson:
    case ErrorReason::kMalformedSignature:
    case ErrorReason::kRevocationUnknown:
    case ErrorReason::kSignerIsCa:
    case ErrorReason::kSigningTimeImplausible:
    case ErrorReason::kUntrustedCertificate:
    case ErrorReason::kWeakDigest:
    // kUnauthenticated (401), or kUnavailable (503) when the provider's keys
    // cannot be fetched
    case ErrorReason::kIdTokenRefused:
    // kUnauthenticated (401)
    case ErrorReason::kBadSignature:
    case ErrorReason::kIdentityProviderError:
    case ErrorReason::kInvalidToken:
    case ErrorReason::kMissingToken:
    case ErrorReason::kSessionInvalid:
    // kPermissionDenied (403)
    case ErrorReason::kCertificateNotBoundToUser:
    case ErrorReason::kCsrfTokenInvalid:
    case ErrorReason::kIdentityClaimInvalid:
    case ErrorReason::kNotAssignee:
    case ErrorReason::kNotInYourQueue:
    case ErrorReason::kNotOwner:
    case ErrorReason::kNotYourProcedure:
    case ErrorReason::kNotYourUser:
    case ErrorReason::kOriginRefused:
    case ErrorReason::kOtherAgency:
    case ErrorReason::kRoleNotAllowed:
    case ErrorReason::kWrongAgency:
    // kNotFound (404)
    case ErrorReason::kDocumentNotFound:
    case ErrorReason::kDossierNotFound:
    case ErrorReason::kProcedureNotFound:
    case ErrorReason::kSignatureNotFound:
    case ErrorReason::kTokenNotFound:
    case ErrorReason::kUnknownAction:
    case ErrorReason::kUnknownIdentityProvider:
    case ErrorReason::kUnknownResult:
    // kFailedPrecondition (409)
    case ErrorReason::kCheckpointUntrusted:
    case ErrorReason::kClockNotRunning:
    case ErrorReason::kFourEyes:
    case ErrorReason::kHistoryInconsistent:
    case ErrorReason::kKeyFilePermissions:
    case ErrorReason::kNotAllowedFromState:
    case ErrorReason::kNotAwaitingPayment:
    case ErrorReason::kNotFinished:
    case ErrorReason::kPaymentRequired:
    case ErrorReason::kSchemaTooNew:
    case ErrorReason::kSealCertificateNotValid:
    case ErrorReason::kSignatureMismatch:
    case ErrorReason::kTerminalState:
    // kInternal (500)
    case ErrorReason::kCorruptRow:
    case ErrorReason::kSqlite:
    // kUnavailable (503)
    case ErrorReason::kOidcDiscoveryRefused:
    case ErrorReason::kCalendarExhausted:
    case ErrorReason::kDatabaseBusy:
    case ErrorReason::kPaymentsUnavailable:
    case ErrorReason::kSealUnavailable:
    case ErrorReason::kSignaturesUnavailable: return HttpStatusFor(code);
  }
  return HttpStatusFor(code);
}

int HttpStatusFor(const Error& error) {
  return HttpStatusFor(error.reason(), error.code());
}

std::string_view ProblemTypeName(const Error& error) {
  return error.reason() == ErrorReason::kNone ? std::string_view(ErrorCodeName(error.code()))
                                              : ErrorReasonName(error.reason());
}

HttpResponse ProblemResponse(const Error& error, std::string_view instance) {
  HttpResponse response =
      RenderProblem(HttpStatusFor(error), ProblemTypeName(error), TitleFor(error.code()),
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
