// Idempotency-Key: a repeated POST returns the stored response and never
// applies twice; a reused key for another request is 422; an unfinished one 409.
#include "api/idempotency.h"

#include <doctest/doctest.h>

#include <atomic>
#include <memory>

#include "api/request_authentication.h"
#include "api/router.h"
#include "engine/crypto/sha256.h"
#include "tests/fakes/memory_store.h"

namespace motcua {
namespace {

struct Fixture {
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}}};
  MemoryStore store{&clock};
  std::atomic<int> applied{0};
  int next_status = 201;
  HttpHandler handler = IdempotentHandler(
      [this](const HttpRequest&) {
        HttpResponse response;
        response.status = next_status;
        response.content_type = "application/json";
        response.body = "{\"n\":" + std::to_string(++applied) + "}";
        response.headers.push_back({"Location", "/v1/things/" + std::to_string(applied.load())});
        return response;
      },
      store, BearerOnly([](std::string_view secret) -> Result<Actor> {
        if (secret == "alice" || secret == "bob") return Actor{std::string(secret), {"x"}, "A"};
        return Error(ErrorCode::kUnauthenticated, "unknown", ErrorReason::kInvalidToken);
      }),
      &Sha256Hex, clock);

  HttpResponse Post(const std::string& who, const std::string& key, const std::string& body,
                    const std::string& target = "/v1/things") {
    HttpRequest request = MakeHttpRequest("POST", target, body);
    request.headers.push_back({"Authorization", "Bearer " + who});
    request.headers.push_back({"Content-Type", "application/json"});
    if (!key.empty()) request.headers.push_back({"Idempotency-Key", key});
    return handler(request);
  }
};

TEST_CASE("idempotency: a repeat returns the stored response and applies nothing") {
  Fixture f;
  HttpResponse first = f.Post("alice", "k1", "{}");
  CHECK(first.status == 201);
  HttpResponse again = f.Post("alice", "k1", "{}");
  CHECK(f.applied == 1);
  CHECK(again.status == 201);
  CHECK(again.body == first.body);
  CHECK(again.Header("Location") == first.Header("Location"));
  CHECK(again.Header("Idempotent-Replayed") == "true");

  // The same key by another caller is another key; no key, no memory.
  CHECK(f.Post("bob", "k1", "{}").body != first.body);
  f.Post("alice", "", "{}");
  f.Post("alice", "", "{}");
  CHECK(f.applied == 4);

  // The same key for a different request is refused.
  HttpResponse reused = f.Post("alice", "k1", "{\"other\":1}");
  CHECK(reused.status == 422);
  CHECK(reused.body.find("idempotency_key_reused") != std::string::npos);
  CHECK(f.Post("alice", "k1", "{}", "/v1/elsewhere").status == 422);
  CHECK(f.applied == 4);
}

TEST_CASE("idempotency: in-flight keys are 409, failed ones can be retried, bad keys are 400") {
  Fixture f;
  // As if a first request with this key were still running (or died mid-way).
  const std::string fingerprint = "POST /v1/things application/json " + Sha256Hex("{}");
  REQUIRE(
      f.store.ReserveIdempotencyKey("alice", "busy", fingerprint, f.clock.Now(), Instant{}).ok());
  HttpResponse busy = f.Post("alice", "busy", "{}");
  CHECK(busy.status == 409);
  CHECK(f.applied == 0);

  f.next_status = 503;
  CHECK(f.Post("alice", "k2", "{}").status == 503);
  f.next_status = 201;
  CHECK(f.Post("alice", "k2", "{}").status == 201);  // the failure was not stored
  CHECK(f.applied == 2);

  // A 4xx is an outcome and is replayed as is.
  f.next_status = 422;
  CHECK(f.Post("alice", "k3", "{}").status == 422);
  f.next_status = 201;
  CHECK(f.Post("alice", "k3", "{}").status == 422);
  CHECK(f.applied == 3);

  CHECK(f.Post("alice", std::string(256, 'k'), "{}").status == 400);
  CHECK(f.Post("alice", "has space", "{}").status == 400);
  CHECK(f.applied == 3);
  // Unauthenticated requests pass through (the route answers 401 itself).
  CHECK(f.Post("mallory", "k4", "{}").status == 201);

  // Keys expire after the retention period.
  f.clock.Advance(std::chrono::hours(25));
  CHECK(f.Post("alice", "k3", "{}").status == 201);
}

// Regression: the wrapper checked the token itself and the route behind it
// checked it again. A request is authenticated once; the wrapper and the
// route share the answer through the request's facts, which a request
// handed in without them (as here, and in tests calling the handler) is given.
TEST_CASE("idempotency: a token is checked once per request, by the wrapper and route together") {
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}}};
  MemoryStore store{&clock};
  int token_checks = 0;
  const RequestAuthenticator authenticate =
      BearerOnly([&token_checks](std::string_view secret) -> Result<Actor> {
        ++token_checks;
        if (secret == "alice") return Actor{"alice", {"x"}, "A"};
        return Error(ErrorCode::kUnauthenticated, "unknown", ErrorReason::kInvalidToken);
      });
  Router router;
  REQUIRE(router
              .Add("POST", "/v1/things",
                   RequireActor(authenticate,
                                [](const HttpRequest&, const PathParams&, const Actor& actor) {
                                  return JsonResponse(201, {{"by", actor.user_id}});
                                }),
                   RouteAccess::kAuthenticated)
              .ok());
  const HttpHandler handler =
      IdempotentHandler([&router](const HttpRequest& request) { return router.Handle(request); },
                        store, authenticate, &Sha256Hex, clock);

  struct Case {
    const char* name;
    const char* secret;
    const char* key;    // empty: no Idempotency-Key
    bool server_facts;  // as the server hands every request in
    int status;
  };
  const Case cases[] = {
      {"first use of a key", "alice", "once-1", false, 201},
      {"its replay", "alice", "once-1", false, 201},
      {"first use, with the server's facts", "alice", "once-2", true, 201},
      {"its replay, with the server's facts", "alice", "once-2", true, 201},
      {"an unknown token", "mallory", "once-3", false, 401},
      {"an unknown token, with the server's facts", "mallory", "once-4", true, 401},
      {"no key", "alice", "", false, 201},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    HttpRequest request = MakeHttpRequest("POST", "/v1/things", "{}");
    request.headers.push_back({"Authorization", std::string("Bearer ") + c.secret});
    request.headers.push_back({"Content-Type", "application/json"});
    if (*c.key != '\0') request.headers.push_back({"Idempotency-Key", c.key});
    if (c.server_facts) request.facts = std::make_shared<RequestFacts>();
    token_checks = 0;
    CHECK(handler(request).status == c.status);
    CHECK(token_checks == 1);
  }
}

}  // namespace
}  // namespace motcua
