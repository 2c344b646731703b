#include "api/problem.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>

namespace motcua {
namespace {

// Non-empty, [a-z0-9_] only, starting with a letter, no "__" and no trailing "_".
bool IsLowerSnakeCase(std::string_view name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z' || name.back() == '_') return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    if (!allowed || (c == '_' && name[i + 1] == '_')) return false;
  }
  return true;
}

nlohmann::json BodyOf(const HttpResponse& response) {
  return nlohmann::json::parse(response.body);
}

TEST_CASE("problem: one HTTP status per error code") {
  struct Case {
    ErrorCode code;
    int status;
  };
  const Case cases[] = {
      {ErrorCode::kInvalidArgument, 400},  {ErrorCode::kNotFound, 404},
      {ErrorCode::kConflict, 409},         {ErrorCode::kFailedPrecondition, 409},
      {ErrorCode::kPermissionDenied, 403}, {ErrorCode::kUnauthenticated, 401},
      {ErrorCode::kUnavailable, 503},      {ErrorCode::kInternal, 500},
  };
  for (const Case& c : cases) {
    CAPTURE(ErrorCodeName(c.code));
    CHECK(HttpStatusFor(c.code) == c.status);
    HttpResponse response = ProblemResponse(Error(c.code, "message"), "/x");
    CHECK(response.status == c.status);
    CHECK(BodyOf(response)["status"] == c.status);
  }
}

TEST_CASE("problem: reason overrides are limited to the documented reasons") {
  const ErrorCode any_code = ErrorCode::kInternal;
  CHECK(HttpStatusFor(ErrorReason::kStaleVersion, any_code) == 412);
  CHECK(HttpStatusFor(ErrorReason::kValidation, any_code) == 422);
  CHECK(HttpStatusFor(ErrorReason::kInvalidPayload, any_code) == 422);
  CHECK(HttpStatusFor(ErrorReason::kMissingRequirement, any_code) == 422);
  CHECK(HttpStatusFor(ErrorReason::kUnsupportedMediaType, any_code) == 415);
  CHECK(HttpStatusFor(Error(ErrorCode::kFailedPrecondition, "no comment",
                            ErrorReason::kMissingRequirement)) == 422);
  CHECK(HttpStatusFor(
            Error(ErrorCode::kFailedPrecondition, "wrong state", ErrorReason::kFourEyes)) == 409);
  CHECK(HttpStatusFor(ErrorReason::kFourEyes, any_code) == HttpStatusFor(any_code));
  CHECK(HttpStatusFor(ErrorReason::kNone, any_code) == HttpStatusFor(any_code));
  CHECK(HttpStatusFor(Error(ErrorCode::kConflict, "old", ErrorReason::kStaleVersion)) == 412);
  CHECK(HttpStatusFor(Error(ErrorCode::kInvalidArgument, "bad", ErrorReason::kValidation)) == 422);
  CHECK(HttpStatusFor(Error(ErrorCode::kFailedPrecondition, "no", ErrorReason::kFourEyes)) == 409);
}

TEST_CASE("problem: every reason renders an error status and its own type name") {
  const ErrorCode codes[] = {
      ErrorCode::kInvalidArgument,    ErrorCode::kNotFound,         ErrorCode::kConflict,
      ErrorCode::kFailedPrecondition, ErrorCode::kPermissionDenied, ErrorCode::kUnauthenticated,
      ErrorCode::kUnavailable,        ErrorCode::kInternal,
  };
  std::set<std::string_view> names;
  for (ErrorReason reason : kAllErrorReasons) {
    const std::string_view name = ErrorReasonName(reason);
    CAPTURE(name);
    CHECK(names.insert(name).second);
    CHECK(IsLowerSnakeCase(name));
    for (ErrorCode code : codes) {
      CAPTURE(ErrorCodeName(code));
      HttpResponse response = ProblemResponse(Error(code, "message", reason), "/x");
      CHECK(response.status >= 400);
      CHECK(response.status <= 599);
      nlohmann::json body = BodyOf(response);
      CHECK(body["status"] == response.status);
      CHECK(body["type"] == std::string(kProblemTypeBase) + std::string(name));
    }
  }
  CHECK(names.size() == kAllErrorReasons.size());
  CHECK(ErrorReasonName(ErrorReason::kNone).empty());
  CHECK_FALSE(names.count(""));
}

TEST_CASE("problem: body has type, title, status, detail, instance and field errors") {
  Error error(ErrorCode::kInvalidArgument, "The dossier is invalid.", ErrorReason::kValidation,
              {{"/applicant/id", "must be 12 digits"}, {"", "unknown field x"}});
  HttpResponse response = ProblemResponse(error, "/v1/dossiers");
  CHECK(response.status == 422);
  CHECK(response.content_type == "application/problem+json");
  CHECK(response.Header("cache-control") == "no-store");
  CHECK_FALSE(response.Header("WWW-Authenticate").has_value());
  nlohmann::json expected = {
      {"type", "https://motcua.example/problems/validation"},
      {"title", "Invalid argument"},
      {"status", 422},
      {"detail", "The dossier is invalid."},
      {"instance", "/v1/dossiers"},
      {"errors",
       {{{"pointer", "/applicant/id"}, {"message", "must be 12 digits"}},
        {{"pointer", ""}, {"message", "unknown field x"}}}},
  };
  CHECK(BodyOf(response) == expected);
}

TEST_CASE("problem: type falls back to the code name - no errors member without fields") {
  HttpResponse response = ProblemResponse(Error(ErrorCode::kNotFound, "No such dossier."), "");
  nlohmann::json body = BodyOf(response);
  CHECK(body["type"] == "https://motcua.example/problems/not_found");
  CHECK(body["title"] == "Not found");
  CHECK_FALSE(body.contains("errors"));
  CHECK_FALSE(body.contains("instance"));
}

TEST_CASE("problem: 401 carries a Bearer challenge") {
  HttpResponse response =
      ProblemResponse(Error(ErrorCode::kUnauthenticated, "No token."), "/v1/dossiers");
  CHECK(response.status == 401);
  REQUIRE(response.Header("WWW-Authenticate").has_value());
  CHECK(response.Header("WWW-Authenticate")->substr(0, 6) == "Bearer");
}

TEST_CASE("problem: invalid UTF-8 in a message still renders") {
  HttpResponse response =
      ProblemResponse(Error(ErrorCode::kInvalidArgument, std::string("bad \xff byte")), "/x");
  CHECK(response.status == 400);
  CHECK(BodyOf(response)["detail"] == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("problem: transport problems") {
  struct Case {
    TransportProblem problem;
    int status;
    const char* type;
  };
  const Case cases[] = {
      {TransportProblem::kMalformedRequest, 400, "malformed_request"},
      {TransportProblem::kRouteNotFound, 404, "route_not_found"},
      {TransportProblem::kMethodNotAllowed, 405, "method_not_allowed"},
      {TransportProblem::kRequestTimeout, 408, "request_timeout"},
      {TransportProblem::kBodyTooLarge, 413, "body_too_large"},
      {TransportProblem::kHeaderTooLarge, 431, "header_too_large"},
      {TransportProblem::kTransferEncodingNotImplemented, 501, "transfer_encoding_not_implemented"},
      {TransportProblem::kTooManyConnections, 503, "too_many_connections"},
  };
  for (const Case& c : cases) {
    INFO(std::string(c.type));
    HttpResponse response = ProblemResponse(c.problem, "/p");
    CHECK(HttpStatusFor(c.problem) == c.status);
    CHECK(response.status == c.status);
    CHECK(response.Header("Cache-Control") == "no-store");
    nlohmann::json body = BodyOf(response);
    CHECK(body["type"] == std::string("https://motcua.example/problems/") + c.type);
    CHECK(body["status"] == c.status);
    CHECK(body["instance"] == "/p");
  }
  CHECK(BodyOf(ProblemResponse(TransportProblem::kMalformedRequest, "/p", "bad path"))["detail"] ==
        "bad path");
}

TEST_CASE("problem: 405 lists the allowed methods") {
  HttpResponse response = MethodNotAllowedResponse({"GET", "HEAD", "POST"}, "/v1/dossiers");
  CHECK(response.status == 405);
  CHECK(response.Header("Allow") == "GET, HEAD, POST");
}

}  // namespace
}  // namespace motcua
