// pg_outbox_tables.h: the PostgreSQL side of the national-portal sync feed
// (OutboxEntry in store.h) and of its delivery (feed_delivery.h):
//  - outbox: the feed's rows. Unlike SQLite, the writer's transaction does
//    not give a row its id: with several writer processes, a sequence hands
//    out values in the order transactions ask, not the order they commit, so
//    a reader who saw id N could later meet a row committed below N. Writers
//    insert rows unnumbered (id NULL; the identity `position` keeps their
//    order), and NumberOutboxRows later numbers committed rows, each
//    numbering above every id handed out before it. Readers see numbered
//    rows only;
//  - outbox_ids: the last id handed out; its row lock puts the numberings in
//    one line;
//  - outbox_retention: how far rows were pruned, one row inserted when first
//    needed. What SQLite's triggers enforce (0018_feed_retention.sql) is in
//    PruneOutboxRows' statements;
//  - feed_delivery: each subscriber's cursor, the last id it is done with;
//  - feed_dead_letters: rows a subscriber gave up on, with the last error.
// This adapter serves one subscriber, "webhook".
//
// Writes run inside the pool's write transaction (pg_pool.h, READ COMMITTED),
// queries inside its read transaction (one snapshot); NumberOutboxRows needs
// a write transaction of its own. Page limits were checked by the ports'
// fronts (CheckPageLimit under kFeedPageRule).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/feed_delivery.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/postgres/pg_connection.h"
#include "engine/storage/column_codec.h"

namespace motcua {

// Appends `outbox` as unnumbered rows of `agency`'s dossier, stamped `at`,
// in entry order. They join the feed once committed and numbered
// (NumberOutboxRows).
Status InsertOutbox(PgConnection& db, const std::vector<OutboxEntry>& outbox,
                    const std::string& agency, Instant at);

// Gives every committed unnumbered outbox row its id, in `position` order,
// from the last id handed out + 1, and records the new last id.
//
// It must be the only statement group of its transaction: a write
// transaction of its own (PgPool::Write, READ COMMITTED), committed before
// the read transaction that lists the feed. It locks the outbox_ids row, so
// numberings run one at a time, and numbers in a later statement, whose
// snapshot sees every earlier numbering and every row committed before it
// started; rows committed afterwards wait for the next call, and get higher
// ids. So an id handed out is above every id a reader can have seen
// (StoredOutboxEntry). Inside a writer's transaction it would number that
// transaction's own rows and hold the lock until its commit; in a
// REPEATABLE READ transaction, the lock fails with a serialization error
// (40001) once another numbering committed after the snapshot.
// When no committed row is unnumbered it returns without writing or locking.
Status NumberOutboxRows(PgConnection& db);

// Numbered rows with id > `query.after_sequence`, by id, at most
// `query.limit`, only `query.agency`'s when set. kFeedPruned (FeedPrunedError)
// when `query.after_sequence` is below the retention watermark.
Result<std::vector<StoredOutboxEntry>> QueryOutbox(PgConnection& db, const OutboxQuery& query);

// The retention watermark: every row at or below it is gone (but those a
// dead letter names); 0 before the first pruning.
Result<std::int64_t> QueryPrunedThrough(PgConnection& db);

// One batch of feed retention over numbered rows, as OutboxPruning (store.h)
// states: locks the watermark row (inserting it at 0 when absent), so that
// prunings run one at a time, raises the watermark to the end of the run,
// then deletes the run's rows but those a dead letter names. Its statements
// check what SQLite's triggers do: the watermark only rises and stays below
// the newest numbered row; only rows above the old watermark and at or
// below the new one go, never the newest. `complete` is false only when
// `pruning.limit` rows could go and another numbered row below the newest
// follows them. Unnumbered rows are never read or touched.
Result<OutboxPruned> PruneOutboxRows(PgConnection& db, const OutboxPruning& pruning);

// The subscriber's cursor; 0 before the first delivery.
Result<std::int64_t> QueryDeliveryCursor(PgConnection& db);
// Moves the cursor forward to `entry_id` (never back), in one upsert.
Status AdvanceDeliveryCursor(PgConnection& db, std::int64_t entry_id, Instant at);
// Stores `letter` (replacing one for the same entry) and advances the cursor.
Status InsertDeadLetter(PgConnection& db, const DeadLetter& letter);
// Dead letters by entry id, at most `limit`, with topic and agency from their
// outbox row ("" when it is gone); only `agency`'s rows when set.
Result<std::vector<DeadLetter>> QueryDeadLetters(PgConnection& db,
                                                 const std::optional<std::string>& agency,
                                                 int limit);

}  // namespace motcua
