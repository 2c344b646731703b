#include "engine/service/migration_service.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "engine/domain/access.h"
#include "engine/domain/identity.h"
#include "engine/domain/national_sync.h"
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

struct MigrationService::Selection {
  // (code, version) of every dossier the etag covers, by code.
  std::vector<std::pair<std::string, std::int64_t>> covered;
  // The selected dossiers still on from_version: (code, version read).
  std::vector<std::pair<std::string, std::int64_t>> pending;
  // Dossiers this plan (the resumed etag) moved before.
  std::vector<MigrationVerdict> migrated;
  std::string etag;
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

std::vector<std::string> QueueRolesOf(const Workflow& workflow, const std::string& state_id) {
  const State* state = workflow.FindState(state_id);
  return state == nullptr ? std::vector<std::string>{} : state->queue_roles;
}

std::string QueueAgencyOf(const Workflow& workflow, const std::string& state_id) {
  const State* state = workflow.FindState(state_id);
  return state != nullptr && state->agency ? *state->agency : std::string();
}

int StatusCodeOf(const Workflow& workflow, const std::string& state_id) {
  const State* state = workflow.FindState(state_id);
  return static_cast<int>(state == nullptr ? NationalStatus::kSubmitted : state->status);
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

Result<MigrationService::Selection> MigrationService::Select(const Prepared& prepared,
                                                             const std::string* resumed_etag) {
  const MigrationPlan& plan = prepared.plan;
  Selection selection;
  RETURN_IF_ERROR(ForEachOnVersion(
      store_, plan.procedure_code, plan.from_version, [&](const Dossier& dossier) -> Status {
        if (SelectedByPlan(plan, prepared.from->workflow, dossier)) {
          selection.pending.emplace_back(dossier.code, dossier.version);
        }
        return Status();
      }));
  selection.covered = selection.pending;
  if (resumed_etag != nullptr) {
    RETURN_IF_ERROR(ForEachOnVersion(
        store_, plan.procedure_code, plan.to_version, [&](const Dossier& dossier) -> Status {
          if (const DossierEvent* moved = FindMigrateEvent(dossier, *resumed_etag)) {
            MigrationVerdict verdict = AlreadyMigrated(dossier, *moved);
            selection.covered.emplace_back(dossier.code, verdict.version);
            selection.migrated.push_back(std::move(verdict));
          }
          return Status();
        }));
  }
  std::sort(selection.covered.begin(), selection.covered.end());
  selection.etag = hash_(MigrationEtagText(plan, selection.covered));
  return selection;
}

Result<MigrationDryRun> MigrationService::DryRun(const Actor& actor,
                                                 const std::string& procedure_code,
                                                 const nlohmann::json& plan_body) {
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(procedure_code, plan_body));
  RETURN_IF_ERROR(MayDryRun(actor, prepared));
  MigrationDryRun report;
  std::vector<std::pair<std::string, std::int64_t>> covered;
  std::map<std::string, MigrationStateSummary> states;
  const MigrationPlan& plan = prepared.plan;
  RETURN_IF_ERROR(ForEachOnVersion(
      store_, plan.procedure_code, plan.from_version, [&](const Dossier& dossier) -> Status {
        if (!SelectedByPlan(plan, prepared.from->workflow, dossier)) return Status();
        covered.emplace_back(dossier.code, dossier.version);
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
  std::sort(covered.begin(), covered.end());
  report.plan_etag = hash_(MigrationEtagText(plan, covered));
  for (auto& [state, summary] : states) report.states.push_back(std::move(summary));
  report.plan = prepared.plan;
  return report;
}

Result<MigrationApplied> MigrationService::Apply(const Actor& actor,
                                                 const std::string& procedure_code,
                                                 const nlohmann::json& plan_body,
                                                 const std::string& if_match) {
  ASSIGN_OR_RETURN(Prepared prepared, Prepare(procedure_code, plan_body));
  RETURN_IF_ERROR(MayApply(actor, prepared));
  ASSIGN_OR_RETURN(Selection selection, Select(prepared, &if_match));
  if (selection.etag != if_match) {
    return Error(ErrorCode::kConflict,
                 "the dossiers of this plan changed since the dry run (or the plan did): "
                 "dry-run again and apply with its plan_etag",
                 ErrorReason::kPlanChanged);
  }
  const MigrationPlan& plan = prepared.plan;
  const Workflow& to = prepared.to->workflow;
  MigrationApplied applied;
  applied.plan = plan;
  applied.plan_etag = selection.etag;
  for (const auto& [code, seen_version] : selection.pending) {
    if (before_move_) before_move_(code);
    Result<Dossier> dossier = store_.GetDossier(code);
    if (!dossier.ok()) return dossier.error();
    MigrationOutcome outcome;
    outcome.verdict = JudgeMigration(plan, prepared.from->workflow, to, *prepared.to_form, *dossier,
                                     seen_version);
    if (outcome.verdict.can_move()) {
      const Dossier after =
          MigratedDossier(*dossier, plan, outcome.verdict, selection.etag, actor, clock_.Now());
      DossierStore::TransitionCommit commit;
      commit.after = &after;
      commit.expected_version = dossier->version;
      commit.event = &after.history.back();
      commit.queue_roles = QueueRolesOf(to, after.state);
      commit.queue_agency = QueueAgencyOf(to, after.state);
      commit.national_status = StatusCodeOf(to, after.state);
      if (commit.national_status != StatusCodeOf(prepared.from->workflow, dossier->state)) {
        commit.outbox.push_back(
            OutboxEntry{kDossierStatusTopic, NationalSyncPayload(to, after, after.history.back())});
      }
      commit.facts = ComputeReportFacts(to, after, calendar_);
      Status committed = store_.CommitTransition(commit);
      if (committed.ok()) {
        outcome.moved = true;
      } else if (committed.error().code() == ErrorCode::kConflict) {
        outcome.verdict.block = MigrationBlock::kChangedSincePlan;
        outcome.verdict.detail = "The dossier changed while the migration was moving it.";
      } else {
        return committed.error();
      }
    }
    if (outcome.moved) {
      ++applied.moved;
    } else {
      ++applied.skipped;
    }
    applied.items.push_back(std::move(outcome));
  }
  for (MigrationVerdict& verdict : selection.migrated) {
    ++applied.skipped;
    applied.items.push_back(MigrationOutcome{std::move(verdict), false});
  }
  std::sort(applied.items.begin(), applied.items.end(),
            [](const MigrationOutcome& a, const MigrationOutcome& b) {
              return a.verdict.code < b.verdict.code;
            });
  return applied;
}

}  // namespace motcua
