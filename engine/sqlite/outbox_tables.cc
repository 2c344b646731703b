#include "engine/sqlite/outbox_tables.h"

#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"
#include "engine/sqlite/feed_payload_codec.h"

namespace motcua {
namespace {

constexpr const char* kWebhookSubscriber = "webhook";

}  // namespace

Result<std::vector<StoredOutboxPayload>> StoredOutboxPayloads(
    const std::vector<OutboxEntry>& outbox) {
  std::vector<StoredOutboxPayload> payloads;
  payloads.reserve(outbox.size());
  for (const OutboxEntry& entry : outbox) {
    if (entry.payload_json.size() > kMaxFeedPayloadBytes) {
      payloads.push_back(StoredOutboxPayload{entry.payload_json, false});
      continue;
    }
    ASSIGN_OR_RETURN(std::string compressed, CompressFeedPayload(entry.payload_json));
    payloads.push_back(StoredOutboxPayload{std::move(compressed), true});
  }
  return payloads;
}

Status InsertOutbox(SqliteConnection& db, const std::vector<OutboxEntry>& outbox,
                    const std::vector<StoredOutboxPayload>& payloads, const std::string& agency,
                    Instant at) {
  if (outbox.empty()) return Status();
  ASSIGN_OR_RETURN(
      SqliteStatement * insert,
      db.Prepare(
          "INSERT INTO outbox (topic, payload, created_at, agency) VALUES (?1, ?2, ?3, ?4)"));
  for (std::size_t i = 0; i < outbox.size(); ++i) {
    StatementReset reset(insert);
    insert->BindText(1, outbox[i].topic);
    if (payloads[i].compressed) {
      insert->BindBlob(2, payloads[i].bytes);
    } else {
      insert->BindText(2, payloads[i].bytes);
    }
    insert->BindInt(3, ToSeconds(at));
    insert->BindText(4, agency);
    RETURN_IF_ERROR(insert->Run());
  }
  return Status();
}

Result<std::int64_t> QueryPrunedThrough(SqliteConnection& db) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("SELECT pruned_through FROM outbox_retention WHERE singleton = 1"));
  StatementReset reset(stmt);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->ColumnInt(0) : std::int64_t{0};
}

Result<std::vector<StoredOutboxEntry>> QueryOutbox(SqliteConnection& db, const OutboxQuery& query) {
  ASSIGN_OR_RETURN(std::int64_t pruned_through, QueryPrunedThrough(db));
  if (query.after_sequence < pruned_through) {
    return FeedPrunedError(query.after_sequence, pruned_through);
  }
  // Two statements so that each uses its index: the rowid, or (agency, id).
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   query.agency
                       ? db.Prepare("SELECT id, topic, agency, payload, created_at FROM outbox"
                                    " WHERE agency = ?3 AND id > ?1 ORDER BY id LIMIT ?2")
                       : db.Prepare("SELECT id, topic, agency, payload, created_at FROM outbox"
                                    " WHERE id > ?1 ORDER BY id LIMIT ?2"));
  StatementReset reset(stmt);
  stmt->BindInt(1, query.after_sequence);
  stmt->BindInt(2, query.limit);
  if (query.agency) stmt->BindText(3, *query.agency);
  std::vector<StoredOutboxEntry> entries;
  Status read = stmt->ForEachRow([&](const SqliteStatement& row) -> Status {
    StoredOutboxEntry entry;
    entry.id = row.ColumnInt(0);
    entry.topic = row.ColumnText(1);
    entry.agency = row.ColumnText(2);
    // TEXT for entries stored before compression, for the audit
    // checkpoints' entries (audit_chain.h) and for those too large to
    // compress (StoredOutboxPayload).
    std::string text;
    if (row.IsBlob(3)) {
      ASSIGN_OR_RETURN(text, DecompressFeedPayload(row.ColumnBlob(3)));
    } else {
      text = row.ColumnText(3);
    }
    ASSIGN_OR_RETURN(nlohmann::json payload, DecodeJson(text, "outbox.payload"));
    entry.payload = std::move(payload);
    entry.created_at = FromSeconds(row.ColumnInt(4));
    entries.push_back(std::move(entry));
    return Status();
  });
  RETURN_IF_ERROR(read);
  return entries;
}

