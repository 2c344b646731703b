#include "api/idempotency.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>

#include "api/problem.h"
#include "engine/domain/json_parse.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxKeyLength = 255;

bool IsValidKey(std::string_view key) {
  return !key.empty() && key.size() <= kMaxKeyLength &&
         std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

std::string Serialize(const HttpResponse& response) {
  json headers = json::array();
  for (const HttpHeader& h : response.headers) headers.push_back({h.name, h.value});
  return json{{"status", response.status},
              {"content_type", response.content_type},
              {"headers", headers},
              {"body", response.body}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<HttpResponse> Deserialize(const std::string& text) {
  Result<json> parsed = ParseJson(text, kStoredJsonLimits);
  if (!parsed.ok()) return std::nullopt;
  try {
    const json& stored = *parsed;
    HttpResponse response;
    response.status = stored.at("status").get<int>();
    response.content_type = stored.at("content_type").get<std::string>();
    for (const json& h : stored.at("headers")) {
      response.headers.push_back({h.at(0).get<std::string>(), h.at(1).get<std::string>()});
    }
    response.body = stored.at("body").get<std::string>();
    return response;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

}  // namespace

HttpHandler IdempotentHandler(HttpHandler inner, IdempotencyStore& store,
                              RequestAuthenticator authenticate, ContentHasher hasher,
                              const Clock& clock, IdempotencyOptions options) {
  auto handle = [inner = std::move(inner), &store, authenticate = std::move(authenticate),
                 hasher = std::move(hasher), &clock, options](const HttpRequest& request) {
    std::optional<std::string_view> header = request.Header("Idempotency-Key");
    if (request.method != "POST" || !header) return inner(request);
    const std::string key(*header);
    if (!IsValidKey(key)) {
      return ProblemResponse(
          Error(ErrorCode::kInvalidArgument,
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
                ErrorReason::kInvalidHeader,
                {{"/headers/Idempotency-Key", "must be 1 to 255 visible ASCII characters"}}),
          request.path);
    }
    Result<Actor> actor = authenticate(request);
    if (!actor.ok()) return inner(request);

    const std::string fingerprint = request.method + " " + request.target + " " +
                                    std::string(request.Header("Content-Type").value_or("")) + " " +
                                    hasher(request.body);
    const Instant now = clock.Now();
    auto reserved =
        store.ReserveIdempotencyKey(actor->user_id, key, fingerprint, now, now - options.retention);
    if (!reserved.ok()) return ProblemResponse(reserved.error(), request.path);
    if (reserved->has_value()) {
      const IdempotencyRecord& record = **reserved;
      if (record.fingerprint != fingerprint) {
        return ProblemResponse(
            Error(ErrorCode::kInvalidArgument,
                  "this Idempotency-Key was used for a different request; use a new key",
                  ErrorReason::kIdempotencyKeyReused,
                  {{"/headers/Idempotency-Key", "was used for a different request"}}),
            request.path);
      }
      if (!record.response) {
        return ProblemResponse(
            Error(ErrorCode::kConflict,
                  "a request with this Idempotency-Key has not finished; its outcome is unknown. "
                  "Check the resource before retrying with a new key",
                  ErrorReason::kIdempotencyKeyInProgress),
            request.path);
      }
      std::optional<HttpResponse> replay = Deserialize(*record.response);
      if (!replay) {
        return ProblemResponse(
            Error(ErrorCode::kInternal, "the stored response of this key is unreadable"),
            request.path);
      }
      replay->headers.push_back({"Idempotent-Replayed", "true"});
      return *replay;
    }

    HttpResponse response = inner(request);
    if (response.status >= 500) {
      (void)store.AbandonIdempotencyKey(actor->user_id, key);
    } else {
      // If this fails the key stays reserved: repeats get 409, never a second run.
      (void)store.CompleteIdempotencyKey(actor->user_id, key, Serialize(response));
    }
    return response;
  };
  return [handle = std::move(handle)](const HttpRequest& request) {
    if (request.facts != nullptr) return handle(request);
    HttpRequest with_facts = request;
    with_facts.facts = std::make_shared<RequestFacts>();
    return handle(with_facts);
  };
}

}  // namespace motcua
