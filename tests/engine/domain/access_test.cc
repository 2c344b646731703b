#include "engine/domain/access.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/domain/identity.h"

namespace motcua {
namespace {

// A two-agency workflow: the commune receives, the district reviews.
Workflow InterAgencyWorkflow() {
  Workflow workflow;
  State received;
  received.id = "received";
  State district_review;
  district_review.id = "district_review";
  district_review.agency = "000.00.20.H26";
  workflow.states = {received, district_review};
  return workflow;
}

Dossier OwnedBy(const std::string& applicant, const std::string& state) {
  Dossier dossier;
  dossier.applicant_id = applicant;
  dossier.agency = "000.00.01.H26";
  dossier.state = state;
  DossierEvent submit;
  submit.action = "submit";
  submit.to_state = "received";
  dossier.history.push_back(submit);
  return dossier;
}

TEST_CASE("access: who sees a dossier, cell by cell") {
  const Workflow workflow = InterAgencyWorkflow();
  const Dossier at_commune = OwnedBy("001090012345", "received");
  Dossier at_district = OwnedBy("001090012345", "district_review");
  DossierEvent forward;
  forward.action = "forward";
  forward.from_state = "received";
  forward.to_state = "district_review";
  at_district.history.push_back(forward);

  const Actor owner{"001090012345", {"applicant"}, ""};
  const Actor other_applicant{"001090099999", {"applicant"}, ""};
  const Actor commune_clerk{"clerk-1", {"reception_clerk"}, "000.00.01.H26"};
  const Actor district_specialist{"spec-1", {"specialist"}, "000.00.20.H26"};
  const Actor other_agency_leader{"leader-9", {"leader"}, "000.00.99.H26"};
  const Actor staff_without_agency{"spec-2", {"specialist"}, ""};
  const Actor system{"system", {"system"}, ""};
  // Issue 14.8: the sync account of the receiving (or handling) agency.
  const Actor commune_sync{"sync-1", {"portal_sync"}, "000.00.01.H26"};
  const Actor district_sync{"sync-20", {"portal_sync"}, "000.00.20.H26"};
  const Actor sync_and_clerk{"clerk-2", {"portal_sync", "reception_clerk"}, "000.00.01.H26"};

  struct Cell {
    const char* who;
    const Actor* actor;
    const Dossier* dossier;
    bool sees;
  };
  const Cell cells[] = {
      {"owner, at commune", &owner, &at_commune, true},
      {"owner, at district", &owner, &at_district, true},
      {"other applicant", &other_applicant, &at_commune, false},
      {"receiving agency's clerk", &commune_clerk, &at_commune, true},
      {"receiving agency's clerk, later", &commune_clerk, &at_district, true},
      {"district before forwarding", &district_specialist, &at_commune, false},
      {"district handling the state", &district_specialist, &at_district, true},
      {"another agency", &other_agency_leader, &at_district, false},
      {"staff with no agency", &staff_without_agency, &at_commune, false},
      {"system", &system, &at_district, true},
      {"portal_sync of the receiving agency", &commune_sync, &at_commune, false},
      {"portal_sync of the handling agency", &district_sync, &at_district, false},
      {"portal_sync who is also a clerk", &sync_and_clerk, &at_commune, true},
  };
  for (const Cell& cell : cells) {
    INFO(std::string(cell.who));
    CHECK(CanSeeDossier(*cell.actor, *cell.dossier, workflow) == cell.sees);
  }
  CHECK(IsApplicantOnly(owner));
  CHECK_FALSE(ReachesDossiers(commune_sync));
  CHECK(ReachesDossiers(sync_and_clerk));
  CHECK(ReachesDossiers(owner));
  CHECK_FALSE(IsApplicantOnly(commune_clerk));
  CHECK_FALSE(IsApplicantOnly(Actor{"x", {}, ""}));
}

// ---- the policy: roles x operations -> scope, written out as a table ----

constexpr const char* kAgency = "000.00.01.H26";

// One expected cell: "-" refused, else the scope's name.
const char* ScopeName(const std::optional<AccessScope>& scope) {
  if (!scope) return "-";
  switch (*scope) {
    case AccessScope::kOwn: return "own";
    case AccessScope::kAgency: return "agency";
    case AccessScope::kNational: return "national";
  }
  return "?";
}

constexpr Operation kColumns[] = {
    Operation::kListWorkflowVersions,
    Operation::kPublishWorkflow,
    Operation::kReadAuditTrail,
    Operation::kReadReports,
    Operation::kManageUsers,
    Operation::kReadFeed,
    Operation::kListDeadLetters,
    Operation::kRecordDeskPayment,
    Operation::kSubmitDossier,
    Operation::kUploadDocument,
    Operation::kListDossiers,
    Operation::kWorkInQueue,
    Operation::kPruneFeed,
};

struct Row {
  const char* who;
  Actor actor;
  // versions, publish, audit, reports, users, feed, dead letters, desk payment, submit,
  // upload, list dossiers, queue, prune feed
  std::vector<const char*> expected;
};

TEST_CASE("access policy: roles by operations, cell by cell") {
  const Row rows[] = {
      {"applicant",
       {"001090012345", {kApplicantRole}, ""},
       {"-", "-", "-", "-", "-", "-", "-", "-", "own", "own", "own", "-", "-"}},
      {"reception_clerk",
       {"clerk", {"reception_clerk"}, kAgency},
       {"-", "-", "-", "-", "-", "-", "-", "agency", "agency", "agency", "agency", "agency", "-"}},
      {"specialist",
       {"specialist", {"specialist"}, kAgency},
       {"-", "-", "-", "-", "-", "-", "-", "agency", "agency", "agency", "agency", "agency", "-"}},
      {"leader",
       {"leader", {"leader"}, kAgency},
       {"-", "-", "-", "-", "-", "-", "-", "agency", "agency", "agency", "agency", "agency", "-"}},
      {"admin",
       {"admin", {kAdminRole}, kAgency},
       {"national", "agency", "agency", "agency", "agency", "agency", "agency", "agency", "agency",
        "agency", "agency", "agency", "-"}},
      {"national_admin",
       {"nadmin", {kNationalAdminRole}, kAgency},
       {"-", "national", "-", "-", "national", "-", "-", "agency", "agency", "agency", "agency",
        "agency", "-"}},
      {"admin and national_admin",
       {"both", {kAdminRole, kNationalAdminRole}, kAgency},
       {"national", "national", "agency", "agency", "national", "agency", "agency", "agency",
        "agency", "agency", "agency", "agency", "-"}},
      {"auditor",
       {"auditor", {kAuditorRole}, kAgency},
       {"national", "-", "agency", "agency", "-", "-", "-", "agency", "-", "-", "agency", "agency",
        "-"}},
      {"auditor who is also a clerk",
       {"auditor-clerk", {kAuditorRole, "reception_clerk"}, kAgency},
       {"national", "-", "agency", "agency", "-", "-", "-", "agency", "agency", "agency", "agency",
        "agency", "-"}},
      {"portal_sync",
       {"sync", {kPortalSyncRole}, kAgency},
       {"-", "-", "-", "-", "-", "agency", "-", "agency", "agency", "-", "-", "-", "-"}},
      {"admin without an agency",
       {"lost-admin", {kAdminRole}, ""},
       {"national", "agency", "agency", "-", "-", "-", "-", "-", "agency", "agency", "-", "-",
        "-"}},
      {"admin holding the applicant role too",
       {"admin-applicant", {kAdminRole, kApplicantRole}, kAgency},
       {"national", "agency", "agency", "-", "-", "-", "-", "-", "agency", "agency", "own", "-",
        "-"}},
      {"system",
       {kSystemRole, {kSystemRole}, ""},
       {"national", "national", "national", "-", "-", "-", "-", "-", "agency", "-", "-", "-",
        "national"}},
      {"no roles",
       {"nobody", {}, kAgency},
       {"-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-"}},
  };
  for (const Row& row : rows) {
    REQUIRE(row.expected.size() == std::size(kColumns));
    for (std::size_t i = 0; i < std::size(kColumns); ++i) {
      INFO(std::string(row.who) << ", operation column " << i);
      CHECK(std::string(ScopeName(ScopeOf(row.actor, kColumns[i]))) == row.expected[i]);
      CHECK(Authorize(row.actor, kColumns[i]).ok() == (std::string(row.expected[i]) != "-"));
    }
  }
}

TEST_CASE("access policy: each operation refuses with its own message") {
  const Actor nobody{"nobody", {}, kAgency};
  const struct {
    Operation operation;
    const char* message;
  } refusals[] = {
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
  REQUIRE(std::size(refusals) == std::size(kColumns));
  for (const auto& refusal : refusals) {
    INFO(refusal.message);
    Status refused = Authorize(nobody, refusal.operation);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code() == ErrorCode::kPermissionDenied);
    CHECK(refused.error().reason() == ErrorReason::kRoleNotAllowed);
    CHECK(refused.error().message() == refusal.message);
  }
}

}  // namespace
}  // namespace motcua
