// workflow_migration.h: moving dossiers in flight from one published version
// of a procedure's workflow to another (issue 21), as pure functions.
//
// A MigrationPlan names the procedure, the source and target versions, a
// state mapping (old state id -> new state id; a state whose id exists in
// the target version maps to itself unless the mapping says otherwise) and an
// optional filter. SelectedByPlan says which dossiers a plan is about;
// JudgeMigration says, per dossier, whether it can move and if not why, as a
// stable MigrationBlock code with an English sentence. MigratedDossier builds
// the move itself: the dossier on the target version and its one `migrate`
// event. The services (engine/service/migration_service.h) read the store,
// hash and commit; nothing here does I/O.
//
// The rules a dossier must pass, in the order they are checked (the first
// that fails is the verdict):
//   already_migrated      the dossier is on `to_version` already;
//   changed_since_plan    its version is not the one the dry run saw;
//   claimed               someone holds it (an assignee is set): moving it
//                         would pull the work out from under them;
//   state_unmapped        the mapping does not name its state, and the target
//                         version has no state of the same id;
//   target_state_unknown  the mapping names a state the target version lacks;
//   status_not_allowed    the target state's national status code differs
//                         from the current state's. The rule is equality: a
//                         migration is not a business step, so it must not
//                         tell the national portal (or the reports) that the
//                         dossier was received, finished or refused. A state
//                         whose meaning changes is moved by an action, after.
//                         A terminal target state is refused the same way;
//   missing_document      the target version requires a document (procedure
//                         documents with required: true) the dossier lacks;
//   missing_form_field    the dossier's form does not validate against the
//                         target version's form schema (a field it now
//                         requires is absent, or a value no longer fits).
// Terminal dossiers (a terminal state of the source version) are never
// selected: processing has ended, there is nothing to move.
//
// The legal clock is not touched: received_at, due_at (the appointment date),
// pauses and extensions are carried over unchanged.
//
// Example:
//   ASSIGN_OR_RETURN(MigrationPlan plan, ParseMigrationPlan(body, "1.004222"));
//   RETURN_IF_ERROR(CheckPlanAgainst(plan, v1.workflow, v2.workflow));
//   if (SelectedByPlan(plan, v1.workflow, dossier)) {
//     MigrationVerdict verdict = JudgeMigration(plan, v1.workflow, v2.workflow, v2_form,
//                                               dossier, std::nullopt);
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/json_schema.h"
#include "engine/domain/status.h"
#include "engine/domain/workflow.h"

