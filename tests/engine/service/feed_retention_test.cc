// FeedRetention: who may prune, what is due, the webhook's cursor, batches.
#include "engine/service/feed_retention.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/domain/identity.h"
#include "tests/fakes/memory_store.h"

namespace motcua {
namespace {

using std::chrono::days;

const Actor kSystem{"motcua serve", {kSystemRole}, ""};

struct RetentionFixture {
  FakeClock clock{Instant{std::chrono::seconds(1'795'136'400)}};
  MemoryStore store{&clock};

  // `n` dossiers, one feed entry each, a day apart, the first one now; then
  // the clock moves on by `later`.
  void WriteEntries(int n, days later) {
    for (int i = 1; i <= n; ++i) {
      Dossier d;
      d.code = "R-" + std::to_string(i);
      d.agency = "000.00.01.H26";
      d.state = "submitted";
      d.version = 1;
      DossierEvent submitted;
      submitted.action = "submit";
      submitted.to_state = "submitted";
      submitted.at = clock.Now();
      d.history.push_back(submitted);
      REQUIRE(store
                  .CreateDossier(d, {}, 1,
                                 {OutboxEntry{"dossier.status", nlohmann::json{{"n", i}}.dump()}})
                  .ok());
      clock.Advance(days(1));
    }
    clock.Advance(later - days(n));
  }

  // The ids still held, read from the watermark on (where nothing is refused).
  std::vector<std::int64_t> Remaining() {
    Result<std::int64_t> watermark = store.OutboxPrunedThrough();
    REQUIRE(watermark.ok());
    Result<std::vector<StoredOutboxEntry>> page =
        store.ListOutbox(OutboxQuery{*watermark, 1000, {}});
    REQUIRE(page.ok());
    std::vector<std::int64_t> ids;
    for (const StoredOutboxEntry& entry : *page) ids.push_back(entry.id);
    return ids;
  }
};

TEST_CASE("feed retention: only the system prunes") {
  RetentionFixture f;
  f.WriteEntries(3, days(400));
  FeedRetention retention(f.store, nullptr, f.clock, FeedRetentionPolicy{});
  for (const Actor& actor : {Actor{"admin", {kAdminRole}, "000.00.01.H26"},
                             Actor{"sync", {kPortalSyncRole}, "000.00.01.H26"}, Actor{}}) {
    CAPTURE(actor.user_id);
    Result<FeedPruneResult> refused = retention.PruneDue(actor);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == ErrorCode::kPermissionDenied);
  }
  CHECK(f.Remaining().size() == 3);
}

TEST_CASE("feed retention: entries older than the retention go, the newest and younger stay") {
  RetentionFixture f;
  f.WriteEntries(5, days(92));  // entries are 92, 91, 90, 89 and 88 days old
  FeedRetention retention(f.store, nullptr, f.clock, FeedRetentionPolicy{days(90)});
  Result<FeedPruneResult> pruned = retention.PruneDue(kSystem);
  REQUIRE(pruned.ok());
  CHECK(pruned->deleted == 2);
  CHECK(pruned->pruned_through == 2);
  CHECK_FALSE(pruned->more);
  CHECK(f.Remaining() == std::vector<std::int64_t>{3, 4, 5});

  FeedRetention forever(f.store, nullptr, f.clock, FeedRetentionPolicy{days(0)});
  f.clock.Advance(days(3650));
  Result<FeedPruneResult> kept = forever.PruneDue(kSystem);
  REQUIRE(kept.ok());
  CHECK(kept->deleted == 0);
  CHECK(f.Remaining() == std::vector<std::int64_t>{3, 4, 5});
}

TEST_CASE("feed retention: with a webhook, only what it delivered goes") {
  RetentionFixture f;
  f.WriteEntries(5, days(400));
  FeedRetention retention(f.store, &f.store, f.clock, FeedRetentionPolicy{days(90)});
  Result<FeedPruneResult> nothing_delivered = retention.PruneDue(kSystem);
  REQUIRE(nothing_delivered.ok());
  CHECK(nothing_delivered->deleted == 0);
  REQUIRE(f.store.RecordDelivered(2, f.clock.Now()).ok());
  Result<FeedPruneResult> delivered = retention.PruneDue(kSystem);
  REQUIRE(delivered.ok());
  CHECK(delivered->deleted == 2);
  CHECK(f.Remaining() == std::vector<std::int64_t>{3, 4, 5});
}

TEST_CASE("feed retention: batches, and what is left waits for the next call") {
  RetentionFixture f;
  f.WriteEntries(8, days(400));
  FeedRetentionPolicy policy{days(90)};
  policy.batch = 2;
  policy.max_batches = 2;
  FeedRetention retention(f.store, nullptr, f.clock, policy);
  Result<FeedPruneResult> first = retention.PruneDue(kSystem);
  REQUIRE(first.ok());
  CHECK(first->deleted == 4);
  CHECK(first->pruned_through == 4);
  CHECK(first->more);
  Result<FeedPruneResult> second = retention.PruneDue(kSystem);
  REQUIRE(second.ok());
  CHECK(second->deleted == 3);  // 5, 6 and 7; 8 is the newest
  CHECK_FALSE(second->more);
  CHECK(f.Remaining() == std::vector<std::int64_t>{8});
}

}  // namespace
}  // namespace motcua
