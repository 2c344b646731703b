#include "engine/sqlite/audit_chain.h"

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "engine/crypto/sha256.h"
#include "engine/domain/dossier_replay.h"
#include "engine/domain/rfc3339.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/workflow.h"
#include "engine/sqlite/dossier_codec.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

namespace {

std::string IssuedAt(const Checkpoint& checkpoint) {
  return "the checkpoint issued at " + FormatRfc3339DateTime(checkpoint.issued_at);
}

// One audit over one read snapshot; see VerifyAudit.
class Auditor {
 public:
  Auditor(sqlite3* db, const AuditOptions& options) : db_(db), options_(options) {
    if (options_.checkpoint != nullptr) {
      for (const ChainHead& head : options_.checkpoint->heads) {
        if (!options_.dossier_code || *options_.dossier_code == head.dossier_code) {
          checkpoint_heads_.emplace(head.dossier_code, &head);
        }
      }
    }
  }

  Result<AuditVerification> Run() {
    std::string sql = std::string("SELECT ") + kEventColumns + " FROM events";
    if (options_.dossier_code) sql += " WHERE dossier_code = ?1";
    sql += " ORDER BY dossier_code, idx";
    ASSIGN_OR_RETURN(SqliteStatement * events, Prepare(sql));
    StatementReset reset(events);
    if (options_.dossier_code) events->BindText(1, *options_.dossier_code);

    for (;;) {
      if (Full()) return Finish();
      ASSIGN_OR_RETURN(bool row, events->Step());
      if (!row) break;
      const std::string code = events->ColumnText(1);
      if (!current_ || code != current_->code) {
        RETURN_IF_ERROR(FinishDossier());
        current_.emplace();
        current_->code = code;
      }
      RETURN_IF_ERROR(ReadEvent(*events));
    }
    RETURN_IF_ERROR(FinishDossier());
    if (options_.dossier_code && result_.dossiers_checked == 0) {
      return Error(ErrorCode::kNotFound, "dossier " + *options_.dossier_code + " has no events");
    }
    if (options_.replay && !Full()) {
      RETURN_IF_ERROR(CheckRowsWithoutEvents());
    }
    for (const auto& [code, head] : checkpoint_heads_) {
      if (Full()) break;
      if (seen_.count(code) > 0) continue;
      Problem(BrokenLink::Kind::kCheckpoint, code, 0, 0,
              "the dossier is missing; " + IssuedAt(*options_.checkpoint) + " recorded " +
                  std::to_string(head->version) + " events");
    }
    return Finish();
  }

 private:
  // The dossier whose events are being read.
  struct Current {
    std::string code;
    std::vector<DossierEvent> history;
    std::vector<std::string> hashes;
    bool chain_broken = false;
  };

  Result<SqliteStatement*> Prepare(const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &raw, nullptr);
    if (rc != SQLITE_OK) return SqliteError(rc, "prepare audit query", db_);
    statements_.push_back(std::make_unique<SqliteStatement>(raw, db_));
    return statements_.back().get();
  }

  bool Full() const { return result_.problems.size() >= options_.max_problems; }

  void Problem(BrokenLink::Kind kind, const std::string& code, std::int64_t index,
               std::int64_t sequence, std::string reason) {
    result_.problems.push_back(BrokenLink{code, index, sequence, std::move(reason), kind});
  }

  Result<AuditVerification> Finish() {
    std::stable_sort(
        result_.problems.begin(), result_.problems.end(),
        [](const BrokenLink& a, const BrokenLink& b) { return a.dossier_code < b.dossier_code; });
    result_.ok = result_.problems.empty();
    if (!result_.ok) result_.first_broken = result_.problems.front();
    return std::move(result_);
  }

  Status ReadEvent(const SqliteStatement& row) {
    Current& dossier = *current_;
    const std::int64_t index = row.ColumnInt(2);
    const std::int64_t sequence = row.ColumnInt(0);
    const std::int64_t expected_index = static_cast<std::int64_t>(dossier.hashes.size());
    Result<AuditRecord> record = ReadEventRow(row);
    if (dossier.chain_broken) {
      dossier.hashes.push_back(record.ok() ? record->hash : row.ColumnText(14));
      return {};
    }
    std::string reason;
    const std::string previous_hash = dossier.hashes.empty() ? "" : dossier.hashes.back();
    if (index != expected_index) {
      reason = "event " + std::to_string(expected_index) + " is missing";
    } else if (!record.ok()) {
      reason = "event is unreadable: " + record.error().message();
    } else if (record->previous_hash != previous_hash) {
      reason = "previous_hash does not match the previous event's hash";
    } else if (record->hash !=
               EventHash(CanonicalEvent(dossier.code, index, record->event), previous_hash)) {
      reason = "hash does not match the event's content";
    }
    if (!reason.empty()) {
      Problem(BrokenLink::Kind::kChain, dossier.code,
              index == expected_index ? index : expected_index, sequence, std::move(reason));
      dossier.chain_broken = true;
      dossier.hashes.push_back(record.ok() ? record->hash : row.ColumnText(14));
      return {};
    }
    ++result_.events_checked;
    dossier.hashes.push_back(record->hash);
    if (options_.replay) dossier.history.push_back(std::move(record->event));
    return {};
  }

