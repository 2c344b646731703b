// feed_routes.h: the national-portal sync feed over HTTP.
//
//   GET /v1/feed?after=CURSOR&limit=N   admin or portal_sync: the outbox
//       entries of the caller's agency with id > CURSOR (default 0), in id
//       order, at most N (1-1000, default 100):
//       {"items": [{"id", "topic", "payload", "created_at"}], "next": ID}.
//       Pass `next` as the following `after`. At-least-once, never skips.
//   GET /v1/feed/dead-letters?limit=N   admin: entries the webhook push gave
//       up on, of the admin's agency.
//
// A malformed `after` or `limit` is 422 problem+json with pointer "/after"
// or "/limit". Scope rules are FeedService's (engine/service/feed_service.h).
#pragma once

#include <nlohmann/json.hpp>

#include "api/handler_support.h"
#include "api/router.h"
#include "engine/domain/store.h"
#include "engine/service/feed_service.h"

namespace motcua {

struct FeedApi {
  FeedService& feed;
  Authenticator authenticate;
};

// One feed entry as the API and the webhook push send it:
// {"id": 7, "topic": "dossier.status", "payload": {...},
//  "created_at": "2026-11-20T01:00:00Z"}.
nlohmann::json FeedItemJson(const StoredOutboxEntry& entry);

// `api` and what it refers to must outlive the router.
Status AddFeedRoutes(Router& router, const FeedApi& api);

}  // namespace motcua
