// idempotency.h: Idempotency-Key for every POST.
//
// IdempotentHandler wraps the whole request handler (so no POST route can
// forget it). A POST carrying `Idempotency-Key: K` from an authenticated
// caller:
//  - the first time, reserves K for that caller, runs the request and stores
//    its response (status, headers, body);
//  - repeated with the same method, target and body, returns the stored
//    response with `Idempotent-Replayed: true` and runs nothing;
//  - repeated with a different request, gets 422 (idempotency_key_reused);
//  - repeated while the first is still running, or after the process died
//    while it ran, gets 409 (idempotency_key_in_progress): its outcome is
//    unknown, so it is never run twice.
// A response with a 5xx status is not stored (the request changed nothing
// durable) and the key may be used again. Keys are kept for `retention`.
// Requests without the header, or whose token is not valid, pass through.
//
// The caller is the request's one authentication: `authenticate` records its
// answer in request.facts (request_authentication.h), where the route behind
// finds it, so a token is checked once per request whoever asks first. A
// request handed in without facts (a test calling the handler directly) is
// given them here, for itself and the inner handler.
#pragma once

#include <chrono>

#include "api/handler_support.h"
#include "api/http_message.h"
#include "api/request_authentication.h"
#include "engine/domain/clock.h"
#include "engine/domain/idempotency.h"
#include "engine/service/document_service.h"

namespace motcua {

struct IdempotencyOptions {
  std::chrono::hours retention{24};
};

HttpHandler IdempotentHandler(HttpHandler inner, IdempotencyStore& store,
                              RequestAuthenticator authenticate, ContentHasher hasher,
                              const Clock& clock, IdempotencyOptions options = {});

}  // namespace motcua
