#include "engine/domain/access.h"

#include <algorithm>
#include <string_view>

#include "engine/domain/agency_roles.h"
#include "engine/domain/fork.h"
#include "engine/domain/identity.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

// Whether a grant asks more of the actor than holding the role.
enum class Standing {
  kAny,
  // An agency and neither the applicant nor the system role: a staff member
  // acting for their agency.
  kAgencyStaff,
};

// A row of the policy: `role` may do `operation` within `scope`; no scope
// refuses the role explicitly. kAnyOtherRole stands for every role that no
// other row of the same operation names (workflows define staff roles of
// their own).
struct Grant {
  Operation operation;
  std::string_view role;
  std::optional<AccessScope> scope;
  Standing standing;
};

constexpr std::string_view kAnyOtherRole = "*";
constexpr std::optional<AccessScope> kOwn = AccessScope::kOwn;
constexpr std::optional<AccessScope> kAgency = AccessScope::kAgency;
constexpr std::optional<AccessScope> kNational = AccessScope::kNational;
constexpr std::optional<AccessScope> kRefused = std::nullopt;

// clang-format off
constexpr Grant kGrants[] = {
  {Operation::kListWorkflowVersions, kAdminRole,         kNational, Standing::kAny},
  {Operation::kListWorkflowVersions, kAuditorRole,       kNational, Standing::kAny},
  {Operation::kListWorkflowVersions, kSystemRole,        kNational, Standing::kAny},
  {Operation::kPublishWorkflow,      kAdminRole,         kAgency,   Standing::kAny},
  {Operation::kPublishWorkflow,      kNationalAdminRole, kNational, Standing::kAny},
  {Operation::kPublishWorkflow,      kSystemRole,        kNational, Standing::kAny},
  {Operation::kReadAuditTrail,       kAdminRole,         kAgency,   Standing::kAny},
  {Operation::kReadAuditTrail,       kAuditorRole,       kAgency,   Standing::kAny},
  {Operation::kReadAuditTrail,       kSystemRole,        kNational, Standing::kAny},
  {Operation::kReadReports,          kAdminRole,         kAgency,   Standing::kAgencyStaff},
  {Operation::kReadReports,          kAuditorRole,       kAgency,   Standing::kAgencyStaff},
  {Operation::kManageUsers,          kAdminRole,         kAgency,   Standing::kAgencyStaff},
  {Operation::kManageUsers,          kNationalAdminRole, kNational, Standing::kAgencyStaff},
  {Operation::kReadFeed,             kAdminRole,         kAgency,   Standing::kAgencyStaff},
  {Operation::kReadFeed,             kPortalSyncRole,    kAgency,   Standing::kAgencyStaff},
  {Operation::kListDeadLetters,      kAdminRole,         kAgency,   Standing::kAgencyStaff},
  {Operation::kPruneFeed,            kSystemRole,        kNational, Standing::kAny},
  {Operation::kRecordDeskPayment,    kAnyOtherRole,      kAgency,   Standing::kAgencyStaff},
  {Operation::kSubmitDossier,        kApplicantRole,     kOwn,      Standing::kAny},
  {Operation::kSubmitDossier,        kAuditorRole,       kRefused,  Standing::kAny},
  {Operation::kSubmitDossier,        kAnyOtherRole,      kAgency,   Standing::kAny},
  {Operation::kUploadDocument,       kApplicantRole,     kOwn,      Standing::kAny},
  {Operation::kUploadDocument,       kAuditorRole,       kRefused,  Standing::kAny},
  {Operation::kUploadDocument,       kPortalSyncRole,    kRefused,  Standing::kAny},
  {Operation::kUploadDocument,       kSystemRole,        kRefused,  Standing::kAny},
  {Operation::kUploadDocument,       kAnyOtherRole,      kAgency,   Standing::kAny},
  {Operation::kListDossiers,         kApplicantRole,     kOwn,      Standing::kAny},
  {Operation::kListDossiers,         kPortalSyncRole,    kRefused,  Standing::kAny},
  {Operation::kListDossiers,         kSystemRole,        kRefused,  Standing::kAny},
  {Operation::kListDossiers,         kAnyOtherRole,      kAgency,   Standing::kAgencyStaff},
  {Operation::kWorkInQueue,          kApplicantRole,     kRefused,  Standing::kAny},
  {Operation::kWorkInQueue,          kPortalSyncRole,    kRefused,  Standing::kAny},
  {Operation::kWorkInQueue,          kSystemRole,        kRefused,  Standing::kAny},
  {Operation::kWorkInQueue,          kAnyOtherRole,      kAgency,   Standing::kAgencyStaff},
};
// clang-format on

