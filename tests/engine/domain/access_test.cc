#include "engine/domain/access.h"

#include <doctest/doctest.h>

#include <string>

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

}  // namespace
}  // namespace motcua
