#include "engine/postgres/pg_outbox_tables.h"

#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

constexpr const char* kWebhookSubscriber = "webhook";

}  // namespace

Status InsertOutbox(PgConnection& db, const std::vector<OutboxEntry>& outbox,
                    const std::string& agency, Instant at) {
  for (const OutboxEntry& entry : outbox) {
    RETURN_IF_ERROR(db.Run(
        "INSERT INTO outbox (topic, payload, created_at, agency) VALUES ($1, $2, $3, $4)",
        PgParams().Text(entry.topic).Text(entry.payload_json).Int(ToSeconds(at)).Text(agency)));
  }
  return Status();
}

Status NumberOutboxRows(PgConnection& db) {
  // Without the lock, so that a feed read with nothing new writes nothing. A
  // row this misses was committed after it: the caller's read may see it, but
  // unnumbered, so does not list it; a later call numbers it. A row another
  // numbering is numbering still looks unnumbered: then this waits below.
  {
    ASSIGN_OR_RETURN(PgResult waiting, db.Exec("SELECT 1 FROM outbox WHERE id IS NULL LIMIT 1"));
    if (waiting.Rows() == 0) return Status();
  }
  std::int64_t last = 0;
  {
    ASSIGN_OR_RETURN(PgResult locked,
                     db.Exec("SELECT last FROM outbox_ids WHERE singleton = 1 FOR UPDATE"));
    if (locked.Rows() != 1) {
      return Error(ErrorCode::kInternal, "the outbox_ids row is missing", ErrorReason::kCorruptRow);
    }
    last = locked.Int(0, 0);
  }
  // A new statement, so a new snapshot taken with the lock held: it sees the
  // previous numbering and every row committed before it starts.
  ASSIGN_OR_RETURN(PgResult numbered,
                   db.Exec("UPDATE outbox AS o SET id = $1::bigint + n.rank"
                           " FROM (SELECT position, row_number() OVER (ORDER BY position) AS rank"
                           " FROM outbox WHERE id IS NULL) AS n"
                           " WHERE o.position = n.position",
                           PgParams().Int(last)));
  // row_number() is 1..count, so the ids handed out are last+1..last+count.
  const std::int64_t count = numbered.Affected();
  if (count == 0) return Status();
  return db.Run("UPDATE outbox_ids SET last = $1 WHERE singleton = 1",
                PgParams().Int(last + count));
}

Result<std::int64_t> QueryPrunedThrough(PgConnection& db) {
  ASSIGN_OR_RETURN(PgResult rows,
                   db.Exec("SELECT pruned_through FROM outbox_retention WHERE singleton = 1"));
  return rows.Rows() > 0 ? rows.Int(0, 0) : std::int64_t{0};
}

