#include "engine/service/migration_service.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "engine/domain/access.h"
#include "engine/domain/identity.h"
#include "engine/domain/national_sync.h"
#include "engine/domain/queue_placement.h"
#include "engine/domain/report_facts.h"
#include "engine/domain/status_macros.h"
#include "engine/service/procedure_ownership.h"

namespace motcua {

struct MigrationService::Prepared {
  MigrationPlan plan;
  std::shared_ptr<const RunnableWorkflow> from;
  std::shared_ptr<const RunnableWorkflow> to;
  std::optional<JsonSchema> to_form;  // always set
  std::string owner_agency;           // of the latest version
};

namespace {

// Every dossier of `procedure_code` on `version`, a page at a time, in code
// order; `visit` sees each with its history.
Status ForEachOnVersion(DossierStore& store, const std::string& procedure_code,
                        std::int64_t version, const std::function<Status(const Dossier&)>& visit) {
  VersionQuery query;
  query.procedure_code = procedure_code;
  query.definition_version = version;
  query.limit = MigrationService::kPageSize;
  while (true) {
    ASSIGN_OR_RETURN(std::vector<DossierSummary> page, store.ListOnVersion(query));
    for (const DossierSummary& summary : page) {
      Result<Dossier> dossier = store.GetDossier(summary.code);
      if (!dossier.ok()) {
        if (dossier.error().code() == ErrorCode::kNotFound) continue;
        return dossier.error();
      }
      RETURN_IF_ERROR(visit(*dossier));
    }
    if (static_cast<int>(page.size()) < query.limit) return Status();
    query.after_code = page.back().code;
  }
}

// The verdict of a dossier this plan moved before: where it went.
MigrationVerdict AlreadyMigrated(const Dossier& dossier, const DossierEvent& event) {
  MigrationVerdict verdict;
  verdict.code = dossier.code;
  verdict.version = event.payload.value("dossier_version", std::int64_t{0});
  verdict.state = event.from_state;
  verdict.target_state = event.to_state;
  verdict.block = MigrationBlock::kAlreadyMigrated;
  verdict.detail = "This plan moved the dossier already.";
  return verdict;
}

// A listed dossier that is no longer (or never was) selected by the plan.
// `dossier` is null when the code names no dossier of the plan's procedure,
// and then nothing about it is said.
MigrationVerdict NoLongerSelected(const std::string& code, std::int64_t listed_version,
                                  const Dossier* dossier) {
  MigrationVerdict verdict;
  verdict.code = code;
  verdict.version = listed_version;
  verdict.block = MigrationBlock::kChangedSincePlan;
  if (dossier == nullptr) {
    verdict.detail = "No dossier of this procedure has this code.";
    return verdict;
  }
  verdict.version = dossier->version;
  verdict.state = dossier->state;
  verdict.detail =
      "The dossier left the plan's selection since the dry run (it was acted on, or moved to "
      "another version).";
  return verdict;
}

}  // namespace

Result<MigrationService::Prepared> MigrationService::Prepare(const std::string& procedure_code,
                                                             const nlohmann::json& plan_body) {
  ASSIGN_OR_RETURN(std::shared_ptr<const RunnableWorkflow> latest, catalog_.Get(procedure_code));
  ASSIGN_OR_RETURN(MigrationPlan plan, ParseMigrationPlan(plan_body, procedure_code));
  auto version = [&](std::int64_t number,
                     const char* field) -> Result<std::shared_ptr<const RunnableWorkflow>> {
    Result<std::shared_ptr<const RunnableWorkflow>> runnable = catalog_.Get(procedure_code, number);
    if (runnable.ok() || runnable.error().code() != ErrorCode::kNotFound) return runnable;
    return Error(
        ErrorCode::kNotFound,
        "procedure " + procedure_code + " has no published version " + std::to_string(number),
        ErrorReason::kProcedureNotFound,
        {{field, "names no published version of " + procedure_code}});
  };
  Prepared prepared;
  ASSIGN_OR_RETURN(prepared.from, version(plan.from_version, "/from_version"));
  ASSIGN_OR_RETURN(prepared.to, version(plan.to_version, "/to_version"));
  RETURN_IF_ERROR(CheckPlanAgainst(plan, prepared.from->workflow, prepared.to->workflow));
  Result<JsonSchema> form = JsonSchema::Compile(prepared.to->workflow.procedure.form_schema);
  if (!form.ok()) {
    return Error(ErrorCode::kInternal, "the form of version " + std::to_string(plan.to_version) +
                                           " does not compile: " + form.error().message());
  }
  prepared.to_form.emplace(std::move(form).value());
  prepared.owner_agency = latest->definition.owner_agency;
  prepared.plan = std::move(plan);
  return prepared;
}

Status MigrationService::MayApply(const Actor& actor, const Prepared& prepared) const {
  RETURN_IF_ERROR(Authorize(actor, Operation::kPublishWorkflow));
  return MayChangeProcedure(actor, prepared.plan.procedure_code, prepared.owner_agency);
}

Status MigrationService::MayDryRun(const Actor& actor, const Prepared& prepared) const {
  if (!prepared.owner_agency.empty() && actor.HasRole(kAuditorRole) &&
      !actor.HasRole(kApplicantRole) && actor.agency == prepared.owner_agency) {
    return Status();
  }
  return MayApply(actor, prepared);
}

Result<MigrationDryRun> MigrationService::DryRun(const Actor& actor,
                                                 const std::string& procedure_code,
                                                 const nlohmann::json& plan_body) {
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(procedure_code, plan_body));
  RETURN_IF_ERROR(MayDryRun(actor, prepared));
  MigrationDryRun report;
  std::map<std::string, MigrationStateSummary> states;
  const MigrationPlan& plan = prepared.plan;
  RETURN_IF_ERROR(ForEachOnVersion(
      store_, plan.procedure_code, plan.from_version, [&](const Dossier& dossier) -> Status {
        if (!SelectedByPlan(plan, prepared.from->workflow, dossier)) return Status();
        if (report.selection.size() == kMaxMigrationSelection) {
          return Error(
              ErrorCode::kInvalidArgument,
              "the plan selects more than " + std::to_string(kMaxMigrationSelection) +
                  " dossiers, more than one migration may move",
              ErrorReason::kValidation,
              {{"/filter", "must select at most " + std::to_string(kMaxMigrationSelection) +
                               " dossiers: split the migration by states, agency or "
                               "submission time"}});
        }
        report.selection.emplace_back(dossier.code, dossier.version);
        MigrationVerdict verdict =
            JudgeMigration(plan, prepared.from->workflow, prepared.to->workflow, *prepared.to_form,
                           dossier, std::nullopt);
        MigrationStateSummary& summary = states[dossier.state];
        summary.state = dossier.state;
        ++summary.count;
        if (verdict.can_move()) {
          ++summary.movable;
        } else {
          ++summary.blocked[std::string(MigrationBlockName(verdict.block))];
        }
        report.items.push_back(std::move(verdict));
        return Status();
      }));
  std::sort(report.selection.begin(), report.selection.end());
  report.plan_etag = hash_(MigrationEtagText(plan, report.selection));
  for (auto& [state, summary] : states) report.states.push_back(std::move(summary));
  report.plan = prepared.plan;
  return report;
}

