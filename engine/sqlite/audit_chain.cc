#include "engine/sqlite/audit_chain.h"

#include <memory>
#include <nlohmann/json.hpp>
#include <utility>

#include "engine/crypto/sha256.h"
#include "engine/sqlite/dossier_codec.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

std::string CanonicalEvent(const std::string& dossier_code, std::int64_t index,
                           const DossierEvent& event) {
  // nlohmann::json objects keep keys sorted, so dump() is canonical.
  nlohmann::json canonical{
      {"dossier_code", dossier_code},
      {"idx", index},
      {"action", event.action},
      {"from_state", event.from_state},
      {"to_state", event.to_state},
      {"actor",
       {{"user_id", event.actor.user_id},
        {"roles", event.actor.roles},
        {"agency", event.actor.agency}}},
      {"at", ToSeconds(event.at)},
      {"step", StepName(event.step)},
      {"channel", nullptr},
      {"payload", event.payload},
  };
  if (event.channel) canonical["channel"] = static_cast<int>(*event.channel);
  return canonical.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

// `value` as CanonicalEvent's dump() writes it.
std::string CanonicalJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

CanonicalEventTemplate CanonicalEventAround(const std::string& dossier_code,
                                            const DossierEvent& event) {
  // CanonicalEvent's object written key by key, in its sorted key order, each
  // value dumped with the same settings, without building the object (and
  // copying the payload) first. A test checks it against CanonicalEvent.
  CanonicalEventTemplate parts;
  parts.head = "{\"action\":" + CanonicalJson(event.action) +
               ",\"actor\":{\"agency\":" + CanonicalJson(event.actor.agency) +
               ",\"roles\":" + CanonicalJson(event.actor.roles) +
               ",\"user_id\":" + CanonicalJson(event.actor.user_id) +
               "},\"at\":" + std::to_string(ToSeconds(event.at)) + ",\"channel\":" +
               (event.channel ? std::to_string(static_cast<int>(*event.channel)) : "null") +
               ",\"dossier_code\":" + CanonicalJson(dossier_code) +
               ",\"from_state\":" + CanonicalJson(event.from_state) + ",\"idx\":";
  parts.tail = ",\"payload\":" + CanonicalJson(event.payload) +
               ",\"step\":" + CanonicalJson(StepName(event.step)) +
               ",\"to_state\":" + CanonicalJson(event.to_state) + "}";
  return parts;
}

std::string EventHash(const CanonicalEventTemplate& canonical_event, std::int64_t index,
                      const std::string& previous_hash) {
  const std::string position = std::to_string(index);
  std::string input;
  input.reserve(canonical_event.head.size() + position.size() + canonical_event.tail.size() + 1 +
                previous_hash.size());
  input += canonical_event.head;
  input += position;
  input += canonical_event.tail;
  input += '\n';
  input += previous_hash;
  return Sha256Hex(input);
}

std::string EventHash(const std::string& canonical_event, const std::string& previous_hash) {
  std::string input;
  input.reserve(canonical_event.size() + 1 + previous_hash.size());
  input += canonical_event;
  input += '\n';
  input += previous_hash;
  return Sha256Hex(input);
}

namespace {

AuditVerification Broken(std::int64_t checked, const std::string& code, std::int64_t index,
                         std::int64_t sequence, std::string reason) {
  AuditVerification result;
  result.ok = false;
  result.events_checked = checked;
  result.first_broken = BrokenLink{code, index, sequence, std::move(reason)};
  return result;
}

}  // namespace

Result<AuditVerification> VerifyAuditChain(sqlite3* db,
                                           const std::optional<std::string>& dossier_code) {
  std::string sql = std::string("SELECT ") + kEventColumns + " FROM events";
  if (dossier_code) sql += " WHERE dossier_code = ?1";
  sql += " ORDER BY dossier_code, idx";
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, "prepare audit query", db);
  SqliteStatement stmt(raw, db);
  if (dossier_code) stmt.BindText(1, *dossier_code);

  AuditVerification result;
  std::string current_code;
  std::string previous_hash;
  std::int64_t expected_index = 0;
  bool first = true;
  for (;;) {
    Result<bool> row = stmt.Step();
    if (!row.ok()) return row.error();
    if (!*row) break;
    const std::string code = stmt.ColumnText(1);
    const std::int64_t index = stmt.ColumnInt(2);
    const std::int64_t sequence = stmt.ColumnInt(0);
    if (first || code != current_code) {
      first = false;
      current_code = code;
      previous_hash.clear();
      expected_index = 0;
    }
    if (index != expected_index) {
      return Broken(result.events_checked, code, expected_index, sequence,
                    "event " + std::to_string(expected_index) + " is missing");
    }
    Result<AuditRecord> record = ReadEventRow(stmt);
    if (!record.ok()) {
      return Broken(result.events_checked, code, index, sequence,
                    "event is unreadable: " + record.error().message());
    }
    if (record->previous_hash != previous_hash) {
      return Broken(result.events_checked, code, index, sequence,
                    "previous_hash does not match the previous event's hash");
    }
    const std::string expected =
        EventHash(CanonicalEvent(code, index, record->event), previous_hash);
    if (record->hash != expected) {
      return Broken(result.events_checked, code, index, sequence,
                    "hash does not match the event's content");
    }
    previous_hash = record->hash;
    ++expected_index;
    ++result.events_checked;
  }
  if (dossier_code && first) {
    return Error(ErrorCode::kNotFound, "dossier " + *dossier_code + " has no events");
  }
  return result;
}

Result<AuditVerification> VerifyAuditChain(const std::string& database_path,
                                           const std::optional<std::string>& dossier_code) {
  Result<std::unique_ptr<SqliteConnection>> connection =
      SqliteConnection::Open(database_path, SQLITE_OPEN_READONLY, 5000);
  if (!connection.ok()) return connection.error();
  return VerifyAuditChain((*connection)->handle(), dossier_code);
}

}  // namespace motcua