namespace motcua {

// The action of the event that records a migration. Workflows may not use
// the name (lint).
inline constexpr const char* kMigrateAction = "migrate";

// Bounds of a plan: entries of the mapping, and states of the filter.
inline constexpr std::size_t kMaxMigrationMappings = 200;
inline constexpr std::size_t kMaxMigrationFilterStates = 200;
// Dossiers one plan may select (the dry run's selection, which apply takes
// back): a plan over more is refused; its filter splits it.
inline constexpr std::size_t kMaxMigrationSelection = 100000;
// Field errors reported for one selection before the rest are not looked at.
inline constexpr std::size_t kMaxSelectionErrors = 20;

// The dossiers a dry run selected, as (code, version read), sorted by code.
// Apply moves only these, and each only at that version.
using MigrationSelection = std::vector<std::pair<std::string, std::int64_t>>;

// Which dossiers of the source version a plan is about; empty members match
// every dossier. `submitted_*` bound the submission time (the creating
// event's), [after, before).
struct MigrationFilter {
  std::vector<std::string> states;  // source-version state ids
  std::optional<std::string> agency;
  std::optional<Instant> submitted_before;
  std::optional<Instant> submitted_after;
};

struct MigrationPlan {
  std::string procedure_code;
  std::int64_t from_version = 0;
  std::int64_t to_version = 0;
  std::map<std::string, std::string> mapping;  // explicit entries only
  MigrationFilter filter;
};

// The plan in a request body:
//   {"procedure_code"?: "1.004222", "from_version": 1, "to_version": 2,
//    "mapping"?: {"in_review": "under_review"},
//    "filter"?: {"states"?: ["in_review"], "agency"?: "000.00.01.H26",
//                "submitted_before"?: RFC 3339, "submitted_after"?: RFC 3339}}
// for procedure `procedure_code` (the route's). kInvalidArgument
// "validation" with a FieldError per problem, by JSON pointer: an unknown
// member, a version that is not a positive integer, equal versions, a
// procedure_code other than `procedure_code`, a mapping entry or filter
// state that is not a non-empty string, more entries than the bounds above,
// a time that is not RFC 3339 with an offset, submitted_after not before
// submitted_before.
Result<MigrationPlan> ParseMigrationPlan(const nlohmann::json& body,
                                         const std::string& procedure_code);

// The plan as JSON in one canonical form (the same plan always gives the same
// text with dump()): what the plan etag and the migrate events record.
nlohmann::json MigrationPlanJson(const MigrationPlan& plan);

// The plan against the two versions: every mapping key and filter state must
// be a state of the source version (kInvalidArgument "validation" naming
// "/mapping/<key>" or "/filter/states/<i>"). Mapping targets are not checked
// here: a target the new version lacks is each dossier's
// target_state_unknown, which the dry run reports.
Status CheckPlanAgainst(const MigrationPlan& plan, const Workflow& from, const Workflow& to);

// Why a dossier cannot move; kNone when it can.
enum class MigrationBlock {
  kNone,
  kAlreadyMigrated,
  kChangedSincePlan,
  kClaimed,
  kStateUnmapped,
  kTargetStateUnknown,
  kStatusNotAllowed,
  kMissingDocument,
  kMissingFormField,
  // The new version names an agency role the dossier did not record at
  // submission (agency_roles.h): no agency is known to handle those states.
  kAgencyRoleUnresolved,
  // The dossier runs parallel branches (fork.h), or would enter a state that
  // runs them: a migration would start them anew and lose their progress.
  kBranchesRunning,
};

// The stable wire name, e.g. "state_unmapped"; "" for kNone.
std::string_view MigrationBlockName(MigrationBlock block);

// Whether the plan is about `dossier`: of the plan's procedure, on
// `from_version`, not in a terminal state of `from`, and matched by the filter.
bool SelectedByPlan(const MigrationPlan& plan, const Workflow& from, const Dossier& dossier);

// Where `state` goes: the mapping's entry, else the same id when `to` has that
// state; nullopt when neither. The bool says whether the mapping named it.
std::optional<std::pair<std::string, bool>> TargetStateOf(const MigrationPlan& plan,
                                                          const Workflow& to,
                                                          const std::string& state);

struct MigrationVerdict {
  std::string code;
  std::int64_t version = 0;
  std::string state;
  std::string target_state;  // empty when unmapped
  MigrationBlock block = MigrationBlock::kNone;
  std::string detail;  // one English sentence when blocked

  bool can_move() const { return block == MigrationBlock::kNone; }
};

// The verdict for `dossier` (see the rules above). `to_form` is the compiled
// form schema of `to`. `expected_version`, when set, is the version the dry
// run saw: any other version is changed_since_plan.
MigrationVerdict JudgeMigration(const MigrationPlan& plan, const Workflow& from, const Workflow& to,
                                const JsonSchema& to_form, const Dossier& dossier,
                                std::optional<std::int64_t> expected_version);

// The dossier after the move of a dossier whose verdict can move: on
// `to_version` in `verdict.target_state`, its version one more, the legal
// clock unchanged, and its last history entry the `migrate` event by `actor`
// at `at`, from the old state to the new, whose payload names from_version,
// to_version, the mapping entry used ({"from", "to", "explicit"}), the plan
// (MigrationPlanJson), `plan_etag` and the dossier's version before the move
// (dossier_version).
Dossier MigratedDossier(const Dossier& dossier, const MigrationPlan& plan,
                        const MigrationVerdict& verdict, const std::string& plan_etag,
                        const Actor& actor, Instant at);

// The migrate event of `dossier` recorded with `plan_etag`, if any.
const DossierEvent* FindMigrateEvent(const Dossier& dossier, const std::string& plan_etag);

// The selection in an apply body: an array of {"code": string, "version":
// integer >= 0}, at most kMaxMigrationSelection, no code twice; returned
// sorted by code. kInvalidArgument "validation" naming "/selection" or
// "/selection/<i>/<member>" (at most kMaxSelectionErrors field errors).
Result<MigrationSelection> ParseMigrationSelection(const nlohmann::json& selection);

// The selection as the dry run answers it: [{"code", "version"}], in order.
nlohmann::json MigrationSelectionJson(const MigrationSelection& selection);

// The text the plan etag hashes: the canonical plan, then one line per
// selected dossier, "code version", in code order. `dossiers` must be
// sorted by code (ParseMigrationSelection and the services sort them).
std::string MigrationEtagText(const MigrationPlan& plan, const MigrationSelection& dossiers);

}  // namespace motcua