Result<OutboxPruned> PruneOutboxRows(SqliteConnection& db, const OutboxPruning& pruning) {
  ASSIGN_OR_RETURN(std::int64_t pruned_through, QueryPrunedThrough(db));
  std::int64_t newest = 0;
  {
    ASSIGN_OR_RETURN(SqliteStatement * stmt, db.Prepare("SELECT coalesce(max(id), 0) FROM outbox"));
    StatementReset reset(stmt);
    ASSIGN_OR_RETURN(bool row, stmt->Step());
    if (row) newest = stmt->ColumnInt(0);
  }
  // The run: rows after the watermark in id order, while each may go.
  std::int64_t end = pruned_through;
  bool complete = true;
  {
    ASSIGN_OR_RETURN(SqliteStatement * stmt,
                     db.Prepare("SELECT id, created_at FROM outbox WHERE id > ?1 AND id < ?2"
                                " ORDER BY id LIMIT ?3"));
    StatementReset reset(stmt);
    stmt->BindInt(1, pruned_through);
    stmt->BindInt(2, newest);
    stmt->BindInt(3, pruning.limit);
    const std::int64_t before = ToSeconds(pruning.created_before);
    bool stopped = false;  // at the first row to keep; the rows after it are not read
    int rows = 0;
    while (!stopped) {
      ASSIGN_OR_RETURN(bool row, stmt->Step());
      if (!row) break;
      ++rows;
      const std::int64_t id = stmt->ColumnInt(0);
      if (stmt->ColumnInt(1) >= before || (pruning.keep_after && id > *pruning.keep_after)) {
        stopped = true;
      } else {
        end = id;
      }
    }
    complete = stopped || rows < pruning.limit;
  }
  if (end == pruned_through) return OutboxPruned{0, pruned_through, complete};
  {
    ASSIGN_OR_RETURN(
        SqliteStatement * stmt,
        db.Prepare("UPDATE outbox_retention SET pruned_through = ?1 WHERE singleton = 1"));
    StatementReset reset(stmt);
    stmt->BindInt(1, end);
    RETURN_IF_ERROR(stmt->Run());
  }
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("DELETE FROM outbox WHERE id > ?1 AND id <= ?2"
                              " AND id NOT IN (SELECT entry_id FROM feed_dead_letters)"));
  StatementReset reset(stmt);
  stmt->BindInt(1, pruned_through);
  stmt->BindInt(2, end);
  RETURN_IF_ERROR(stmt->Run());
  return OutboxPruned{sqlite3_changes64(db.handle()), end, complete};
}

Result<std::int64_t> QueryDeliveryCursor(SqliteConnection& db) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare("SELECT last_delivered_id FROM feed_delivery WHERE subscriber = ?1"));
  StatementReset reset(stmt);
  stmt->BindText(1, kWebhookSubscriber);
  ASSIGN_OR_RETURN(bool row, stmt->Step());
  return row ? stmt->ColumnInt(0) : std::int64_t{0};
}

Status AdvanceDeliveryCursor(SqliteConnection& db, std::int64_t entry_id, Instant at) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(
          "INSERT INTO feed_delivery (subscriber, last_delivered_id, updated_at) VALUES (?1, ?2, "
          "?3)"
          " ON CONFLICT (subscriber) DO UPDATE SET last_delivered_id = excluded.last_delivered_id,"
          " updated_at = excluded.updated_at WHERE excluded.last_delivered_id > "
          "last_delivered_id"));
  StatementReset reset(stmt);
  stmt->BindText(1, kWebhookSubscriber);
  stmt->BindInt(2, entry_id);
  stmt->BindInt(3, ToSeconds(at));
  return stmt->Run();
}

Status InsertDeadLetter(SqliteConnection& db, const DeadLetter& letter) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare(
          "INSERT OR REPLACE INTO feed_dead_letters"
          " (subscriber, entry_id, attempts, last_error, failed_at) VALUES (?1, ?2, ?3, ?4, ?5)"));
  {
    StatementReset reset(stmt);
    stmt->BindText(1, kWebhookSubscriber);
    stmt->BindInt(2, letter.entry_id);
    stmt->BindInt(3, letter.attempts);
    stmt->BindText(4, letter.last_error);
    stmt->BindInt(5, ToSeconds(letter.failed_at));
    RETURN_IF_ERROR(stmt->Run());
  }
  return AdvanceDeliveryCursor(db, letter.entry_id, letter.failed_at);
}

Result<std::vector<DeadLetter>> QueryDeadLetters(SqliteConnection& db,
                                                 const std::optional<std::string>& agency,
                                                 int limit) {
  ASSIGN_OR_RETURN(
      SqliteStatement * stmt,
      db.Prepare("SELECT d.entry_id, COALESCE(o.topic, ''), COALESCE(o.agency, ''), d.attempts,"
                 " d.last_error, d.failed_at FROM feed_dead_letters AS d"
                 " LEFT JOIN outbox AS o ON o.id = d.entry_id"
                 " WHERE d.subscriber = ?1 AND (?2 IS NULL OR o.agency = ?2)"
                 " ORDER BY d.entry_id LIMIT ?3"));
  StatementReset reset(stmt);
  stmt->BindText(1, kWebhookSubscriber);
  stmt->BindOptionalText(2, agency);
  stmt->BindInt(3, limit);
  std::vector<DeadLetter> letters;
  Status read = stmt->ForEachRow([&](const SqliteStatement& row) {
    DeadLetter letter;
    letter.entry_id = row.ColumnInt(0);
    letter.topic = row.ColumnText(1);
    letter.agency = row.ColumnText(2);
    letter.attempts = static_cast<int>(row.ColumnInt(3));
    letter.last_error = row.ColumnText(4);
    letter.failed_at = FromSeconds(row.ColumnInt(5));
    letters.push_back(std::move(letter));
  });
  RETURN_IF_ERROR(read);
  return letters;
}

}  // namespace motcua
