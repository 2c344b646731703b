// Handler tests of /v1/feed without sockets: scope, cursor, validation.
#include "api/feed_routes.h"

#include <doctest/doctest.h>

#include <map>
#include <string>

#include "api/http_message.h"
#include "engine/domain/identity.h"
#include "engine/service/feed_retention.h"
#include "tests/api/route_test_support.h"
#include "tests/fakes/memory_store.h"

namespace motcua {
namespace {

using nlohmann::json;

struct FeedFixture {
  FakeClock clock{Instant{std::chrono::seconds(1'795'136'400)}};
  MemoryStore store{&clock};
  FeedService feed{store, &store};
  FeedApi api{feed, TokenTable(Tokens())};
  Router router;

  FeedFixture() {
    REQUIRE(AddFeedRoutes(router, api).ok());
    int n = 0;
    for (const char* agency : {kAgencyA, kAgencyB, kAgencyA, kAgencyA}) {
      Dossier d;
      d.code = std::string(agency) + "-" + std::to_string(++n);
      d.agency = agency;
      d.state = "submitted";
      d.version = 1;
      REQUIRE(store
                  .CreateDossier(d, {}, 1,
                                 {OutboxEntry{"dossier.status", nlohmann::json{{"n", n}}.dump()}})
                  .ok());
    }
  }

  HttpResponse Get(const std::string& target, const std::string& token) {
    HttpRequest request = MakeHttpRequest("GET", target, "");
    if (!token.empty()) request.headers.push_back({"Authorization", "Bearer " + token});
    return router.Handle(request);
  }
};

TEST_CASE("feed api: an agency's sync account pages through its own entries with the cursor") {
  FeedFixture f;
  HttpResponse first = f.Get("/v1/feed?limit=2", "t-sync");
  REQUIRE(first.status == 200);
  json page = json::parse(first.body);
  REQUIRE(page["items"].size() == 2);
  CHECK(page["items"][0]["id"] == 1);
  CHECK(page["items"][0]["topic"] == "dossier.status");
  CHECK(page["items"][0]["payload"] == json{{"n", 1}});
  CHECK(page["items"][0]["created_at"] == "2026-11-20T01:00:00Z");
  CHECK(page["items"][1]["id"] == 3);  // entry 2 is agency B's
  CHECK(page["next"] == 3);

  json second = json::parse(f.Get("/v1/feed?after=3&limit=2", "t-sync").body);
  REQUIRE(second["items"].size() == 1);
  CHECK(second["items"][0]["id"] == 4);
  CHECK(second["next"] == 4);
  json empty = json::parse(f.Get("/v1/feed?after=4", "t-sync").body);
  CHECK(empty["items"].empty());
  CHECK(empty["next"] == 4);  // stay where you are

  json other = json::parse(f.Get("/v1/feed", "t-sync-b").body);
  REQUIRE(other["items"].size() == 1);
  CHECK(other["items"][0]["id"] == 2);
  CHECK(json::parse(f.Get("/v1/feed", "t-admin").body)["items"].size() == 3);
}

TEST_CASE("feed api: only admins and portal_sync accounts read it") {
  FeedFixture f;
  CHECK(f.Get("/v1/feed", "").status == 401);
  CHECK(f.Get("/v1/feed", "t-clerk").status == 403);
  CHECK(f.Get("/v1/feed", "t-owner").status == 403);
  CHECK(f.Get("/v1/feed/dead-letters", "t-sync").status == 403);
  HttpResponse letters = f.Get("/v1/feed/dead-letters", "t-admin");
  REQUIRE(letters.status == 200);
  CHECK(json::parse(letters.body)["items"].empty());
}

TEST_CASE("feed api: a bad cursor or limit is 422 naming the parameter") {
  FeedFixture f;
  struct Case {
    const char* target;
    const char* pointer;
  };
  const Case cases[] = {
      {"/v1/feed?after=abc", "/after"}, {"/v1/feed?after=-1", "/after"},
      {"/v1/feed?after=", "/after"},    {"/v1/feed?after=1.5", "/after"},
      {"/v1/feed?limit=0", "/limit"},   {"/v1/feed?limit=1001", "/limit"},
      {"/v1/feed?limit=ten", "/limit"}, {"/v1/feed/dead-letters?limit=0", "/limit"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.target);
    HttpResponse response = f.Get(c.target, "t-admin");
    CHECK(response.status == 422);
    CHECK(response.content_type == "application/problem+json");
    CHECK(json::parse(response.body)["errors"][0]["pointer"] == c.pointer);
  }
}

TEST_CASE("feed api: a cursor behind pruned entries is 410 naming /after and where to go on") {
  FeedFixture f;
  f.clock.Advance(std::chrono::days(100));
  FeedRetention retention(f.store, nullptr, f.clock, FeedRetentionPolicy{});
  Result<FeedPruneResult> pruned = retention.PruneDue(Actor{"motcua", {kSystemRole}, ""});
  REQUIRE(pruned.ok());
  REQUIRE(pruned->pruned_through == 3);  // entry 4 is the newest, and stays

  for (const char* target : {"/v1/feed?after=0", "/v1/feed?after=2"}) {
    CAPTURE(target);
    HttpResponse gone = f.Get(target, "t-sync");
    CHECK(gone.status == 410);
    CHECK(gone.content_type == "application/problem+json");
    json problem = json::parse(gone.body);
    CHECK(problem["type"] == "https://motcua.example/problems/feed_pruned");
    CHECK(problem["errors"][0]["pointer"] == "/after");
    CHECK(problem["detail"].get<std::string>().find("continue after 3") != std::string::npos);
  }
  // From the cursor it names, or without a cursor: from the oldest entry held.
  for (const char* target : {"/v1/feed?after=3", "/v1/feed"}) {
    CAPTURE(target);
    HttpResponse rest = f.Get(target, "t-sync");
    REQUIRE(rest.status == 200);
    json page = json::parse(rest.body);
    REQUIRE(page["items"].size() == 1);
    CHECK(page["items"][0]["id"] == 4);
    CHECK(page["next"] == 4);
  }
  // Agency B's only entry was pruned: its reader without a cursor is told to
  // go on from the watermark, not from 0.
  HttpResponse none = f.Get("/v1/feed", "t-sync-b");
  REQUIRE(none.status == 200);
  CHECK(json::parse(none.body)["items"].empty());
  CHECK(json::parse(none.body)["next"] == 3);
}

TEST_CASE("feed api: dead letters of the admin's agency") {
  FeedFixture f;
  REQUIRE(f.store.RecordDeadLetter(DeadLetter{2, "", "", 10, "webhook answered 500", f.clock.Now()})
              .ok());
  REQUIRE(
      f.store
          .RecordDeadLetter(DeadLetter{3, "", "", 10, "webhook read: end of stream", f.clock.Now()})
          .ok());
  json letters = json::parse(f.Get("/v1/feed/dead-letters", "t-admin").body);
  REQUIRE(letters["items"].size() == 1);  // entry 2 is agency B's
  CHECK(letters["items"][0] == json{{"entry_id", 3},
                                    {"topic", "dossier.status"},
                                    {"attempts", 10},
                                    {"last_error", "webhook read: end of stream"},
                                    {"failed_at", "2026-11-20T01:00:00Z"}});
}

}  // namespace
}  // namespace motcua
