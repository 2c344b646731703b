// migration_service.h: the dry run and the applied migration of a
// procedure's dossiers in flight from one workflow version to another
// (issue 21). The rules per dossier are the domain's (workflow_migration.h);
// this service reads the store in pages, hashes and commits.
//
// Who may (the policy of publishing, procedure_ownership.h):
//  - apply: the procedure's owners: national admins for a national
//    procedure, the owning agency's admins for an agency's own;
//  - dry run: the same, and the owning agency's auditors (read-only), for an
//    agency's own procedure only: a national procedure's dry run lists every
//    agency's dossiers, which an agency's auditor may not see.
// Anyone else: kPermissionDenied "role_not_allowed" (the access policy's
// publish check) or "not_your_procedure". An unknown procedure is kNotFound
// "procedure_not_found"; a version that is not published, kNotFound naming
// "/from_version" or "/to_version".
//
// The plan etag. A dry run answers `plan_etag`: the SHA-256 (hex) of
// MigrationEtagText over the normalized plan and, in code order, each
// selected dossier's (code, version). Apply takes that etag as its If-Match
// and recomputes it from the store before moving anything; when it differs
// (a dossier of the selection changed, was added or left it) nothing moves:
// kConflict "plan_changed" (412), dry-run again. On recomputing, a dossier
// already on to_version whose migrate event records this etag counts with
// the version it had before that move (the event's dossier_version), so
// re-POSTing the same plan and If-Match after a crash matches again and
// moves only the rest: apply is resumable and idempotent per dossier (a
// dossier moved once is reported already_migrated, never moved twice).
// A fresh dry run after a partial apply also works: its etag covers the
// dossiers left.
//
// Apply moves one dossier per store transaction (CommitTransition, the path
// every action takes: dossier row with its new definition_version and state,
// the one hash-chained `migrate` event, queue index, report facts and, were
// the national status to change, the sync outbox), reading the selection in
// pages of kPageSize. One transaction per dossier keeps the write lock as
// short as any clerk's action, so the desk is never blocked behind a batch,
// and a crash loses at most the move in flight, which commits entirely or not
// at all. Each commit expects the version read when the etag was checked: a
// dossier acted on after that check is skipped with changed_since_plan, never
// overwritten.
//
// Memory: the store is read a page at a time; the verdicts (a few short
// strings per dossier) are kept for the answer.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/domain/calendar.h"
#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/domain/workflow_migration.h"
#include "engine/service/content_hasher.h"
#include "engine/service/workflow_catalog.h"

namespace motcua {

// The verdicts of one source state.
struct MigrationStateSummary {
  std::string state;
  std::int64_t count = 0;
  std::int64_t movable = 0;
  std::map<std::string, std::int64_t> blocked;  // reason wire name -> dossiers
};

struct MigrationDryRun {
  MigrationPlan plan;
  std::string plan_etag;
  std::vector<MigrationStateSummary> states;  // by state id
  std::vector<MigrationVerdict> items;        // by dossier code
};

// One dossier's outcome of an apply: `moved`, or skipped with the verdict's
// block (already_migrated for those this plan moved before).
struct MigrationOutcome {
  MigrationVerdict verdict;
  bool moved = false;
};

struct MigrationApplied {
  MigrationPlan plan;
  std::string plan_etag;
  std::int64_t moved = 0;
  std::int64_t skipped = 0;
  std::vector<MigrationOutcome> items;  // by dossier code
};

class MigrationService {
 public:
  // Dossiers read per store page.
  static constexpr int kPageSize = 100;

  MigrationService(DossierStore& store, WorkflowCatalog& catalog, const WorkingCalendar& calendar,
                   const Clock& clock, ContentHasher hash)
      : store_(store),
        catalog_(catalog),
        calendar_(calendar),
        clock_(clock),
        hash_(std::move(hash)) {}

  // The verdict for every dossier `plan_body` (ParseMigrationPlan) selects
  // on procedure `procedure_code`. Changes nothing.
  Result<MigrationDryRun> DryRun(const Actor& actor, const std::string& procedure_code,
                                 const nlohmann::json& plan_body);

  // Moves the movable dossiers of the plan, as the header says. `if_match`
  // is the dry run's plan_etag.
  Result<MigrationApplied> Apply(const Actor& actor, const std::string& procedure_code,
                                 const nlohmann::json& plan_body, const std::string& if_match);

  // Called with each dossier's code just before Apply reads it to move it,
  // after the etag check (tests use it to act on a dossier in between).
  void SetBeforeMove(std::function<void(const std::string& code)> hook) {
    before_move_ = std::move(hook);
  }

 private:
  struct Prepared;
  struct Selection;
  Result<Prepared> Prepare(const std::string& procedure_code, const nlohmann::json& plan_body);
  Result<Selection> Select(const Prepared& prepared, const std::string* resumed_etag);
  Status MayApply(const Actor& actor, const Prepared& prepared) const;
  Status MayDryRun(const Actor& actor, const Prepared& prepared) const;

  DossierStore& store_;
  WorkflowCatalog& catalog_;
  const WorkingCalendar& calendar_;
  const Clock& clock_;
  ContentHasher hash_;
  std::function<void(const std::string&)> before_move_;
};

}  // namespace motcua
