#include "engine/sqlite/event_tables.h"

#include <optional>
#include <string>
#include <utility>

#include "engine/crypto/hex.h"
#include "engine/domain/status_macros.h"
#include "engine/sqlite/dossier_codec.h"

namespace motcua {
namespace {

// Calls `on_record` with each event row of `dossier_code`, oldest first.
template <typename OnRecord>
Status ForEachEvent(SqliteConnection& db, const std::string& dossier_code, OnRecord&& on_record) {
  ASSIGN_OR_RETURN(SqliteStatement * stmt,
                   db.Prepare(std::string("SELECT ") + kEventColumns +
                              " FROM events WHERE dossier_code = ?1 ORDER BY idx"));
  StatementReset reset(stmt);
  stmt->BindText(1, dossier_code);
  return stmt->ForEachRow([&](const SqliteStatement& row) -> Status {
    ASSIGN_OR_RETURN(AuditRecord record, ReadEventRow(row));
    on_record(std::move(record));
    return Status();
  });
}

}  // namespace

const EventChainHeads::Head* EventChainHeads::Find(const std::string& dossier_code) const {
  auto found = heads_.find(dossier_code);
  return found == heads_.end() ? nullptr : &found->second;
}

void EventChainHeads::Put(const std::string& dossier_code, Head head) {
  if (heads_.size() >= kMaxEntries) heads_.clear();
  heads_.insert_or_assign(dossier_code, std::move(head));
}

Status AppendEvent(SqliteConnection& db, EventChainHeads& heads, const std::string& dossier_code,
                   const EncodedEvent& encoded) {
  std::int64_t index = 0;
  std::string previous_hash;
  if (const EventChainHeads::Head* head = heads.Find(dossier_code)) {
    index = head->index + 1;
    previous_hash = head->hash;
  } else {
    ASSIGN_OR_RETURN(
        SqliteStatement * last,
        db.Prepare(
            "SELECT idx, hash FROM events WHERE dossier_code = ?1 ORDER BY idx DESC LIMIT 1"));
    StatementReset reset(last);
    last->BindTextNoCopy(1, dossier_code);
    ASSIGN_OR_RETURN(bool row, last->Step());
    if (row) {
      index = last->ColumnInt(0) + 1;
      previous_hash = ColumnEventHash(*last, 1);
    }
  }
  std::string hash = EventHash(encoded.canonical, index, previous_hash);
  const DossierEvent& event = *encoded.event;
  ASSIGN_OR_RETURN(
      SqliteStatement * insert,
      db.Prepare("INSERT INTO events (dossier_code, idx, action, from_state, to_state, actor_id, "
                 "actor_roles, actor_agency, at, step, channel, payload, hash, "
                 "actor_auth_method, actor_identity_provider) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"));
  SqliteStatement& stmt = *insert;
  {
    StatementReset reset(&stmt);
    stmt.BindTextNoCopy(1, dossier_code);
    stmt.BindInt(2, index);
    stmt.BindTextNoCopy(3, event.action);
    stmt.BindTextNoCopy(4, event.from_state);
    stmt.BindTextNoCopy(5, event.to_state);
    stmt.BindTextNoCopy(6, event.actor.user_id);
    stmt.BindTextNoCopy(7, encoded.roles_json);
    stmt.BindTextNoCopy(8, event.actor.agency);
    stmt.BindInt(9, ToSeconds(event.at));
    stmt.BindTextNoCopy(10, encoded.step);
    if (event.channel) {
      stmt.BindInt(11, static_cast<int>(*event.channel));
    } else {
      stmt.BindNull(11);
    }
    stmt.BindTextNoCopy(12, encoded.payload_json);
    // The 32 bytes EventHash's hex digits spell (ColumnEventHash reads them
    // back, and hex text too).
    if (const std::optional<std::string> bytes = ParseLowerHex(hash)) {
      stmt.BindBlob(13, *bytes);
    } else {
      stmt.BindTextNoCopy(13, hash);
    }
    // NULL columns for an event that records no method, as its hash covers none.
    if (event.records_authentication) {
      stmt.BindTextNoCopy(14, AuthMethodName(event.actor.authenticated_by));
    } else {
      stmt.BindNull(14);
    }
    if (event.records_authentication && !event.actor.identity_provider.empty()) {
      stmt.BindTextNoCopy(15, event.actor.identity_provider);
    } else {
      stmt.BindNull(15);
    }
    RETURN_IF_ERROR(stmt.Run());
  }
  heads.Put(dossier_code, EventChainHeads::Head{index, std::move(hash)});
  return Status();
}

Result<std::vector<DossierEvent>> QueryHistory(SqliteConnection& db,
                                               const std::string& dossier_code) {
  std::vector<DossierEvent> history;
  RETURN_IF_ERROR(ForEachEvent(
      db, dossier_code, [&](AuditRecord record) { history.push_back(std::move(record.event)); }));
  return history;
}

Result<std::vector<AuditRecord>> QueryAuditRecords(SqliteConnection& db,
                                                   const std::string& dossier_code) {
  std::vector<AuditRecord> records;
  RETURN_IF_ERROR(ForEachEvent(db, dossier_code,
                               [&](AuditRecord record) { records.push_back(std::move(record)); }));
  LinkPreviousHashes(records);
  return records;
}

}  // namespace motcua