Status MigrationService::Move(const Actor& actor, const Prepared& prepared,
                              const std::string& plan_etag, const Dossier& dossier,
                              MigrationOutcome& outcome) {
  const Workflow& from = prepared.from->workflow;
  const Workflow& to = prepared.to->workflow;
  const Dossier after =
      MigratedDossier(dossier, prepared.plan, outcome.verdict, plan_etag, actor, clock_.Now());
  DossierStore::TransitionCommit commit;
  commit.after = &after;
  commit.expected_version = dossier.version;
  commit.event = &after.history.back();
  commit.queue_roles = QueueRolesOf(to, after.state);
  commit.queue_agency = QueueAgencyOf(to, after, after.state);
  const NationalStatus status = StatusOf(to, after.state);
  commit.national_status = static_cast<int>(status);
  if (status != StatusOf(from, dossier.state)) {
    commit.outbox.push_back(
        OutboxEntry{kDossierStatusTopic, NationalSyncPayload(to, after, after.history.back())});
  }
  commit.facts = ComputeReportFacts(to, after, calendar_);
  Status committed = store_.CommitTransition(commit);
  if (committed.ok()) {
    outcome.moved = true;
    return Status();
  }
  if (committed.error().code() != ErrorCode::kConflict) return committed;
  outcome.verdict.block = MigrationBlock::kChangedSincePlan;
  outcome.verdict.detail = "The dossier changed while the migration was moving it.";
  return Status();
}

Result<MigrationApplied> MigrationService::Apply(const Actor& actor,
                                                 const std::string& procedure_code,
                                                 const nlohmann::json& plan_body,
                                                 const MigrationSelection& selection,
                                                 const std::string& if_match) {
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(procedure_code, plan_body));
  RETURN_IF_ERROR(MayApply(actor, prepared));
  const MigrationPlan& plan = prepared.plan;
  const std::string etag = hash_(MigrationEtagText(plan, selection));
  if (etag != if_match) {
    return Error(ErrorCode::kConflict,
                 "If-Match is not the plan etag of this plan and selection: dry-run again and "
                 "apply with its plan, selection and plan_etag",
                 ErrorReason::kPlanChanged);
  }
  MigrationApplied applied;
  applied.plan = plan;
  applied.plan_etag = etag;
  for (const auto& [code, listed_version] : selection) {
    if (before_move_) before_move_(code);
    Result<Dossier> dossier = store_.GetDossier(code);
    if (!dossier.ok() && dossier.error().code() != ErrorCode::kNotFound) return dossier.error();
    MigrationOutcome outcome;
    if (!dossier.ok() || dossier->procedure_code != plan.procedure_code) {
      outcome.verdict = NoLongerSelected(code, listed_version, nullptr);
    } else if (const DossierEvent* moved = FindMigrateEvent(*dossier, etag)) {
      outcome.verdict = AlreadyMigrated(*dossier, *moved);
    } else if (!SelectedByPlan(plan, prepared.from->workflow, *dossier)) {
      outcome.verdict = NoLongerSelected(code, listed_version, &*dossier);
    } else {
      outcome.verdict = JudgeMigration(plan, prepared.from->workflow, prepared.to->workflow,
                                       *prepared.to_form, *dossier, listed_version);
      if (outcome.verdict.can_move()) {
        RETURN_IF_ERROR(Move(actor, prepared, etag, *dossier, outcome));
      }
    }
    ++(outcome.moved ? applied.moved : applied.skipped);
    applied.items.push_back(std::move(outcome));
  }
  return applied;
}

}  // namespace motcua
