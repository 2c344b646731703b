#include "engine/storage/audit.h"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "engine/domain/dossier_replay.h"
#include "engine/domain/rfc3339.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/workflow.h"
#include "engine/storage/event_chain.h"

namespace motcua {
namespace {

std::string IssuedAt(const Checkpoint& checkpoint) {
  return "the checkpoint issued at " + FormatRfc3339DateTime(checkpoint.issued_at);
}

// One audit over one read snapshot; see RunAudit.
class Auditor {
 public:
  Auditor(AuditSource& source, const AuditOptions& options) : source_(source), options_(options) {
    if (options_.checkpoint != nullptr) {
      for (const ChainHead& head : options_.checkpoint->heads) {
        if (!options_.dossier_code || *options_.dossier_code == head.dossier_code) {
          checkpoint_heads_.emplace(head.dossier_code, &head);
        }
      }
    }
  }

  Result<AuditVerification> Run() {
    Status failed;
    RETURN_IF_ERROR(source_.ForEachEvent(options_.dossier_code, [&](AuditEventRow row) {
      if (Full()) return false;
      if (!current_ || row.dossier_code != current_->code) {
        failed = FinishDossier();
        if (!failed.ok()) return false;
        // Every member given: Clang 14 cannot default-construct Current
        // (member initializers) inside the class that declares it.
        current_.emplace(Current{row.dossier_code, {}, {}, false});
      }
      ReadEvent(std::move(row));
      return true;
    }));
    RETURN_IF_ERROR(failed);
    if (Full()) return Finish();
    RETURN_IF_ERROR(FinishDossier());
    if (options_.dossier_code && result_.dossiers_checked == 0) {
      return Error(ErrorCode::kNotFound, "dossier " + *options_.dossier_code + " has no events");
    }
    if (options_.replay && !Full()) {
      ASSIGN_OR_RETURN(std::vector<std::string> without,
                       source_.DossiersWithoutEvents(options_.dossier_code));
      for (const std::string& code : without) {
        Problem(BrokenLink::Kind::kRow, code, 0, 0, "the dossier row has no events");
      }
    }
    if (options_.replay && !options_.dossier_code && !Full()) RETURN_IF_ERROR(CheckRollup());
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

  bool Full() const { return result_.problems.size() >= options_.max_problems; }

  Status CheckRollup() {
    ASSIGN_OR_RETURN(bool kept, source_.HasRollup());
    if (!kept) return Status();
    ASSIGN_OR_RETURN(RollupSums stored, source_.StoredRollup());
    ASSIGN_OR_RETURN(RollupSums from_facts, source_.RollupFromFacts());
    for (std::string& difference :
         RollupDifferences(stored, from_facts, options_.max_problems - result_.problems.size())) {
      Problem(BrokenLink::Kind::kReport, "", 0, 0, std::move(difference));
    }
    return Status();
  }

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

  void ReadEvent(AuditEventRow row) {
    Current& dossier = *current_;
    const std::int64_t expected_index = static_cast<std::int64_t>(dossier.hashes.size());
    Result<AuditRecord>& record = row.record;
    if (dossier.chain_broken) {
      dossier.hashes.push_back(record.ok() ? record->hash : row.hash);
      return;
    }
    std::string reason;
    // The link: an event's hash is recomputed over the hash of the event
    // before it as read here. Stores keep no copy of that previous hash
    // (SQLite and PostgreSQL migration 0022), so an edited, removed or
    // reordered event breaks the recomputation at the first event after it.
    const std::string previous_hash = dossier.hashes.empty() ? "" : dossier.hashes.back();
    if (row.index != expected_index) {
      reason = "event " + std::to_string(expected_index) + " is missing";
    } else if (!record.ok()) {
      reason = "event is unreadable: " + record.error().message();
    } else if (record->hash !=
               EventHash(CanonicalEvent(dossier.code, row.index, record->event), previous_hash)) {
      reason = "hash does not match the event's content";
    }
    if (!reason.empty()) {
      Problem(BrokenLink::Kind::kChain, dossier.code,
              row.index == expected_index ? row.index : expected_index, row.sequence,
              std::move(reason));
      dossier.chain_broken = true;
      dossier.hashes.push_back(record.ok() ? record->hash : row.hash);
      return;
    }
    ++result_.events_checked;
    dossier.hashes.push_back(record->hash);
    if (options_.replay) dossier.history.push_back(std::move(record->event));
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
    ASSIGN_OR_RETURN(std::optional<Dossier> row, source_.DossierRow(dossier.code));
    if (!row) {
      Problem(BrokenLink::Kind::kRow, dossier.code, 0, 0,
              "events exist but the dossier row is missing");
      return {};
    }
    Dossier& stored = *row;
    stored.code = dossier.code;
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
    ASSIGN_OR_RETURN(std::optional<std::string> text,
                     source_.DefinitionText(procedure_code, version));
    std::optional<Workflow> workflow;
    if (text) {
      const nlohmann::json document =
          nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
      Result<Workflow> parsed = ParseWorkflow(document);
      if (parsed.ok()) workflow = std::move(parsed).value();
    }
    auto inserted = workflows_.emplace(key, std::move(workflow)).first;
    return inserted->second ? &*inserted->second : nullptr;
  }

  AuditSource& source_;
  const AuditOptions& options_;
  AuditVerification result_;
  std::optional<Current> current_;
  std::set<std::string> seen_;
  std::map<std::string, const ChainHead*> checkpoint_heads_;
  std::map<std::pair<std::string, std::int64_t>, std::optional<Workflow>> workflows_;
};

}  // namespace

Result<AuditVerification> RunAudit(AuditSource& source, const AuditOptions& options) {
  return Auditor(source, options).Run();
}

}  // namespace motcua
