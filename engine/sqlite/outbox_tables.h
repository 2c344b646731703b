// outbox_tables.h: the SQLite side of the national-portal sync feed
// (OutboxEntry in store.h) and of its delivery (feed_delivery.h):
//  - outbox: the feed's rows; the id is the rowid, assigned inside the
//    writer's transaction, so ids grow in commit order (0005_feed_delivery);
//  - outbox_retention: how far rows were pruned (0018_feed_retention);
//  - feed_delivery: each subscriber's cursor, the last id it is done with;
//  - feed_dead_letters: rows a subscriber gave up on, with the last error.
// This adapter serves one subscriber, "webhook".
//
// Writes run inside the writer's transaction (sqlite_connection_pool.h),
// queries inside the caller's read transaction. Each function owns its SQL.
// Page limits were checked by the ports' fronts (CheckPageLimit under kFeedPageRule).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/feed_delivery.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/sqlite/sqlite_db.h"
#include "engine/storage/column_codec.h"

namespace motcua {

// An entry's payload as the outbox table keeps it: compressed, as a BLOB
// (feed_payload_codec.h), or, when the JSON is over the codec's
// kMaxFeedPayloadBytes, the text as it is, as rows from before compression
// are. A dossier's national record grows with every supplement comment; a
// large one must still be stored, not refuse the dossier's every later
// transition.
struct StoredOutboxPayload {
  std::string bytes;
  bool compressed = false;
};

// The stored form of each entry's payload, made before the write
// transaction so that the writer only binds them.
Result<std::vector<StoredOutboxPayload>> StoredOutboxPayloads(
    const std::vector<OutboxEntry>& outbox);

// Appends `outbox` (with `payloads` from StoredOutboxPayloads) as rows of
// `agency`'s dossier, stamped `at`.
Status InsertOutbox(SqliteConnection& db, const std::vector<OutboxEntry>& outbox,
                    const std::vector<StoredOutboxPayload>& payloads, const std::string& agency,
                    Instant at);

// kFeedPruned (FeedPrunedError) when `query.after_sequence` is below the
// retention watermark (0018_feed_retention.sql).
Result<std::vector<StoredOutboxEntry>> QueryOutbox(SqliteConnection& db, const OutboxQuery& query);

// The retention watermark: every row at or below it is gone.
Result<std::int64_t> QueryPrunedThrough(SqliteConnection& db);

// One batch of feed retention, as OutboxPruning (store.h) states: raises the
// watermark, then deletes the run below it.
Result<OutboxPruned> PruneOutboxRows(SqliteConnection& db, const OutboxPruning& pruning);

// The subscriber's cursor; 0 before the first delivery.
Result<std::int64_t> QueryDeliveryCursor(SqliteConnection& db);
// Moves the cursor forward to `entry_id` (never back).
Status AdvanceDeliveryCursor(SqliteConnection& db, std::int64_t entry_id, Instant at);
// Stores `letter` (replacing one for the same entry) and advances the cursor.
Status InsertDeadLetter(SqliteConnection& db, const DeadLetter& letter);
// Dead letters by entry id, topic and agency from their outbox row.
Result<std::vector<DeadLetter>> QueryDeadLetters(SqliteConnection& db,
                                                 const std::optional<std::string>& agency,
                                                 int limit);

}  // namespace motcua
