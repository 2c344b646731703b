// route_test_support.h: what handler tests of the /v1 routes share: files of
// the source tree (source_tree.h), requests through a router, the agencies
// and users of the tests, and bearer tokens from one fixed table (Tokens)
// instead of the token service.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/handler_support.h"
#include "api/http_message.h"
#include "api/request_authentication.h"
#include "api/router.h"
#include "engine/domain/calendar.h"
#include "engine/domain/dossier.h"
#include "engine/domain/json_schema.h"
#include "tests/source_tree.h"

namespace motcua {

// `router`'s answer to METHOD TARGET with `token` as bearer (none if empty)
// and `body` sent as `content_type`, plus `headers`.
inline HttpResponse CallRoute(const Router& router, const std::string& method,
                              const std::string& target, const std::string& token,
                              const std::string& body = {}, std::vector<HttpHeader> headers = {},
                              const std::string& content_type = "application/json") {
  HttpRequest request = MakeHttpRequest(method, target, body);
  request.facts = std::make_shared<RequestFacts>();  // as the server gives every request
  if (!token.empty()) request.headers.push_back({"Authorization", "Bearer " + token});
  if (!body.empty()) request.headers.push_back({"Content-Type", content_type});
  for (HttpHeader& header : headers) request.headers.push_back(std::move(header));
  return router.Handle(request);
}

// The agencies the route tests serve: A receives and processes dossiers, B is
// another province's agency (its staff must not reach A's dossiers), and the
// national agency holds the national admin.
inline constexpr const char* kAgencyA = "000.00.01.H26";
inline constexpr const char* kAgencyB = "000.00.02.H26";
inline constexpr const char* kNationalAgency = "000.00.00.H26";
// Citizen IDs of the applicant who owns the tests' dossiers, and of another.
inline constexpr const char* kOwnerId = "001090012345";
inline constexpr const char* kOtherApplicantId = "001090099999";

// The bearer secrets of the route tests and whom each names ("t-" + role,
// "-b" for agency B, "-2" for a second user of the same role).
inline const std::map<std::string, Actor>& Tokens() {
  static const std::map<std::string, Actor> tokens = {
      {"t-owner", {kOwnerId, {"applicant"}, ""}},
      {"t-other", {kOtherApplicantId, {"applicant"}, ""}},
      {"t-clerk", {"clerk-a", {"reception_clerk"}, kAgencyA}},
      {"t-clerk-2", {"clerk-a2", {"reception_clerk"}, kAgencyA}},
      {"t-clerk-b", {"clerk-b", {"reception_clerk"}, kAgencyB}},
      {"t-specialist", {"specialist-a", {"specialist"}, kAgencyA}},
      // The signature tests bind leader-a's certificate by fingerprint on
      // the user record; leader1 has no fingerprint and is bound by the demo
      // certificate's subject UID; leader-a2 has neither.
      {"t-leader", {"leader-a", {"leader"}, kAgencyA}},
      {"t-leader1", {"leader1", {"leader"}, kAgencyA}},
      {"t-leader-2", {"leader-a2", {"leader"}, kAgencyA}},
      {"t-admin", {"admin-a", {"admin"}, kAgencyA}},
      {"t-admin-b", {"admin-b", {"admin"}, kAgencyB}},
      {"t-auditor", {"auditor-a", {"auditor"}, kAgencyA}},
      {"t-sync", {"sync-a", {"portal_sync"}, kAgencyA}},
      {"t-sync-b", {"sync-b", {"portal_sync"}, kAgencyB}},
      {"t-national", {"national-1", {"national_admin"}, kNationalAgency}},
  };
  return tokens;
}

// Authenticates the bearer secrets of `tokens` (which must outlive the result).
inline BearerAuthenticator BearerTable(const std::map<std::string, Actor>& tokens) {
  return [&tokens](std::string_view secret) -> Result<Actor> {
    auto found = tokens.find(std::string(secret));
    if (found == tokens.end()) {
      return Error(ErrorCode::kUnauthenticated, "unknown token", ErrorReason::kInvalidToken);
    }
    return found->second;
  };
}

// BearerTable as the requests' only way in.
inline Authenticator TokenTable(const std::map<std::string, Actor>& tokens) {
  return BearerOnly(BearerTable(tokens));
}

}  // namespace motcua
