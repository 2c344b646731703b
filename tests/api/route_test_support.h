// route_test_support.h: what handler tests of the /v1 routes share: files of
// the source tree (source_tree.h), requests through a router, and bearer
// tokens from a fixed table instead of the token service.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "api/handler_support.h"
#include "api/http_message.h"
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
  if (!token.empty()) request.headers.push_back({"Authorization", "Bearer " + token});
  if (!body.empty()) request.headers.push_back({"Content-Type", content_type});
  for (HttpHeader& header : headers) request.headers.push_back(std::move(header));
  return router.Handle(request);
}

// Authenticates the secrets of `tokens` (which must outlive the result).
inline Authenticator TokenTable(const std::map<std::string, Actor>& tokens) {
  return [&tokens](std::string_view secret) -> Result<Actor> {
    auto found = tokens.find(std::string(secret));
    if (found == tokens.end()) {
      return Error(ErrorCode::kUnauthenticated, "unknown token", "invalid_token");
    }
    return found->second;
  };
}

}  // namespace motcua
