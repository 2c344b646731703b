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
// The selection and the plan etag. A dry run answers its `selection`, the
// (code, version) of every dossier it selected (at most
// kMaxMigrationSelection: a plan over more is refused, naming /filter), and
// `plan_etag`: the SHA-256 (hex) of MigrationEtagText over the normalized
// plan and that selection. Apply takes the plan, the selection and, as its
// If-Match, the etag; when the etag is not theirs nothing moves: kConflict
// "plan_changed" (412). It then moves exactly the listed dossiers, each only
// at its listed version: a dossier acted on since the dry run (another
// version, another state) is skipped with changed_since_plan, never
// overwritten, and the others still move. Dossiers that entered the plan's
// reach since the dry run are not in the selection and stay where they are
// (a new dry run finds them). A listed code that names no dossier of the
// procedure is skipped with changed_since_plan and nothing about it is said.
// Re-POSTing the same plan, selection and If-Match after a crash moves only
// the rest: a dossier whose migrate event records this etag is reported
// already_migrated, never moved twice. Apply is resumable and idempotent per
// dossier.
//
// Apply moves one dossier per store transaction (CommitTransition, the path
// every action takes: dossier row with its new definition_version and state,
// the one hash-chained `migrate` event, queue index, report facts and, were
// the national status to change, the sync outbox). One transaction per
// dossier keeps the write lock as short as any clerk's action, so the desk is
// never blocked behind a batch, and a crash loses at most the move in flight,
// which commits entirely or not at all. Each commit expects the version it
// read, so an action that lands between that read and the commit also skips
// the dossier with changed_since_plan.
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
  MigrationSelection selection;               // by dossier code
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

  // Moves the movable dossiers of the dry run's `selection`
  // (ParseMigrationSelection), as the header says. `if_match` is the dry
  // run's plan_etag.
  Result<MigrationApplied> Apply(const Actor& actor, const std::string& procedure_code,
                                 const nlohmann::json& plan_body,
                                 const MigrationSelection& selection, const std::string& if_match);

  // Called with each listed dossier's code just before Apply reads it to
  // move it, after the etag check (tests use it to act on a dossier in
  // between).
  void SetBeforeMove(std::function<void(const std::string& code)> hook) {
    before_move_ = std::move(hook);
  }

 private:
  struct Prepared;
  Result<Prepared> Prepare(const std::string& procedure_code, const nlohmann::json& plan_body);
  Status Move(const Actor& actor, const Prepared& prepared, const std::string& plan_etag,
              const Dossier& dossier, MigrationOutcome& outcome);
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