Result<std::vector<StoredOutboxEntry>> QueryOutbox(PgConnection& db, const OutboxQuery& query) {
  ASSIGN_OR_RETURN(std::int64_t pruned_through, QueryPrunedThrough(db));
  if (query.after_sequence < pruned_through) {
    return FeedPrunedError(query.after_sequence, pruned_through);
  }
  // Two statements so that each uses its index: the id, or (agency, id).
  // `id > $1` leaves out unnumbered rows (id NULL).
  PgParams params;
  params.Int(query.after_sequence).Int(query.limit);
  if (query.agency) params.Text(*query.agency);
  ASSIGN_OR_RETURN(
      PgResult rows,
      db.Exec(query.agency ? "SELECT id, topic, agency, payload, created_at FROM outbox"
                             " WHERE agency = $3 AND id > $1 ORDER BY id LIMIT $2"
                           : "SELECT id, topic, agency, payload, created_at FROM outbox"
                             " WHERE id > $1 ORDER BY id LIMIT $2",
              params));
  std::vector<StoredOutboxEntry> entries;
  entries.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int r = 0; r < rows.Rows(); ++r) {
    StoredOutboxEntry entry;
    entry.id = rows.Int(r, 0);
    entry.topic = rows.Text(r, 1);
    entry.agency = rows.Text(r, 2);
    ASSIGN_OR_RETURN(entry.payload, DecodeJson(rows.Text(r, 3), "outbox.payload"));
    entry.created_at = FromSeconds(rows.Int(r, 4));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<OutboxPruned> PruneOutboxRows(PgConnection& db, const OutboxPruning& pruning) {
  // The watermark row, locked to the end of the transaction: a concurrent
  // pruning waits here, then reads the watermark this one leaves.
  RETURN_IF_ERROR(
      db.Run("INSERT INTO outbox_retention (singleton, pruned_through) VALUES (1, 0)"
             " ON CONFLICT (singleton) DO NOTHING"));
  std::int64_t pruned_through = 0;
  {
    ASSIGN_OR_RETURN(
        PgResult locked,
        db.Exec("SELECT pruned_through FROM outbox_retention WHERE singleton = 1 FOR UPDATE"));
    if (locked.Rows() != 1) {
      return Error(ErrorCode::kInternal, "the outbox_retention row is missing",
                   ErrorReason::kCorruptRow);
    }
    pruned_through = locked.Int(0, 0);
  }

  // The run: numbered rows after the watermark and below the newest, in id
  // order, while each may go. One row more than `limit` tells whether the
  // limit cut the run. max(id) is the newest numbered row (NULL when there
  // is none: then no id is below it). Ids handed out after this statement's
  // snapshot are above its newest row, so no row can join the run later.
  std::int64_t end = pruned_through;
  bool complete = true;
  {
    ASSIGN_OR_RETURN(PgResult rows,
                     db.Exec("SELECT id, created_at FROM outbox"
                             " WHERE id > $1 AND id < (SELECT max(id) FROM outbox)"
                             " ORDER BY id LIMIT $2",
                             PgParams().Int(pruned_through).Int(std::int64_t{pruning.limit} + 1)));
    const std::int64_t before = ToSeconds(pruning.created_before);
    for (int r = 0; r < rows.Rows(); ++r) {
      if (r == pruning.limit) {
        complete = false;
        break;
      }
      const std::int64_t id = rows.Int(r, 0);
      if (rows.Int(r, 1) >= before || (pruning.keep_after && id > *pruning.keep_after)) break;
      end = id;
    }
  }
  if (end == pruned_through) return OutboxPruned{0, pruned_through, complete};

  // SQLite's outbox_retention_only_up: up only, and below the newest row.
  {
    ASSIGN_OR_RETURN(PgResult raised, db.Exec("UPDATE outbox_retention SET pruned_through = $1"
                                              " WHERE singleton = 1 AND pruned_through < $1"
                                              " AND $1 < (SELECT max(id) FROM outbox)",
                                              PgParams().Int(end)));
    if (raised.Affected() != 1) {
      return Error(ErrorCode::kInternal, "the outbox retention watermark cannot move from " +
                                             std::to_string(pruned_through) + " to " +
                                             std::to_string(end));
    }
  }
  // SQLite's outbox_delete_below_watermark: only rows above the old watermark
  // and at or below the new one, never the newest; rows a dead letter names
  // stay.
  ASSIGN_OR_RETURN(PgResult deleted,
                   db.Exec("DELETE FROM outbox AS o WHERE o.id > $1 AND o.id <= $2"
                           " AND o.id < (SELECT max(id) FROM outbox)"
                           " AND NOT EXISTS (SELECT 1 FROM feed_dead_letters AS d"
                           " WHERE d.entry_id = o.id)",
                           PgParams().Int(pruned_through).Int(end)));
  return OutboxPruned{deleted.Affected(), end, complete};
}

Result<std::int64_t> QueryDeliveryCursor(PgConnection& db) {
  ASSIGN_OR_RETURN(PgResult rows,
                   db.Exec("SELECT last_delivered_id FROM feed_delivery WHERE subscriber = $1",
                           PgParams().Text(kWebhookSubscriber)));
  return rows.Rows() > 0 ? rows.Int(0, 0) : std::int64_t{0};
}

Status AdvanceDeliveryCursor(PgConnection& db, std::int64_t entry_id, Instant at) {
  return db.Run(
      "INSERT INTO feed_delivery AS f (subscriber, last_delivered_id, updated_at)"
      " VALUES ($1, $2, $3) ON CONFLICT (subscriber) DO UPDATE"
      " SET last_delivered_id = excluded.last_delivered_id, updated_at = excluded.updated_at"
      " WHERE excluded.last_delivered_id > f.last_delivered_id",
      PgParams().Text(kWebhookSubscriber).Int(entry_id).Int(ToSeconds(at)));
}

Status InsertDeadLetter(PgConnection& db, const DeadLetter& letter) {
  RETURN_IF_ERROR(
      db.Run("INSERT INTO feed_dead_letters (subscriber, entry_id, attempts, last_error, failed_at)"
             " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (subscriber, entry_id) DO UPDATE"
             " SET attempts = excluded.attempts, last_error = excluded.last_error,"
             " failed_at = excluded.failed_at",
             PgParams()
                 .Text(kWebhookSubscriber)
                 .Int(letter.entry_id)
                 .Int(letter.attempts)
                 .Text(letter.last_error)
                 .Int(ToSeconds(letter.failed_at))));
  return AdvanceDeliveryCursor(db, letter.entry_id, letter.failed_at);
}

Result<std::vector<DeadLetter>> QueryDeadLetters(PgConnection& db,
                                                 const std::optional<std::string>& agency,
                                                 int limit) {
  ASSIGN_OR_RETURN(
      PgResult rows,
      db.Exec("SELECT d.entry_id, COALESCE(o.topic, ''), COALESCE(o.agency, ''), d.attempts,"
              " d.last_error, d.failed_at FROM feed_dead_letters AS d"
              " LEFT JOIN outbox AS o ON o.id = d.entry_id"
              " WHERE d.subscriber = $1 AND ($2::text IS NULL OR o.agency = $2::text)"
              " ORDER BY d.entry_id LIMIT $3",
              PgParams().Text(kWebhookSubscriber).OptionalText(agency).Int(limit)));
  std::vector<DeadLetter> letters;
  letters.reserve(static_cast<std::size_t>(rows.Rows()));
  for (int r = 0; r < rows.Rows(); ++r) {
    DeadLetter letter;
    letter.entry_id = rows.Int(r, 0);
    letter.topic = rows.Text(r, 1);
    letter.agency = rows.Text(r, 2);
    letter.attempts = static_cast<int>(rows.Int(r, 3));
    letter.last_error = rows.Text(r, 4);
    letter.failed_at = FromSeconds(rows.Int(r, 5));
    letters.push_back(std::move(letter));
  }
  return letters;
}

}  // namespace motcua