struct Refusal {
  Operation operation;
  const char* message;
};

constexpr Refusal kRefusals[] = {
    {Operation::kListWorkflowVersions, "only admins and auditors list versions"},
    {Operation::kPublishWorkflow, "only admins publish workflows"},
    {Operation::kReadAuditTrail, "only auditors and admins read audit trails"},
    {Operation::kReadReports, "only admins and auditors read reports"},
    {Operation::kManageUsers, "only administrators manage users"},
    {Operation::kReadFeed, "only admins and portal_sync accounts read the feed"},
    {Operation::kListDeadLetters, "only admins list the feed's dead letters"},
    {Operation::kPruneFeed, "only the engine prunes the feed"},
    {Operation::kRecordDeskPayment, "desk payments are recorded by agency staff"},
    {Operation::kSubmitDossier, "auditors read; they do not submit"},
    {Operation::kUploadDocument, "documents are uploaded by applicants and agency staff"},
    {Operation::kListDossiers, "only applicants and agency staff list dossiers"},
    {Operation::kWorkInQueue, "only agency staff work in queues"},
};

bool HasAgencyStanding(const Actor& actor) {
  return !actor.agency.empty() && !actor.HasRole(kApplicantRole) && !actor.HasRole(kSystemRole);
}

// The row for `role`: the one naming it, else the operation's kAnyOtherRole row.
const Grant* FindGrant(Operation operation, std::string_view role) {
  const Grant* other = nullptr;
  for (const Grant& grant : kGrants) {
    if (grant.operation != operation) continue;
    if (grant.role == role) return &grant;
    if (grant.role == kAnyOtherRole) other = &grant;
  }
  return other;
}

}  // namespace

std::optional<AccessScope> ScopeOf(const Actor& actor, Operation operation) {
  std::optional<AccessScope> widest;
  for (const std::string& role : actor.roles) {
    const Grant* grant = FindGrant(operation, role);
    if (grant == nullptr || !grant->scope) continue;
    if (grant->standing == Standing::kAgencyStaff && !HasAgencyStanding(actor)) continue;
    if (!widest || *grant->scope > *widest) widest = grant->scope;
  }
  return widest;
}

Status Authorize(const Actor& actor, Operation operation) {
  RETURN_IF_ERROR(AuthorizedScope(actor, operation));
  return Status();
}

Result<AccessScope> AuthorizedScope(const Actor& actor, Operation operation) {
  if (std::optional<AccessScope> scope = ScopeOf(actor, operation)) return *scope;
  for (const Refusal& refusal : kRefusals) {
    if (refusal.operation == operation) {
      return Error(ErrorCode::kPermissionDenied, refusal.message, ErrorReason::kRoleNotAllowed);
    }
  }
  return Error(ErrorCode::kInternal, "the access policy has no refusal for this operation");
}

bool IsApplicantOnly(const Actor& actor) {
  return !actor.roles.empty() &&
         std::all_of(actor.roles.begin(), actor.roles.end(),
                     [](const std::string& r) { return r == kApplicantRole; });
}

bool ReachesDossiers(const Actor& actor) {
  return std::any_of(actor.roles.begin(), actor.roles.end(),
                     [](const std::string& r) { return r != kPortalSyncRole; });
}

bool CanSeeDossier(const Actor& actor, const Dossier& dossier, const Workflow& workflow) {
  if (!ReachesDossiers(actor)) return false;
  if (actor.HasRole(kSystemRole)) return true;
  if (actor.HasRole(kApplicantRole) && actor.user_id == dossier.applicant_id) return true;
  if (IsApplicantOnly(actor) || actor.agency.empty()) return false;
  if (actor.agency == dossier.agency) return true;
  auto handled_by_actor_agency = [&](const std::string& state_id) {
    return HandlingAgency(workflow, dossier, state_id) == actor.agency;
  };
  if (handled_by_actor_agency(dossier.state)) return true;
  for (const auto& [branch, position] : BranchPositionsOf(workflow, dossier)) {
    if (handled_by_actor_agency(position.state)) return true;
  }
  return std::any_of(dossier.history.begin(), dossier.history.end(),
                     [&](const DossierEvent& e) { return handled_by_actor_agency(e.to_state); });
}

}  // namespace motcua