  Status FinishDossier() {
    if (!current_) return {};
    Current dossier = std::move(*current_);
    current_.reset();
    ++result_.dossiers_checked;
    seen_.insert(dossier.code);
    CompareWithCheckpoint(dossier);
    if (!options_.replay || dossier.chain_broken) return {};
    return ReplayDossier(dossier);
  }

  void CompareWithCheckpoint(const Current& dossier) {
    auto it = checkpoint_heads_.find(dossier.code);
    if (it == checkpoint_heads_.end()) return;
    const ChainHead& head = *it->second;
    const auto events = static_cast<std::int64_t>(dossier.hashes.size());
    if (events < head.version) {
      Problem(BrokenLink::Kind::kCheckpoint, dossier.code, 0, 0,
              "truncated: " + std::to_string(events) + " events remain, but " +
                  IssuedAt(*options_.checkpoint) + " recorded " + std::to_string(head.version));
    } else if (dossier.hashes[static_cast<std::size_t>(head.version - 1)] != head.head) {
      Problem(BrokenLink::Kind::kCheckpoint, dossier.code, head.version - 1, 0,
              "rewritten: the chain hash of event " + std::to_string(head.version - 1) +
                  " differs from " + IssuedAt(*options_.checkpoint));
    }
  }

  Status ReplayDossier(const Current& dossier) {
    Result<SqliteStatement*> row = rows_statement_ ? Result<SqliteStatement*>(rows_statement_)
                                                   : Prepare(
                                                         "SELECT procedure_code, "
                                                         "definition_version, state, version, "
                                                         "assignee FROM dossiers WHERE code = ?1");
    RETURN_IF_ERROR(row);
    rows_statement_ = *row;
    StatementReset reset(*row);
    (*row)->BindText(1, dossier.code);
    ASSIGN_OR_RETURN(bool found, (*row)->Step());
    if (!found) {
      Problem(BrokenLink::Kind::kRow, dossier.code, 0, 0,
              "events exist but the dossier row is missing");
      return {};
    }
    Dossier stored;
    stored.code = dossier.code;
    stored.procedure_code = (*row)->ColumnText(0);
    stored.definition_version = (*row)->ColumnInt(1);
    stored.state = (*row)->ColumnText(2);
    stored.version = (*row)->ColumnInt(3);
    stored.assignee = (*row)->ColumnOptionalText(4);
    ASSIGN_OR_RETURN(const Workflow* workflow,
                     WorkflowOf(stored.procedure_code, stored.definition_version));
    if (workflow == nullptr) {
      Problem(BrokenLink::Kind::kRow, dossier.code, 0, 0,
              "workflow " + stored.procedure_code + " version " +
                  std::to_string(stored.definition_version) +
                  ", which the dossier is pinned to, is not stored or does not parse");
      return {};
    }
    // Migrated dossiers replay through every version their history visits.
    Status lookup_failed;
    auto workflow_of = [&](std::int64_t version) -> const Workflow* {
      Result<const Workflow*> parsed = WorkflowOf(stored.procedure_code, version);
      if (!parsed.ok()) {
        lookup_failed = parsed.error();
        return nullptr;
      }
      return *parsed;
    };
    Result<ReplayedDossier> replayed =
        ReplayHistory(workflow_of, stored.definition_version, dossier.history);
    RETURN_IF_ERROR(lookup_failed);
    if (!replayed.ok()) {
      Problem(BrokenLink::Kind::kRow, dossier.code, 0, 0,
              "the events do not replay: " + replayed.error().message());
      return {};
    }
    for (std::string& difference : DifferencesFromReplay(stored, *replayed)) {
      Problem(BrokenLink::Kind::kRow, dossier.code, 0, 0, std::move(difference));
    }
    return {};
  }

  // The parsed workflow, or nullptr when that version is not stored or does
  // not parse.
  Result<const Workflow*> WorkflowOf(const std::string& procedure_code, std::int64_t version) {
    const auto key = std::make_pair(procedure_code, version);
    auto cached = workflows_.find(key);
    if (cached != workflows_.end()) return cached->second ? &*cached->second : nullptr;
    Result<SqliteStatement*> stmt = definition_statement_
                                        ? Result<SqliteStatement*>(definition_statement_)
                                        : Prepare(
                                              "SELECT document FROM definitions WHERE "
                                              "procedure_code = ?1 AND version = ?2");
    RETURN_IF_ERROR(stmt);
    definition_statement_ = *stmt;
    StatementReset reset(*stmt);
    (*stmt)->BindText(1, procedure_code);
    (*stmt)->BindInt(2, version);
    ASSIGN_OR_RETURN(bool found, (*stmt)->Step());
    std::optional<Workflow> workflow;
    if (found) {
      const nlohmann::json document =
          nlohmann::json::parse((*stmt)->ColumnText(0), nullptr, /*allow_exceptions=*/false);
      Result<Workflow> parsed = ParseWorkflow(document);
      if (parsed.ok()) workflow = std::move(parsed).value();
    }
    auto inserted = workflows_.emplace(key, std::move(workflow)).first;
    return inserted->second ? &*inserted->second : nullptr;
  }

  Status CheckRowsWithoutEvents() {
    std::string sql =
        "SELECT code FROM dossiers WHERE NOT EXISTS "
        "(SELECT 1 FROM events WHERE events.dossier_code = dossiers.code)";
    if (options_.dossier_code) sql += " AND code = ?1";
    ASSIGN_OR_RETURN(SqliteStatement * stmt, Prepare(sql));
    StatementReset reset(stmt);
    if (options_.dossier_code) stmt->BindText(1, *options_.dossier_code);
    return stmt->ForEachRow([&](SqliteStatement& row) {
      Problem(BrokenLink::Kind::kRow, row.ColumnText(0), 0, 0, "the dossier row has no events");
    });
  }

  sqlite3* db_;
  const AuditOptions& options_;
  AuditVerification result_;
  std::optional<Current> current_;
  std::set<std::string> seen_;
  std::map<std::string, const ChainHead*> checkpoint_heads_;
  std::map<std::pair<std::string, std::int64_t>, std::optional<Workflow>> workflows_;
  std::vector<std::unique_ptr<SqliteStatement>> statements_;
  SqliteStatement* rows_statement_ = nullptr;
  SqliteStatement* definition_statement_ = nullptr;
};

}  // namespace

Result<AuditVerification> VerifyAudit(sqlite3* db, const AuditOptions& options) {
  // One read transaction: rows and events from the same snapshot, even while
  // a server writes (unless the caller already holds a transaction).
  const bool own_transaction = sqlite3_get_autocommit(db) != 0;
  if (own_transaction) {
    const int rc = sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteError(rc, "begin the audit snapshot", db);
  }
  Result<AuditVerification> result = Auditor(db, options).Run();
  if (own_transaction) sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  return result;
}

Result<AuditVerification> VerifyAudit(const std::string& database_path,
                                      const AuditOptions& options) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> connection,
                   SqliteConnection::Open(database_path, SQLITE_OPEN_READONLY, 5000));
  return VerifyAudit(connection->handle(), options);
}

Result<AuditVerification> VerifyAuditChain(sqlite3* db,
                                           const std::optional<std::string>& dossier_code) {
  AuditOptions options;
  options.dossier_code = dossier_code;
  options.replay = false;
  options.max_problems = 1;
  return VerifyAudit(db, options);
}

Result<std::vector<ChainHead>> ReadChainHeads(sqlite3* db) {
  sqlite3_stmt* raw = nullptr;
  const char* sql =
      "SELECT d.code, d.version, e.hash FROM dossiers AS d JOIN events AS e "
      "ON e.dossier_code = d.code AND e.idx = d.version - 1 ORDER BY d.code";
  const int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, "prepare the chain heads query", db);
  SqliteStatement stmt(raw, db);
  std::vector<ChainHead> heads;
  Status read = stmt.ForEachRow([&](SqliteStatement& row) {
    heads.push_back(ChainHead{row.ColumnText(0), row.ColumnInt(1), row.ColumnText(2)});
  });
  RETURN_IF_ERROR(read);
  return heads;
}

Status AppendCheckpointToFeed(sqlite3* db, const Checkpoint& checkpoint) {
  const std::string payload = CheckpointToJson(checkpoint, /*with_heads=*/false).dump();
  int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(rc, "begin the checkpoint feed rows", db);
  sqlite3_stmt* raw = nullptr;
  rc = sqlite3_prepare_v2(db,
                          "INSERT INTO outbox (topic, payload, created_at, agency) "
                          "SELECT ?1, ?2, ?3, agency FROM dossiers GROUP BY agency ORDER BY agency",
                          -1, &raw, nullptr);
  Status inserted;
  if (rc != SQLITE_OK) {
    inserted = SqliteError(rc, "prepare the checkpoint feed rows", db);
  } else {
    SqliteStatement stmt(raw, db);
    stmt.BindText(1, kCheckpointTopic);
    stmt.BindText(2, payload);
    stmt.BindInt(3, ToSeconds(checkpoint.issued_at));
    inserted = stmt.Run();
  }
  if (!inserted.ok()) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return inserted;
  }
  rc = sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return SqliteError(rc, "commit the checkpoint feed rows", db);
  }
  return {};
}

Result<AuditVerification> VerifyAuditChain(const std::string& database_path,
                                           const std::optional<std::string>& dossier_code) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> connection,
                   SqliteConnection::Open(database_path, SQLITE_OPEN_READONLY, 5000));
  return VerifyAuditChain(connection->handle(), dossier_code);
}

}  // namespace motcua
