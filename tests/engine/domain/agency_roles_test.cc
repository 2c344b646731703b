// Agency roles: a state handled by another agency named by its role in the
// procedure, resolved per dossier at submission (issue 22).
#include "engine/domain/agency_roles.h"

#include <doctest/doctest.h>

#include <string>

#include "engine/domain/access.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/queue_placement.h"
#include "engine/domain/state_machine.h"
#include "tests/machine_fixture.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr const char* kReceiving = "000.00.01.H26";
constexpr const char* kPolice = "000.00.20.H26";
constexpr const char* kOtherPolice = "000.00.21.H26";
constexpr const char* kApplicantId = "001099012345";
const std::string kDeclarationId(64, '1');
const std::string kProofId(64, '2');

// Permanent residence, with its review handed to the residence police.
json HandedOverDocument() {
  json document = LoadJson("workflows/1.004222-permanent-residence.json");
  document["procedure"]["agency_roles"] = {
      {"residence_police",
       {{"names", {{"vi", "Công an cấp xã"}, {"en", "Commune police"}}}, {"level", "commune"}}}};
  for (json& state : document["states"]) {
    if (state["id"] == "in_review") state["agency_role"] = "residence_police";
  }
  return document;
}

Workflow Parsed(const json& document) {
  Result<Workflow> parsed = ParseWorkflow(document);
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

AgencyRoleDirectory Directory(const json& document) {
  Result<AgencyRoleDirectory> directory = AgencyRoleDirectory::FromJson(document);
  REQUIRE_MESSAGE(directory.ok(), directory.error().message());
  return std::move(directory).value();
}

std::string PointerOf(const Error& error) {
  REQUIRE(error.fields().size() == 1);
  return error.fields().front().pointer;
}

TEST_CASE(
    "agency roles: the directory names the agency per receiving agency, with a default for all") {
  const AgencyRoleDirectory directory = Directory(
      {{kReceiving, {{"residence_police", kPolice}}},
       {"*", {{"residence_police", kOtherPolice}, {"social_insurance", "000.00.30.H26"}}}});
  CHECK(directory.Find(kReceiving, "residence_police") == kPolice);
  CHECK(directory.Find("000.00.09.H26", "residence_police") == kOtherPolice);
  CHECK(directory.Find(kReceiving, "social_insurance") == "000.00.30.H26");
  CHECK_FALSE(directory.Find(kReceiving, "tax_office").has_value());
  CHECK_FALSE(AgencyRoleDirectory().Find(kReceiving, "residence_police").has_value());
}

TEST_CASE("agency roles: a bad directory is refused at the member's pointer") {
  struct Case {
    const char* name;
    json document;
    const char* pointer;
  };
  const Case cases[] = {
      {"not an object", json::array(), ""},
      {"a key that is no agency", {{"../etc", {{"residence_police", kPolice}}}}, "/../etc"},
      {"roles that are not an object", {{kReceiving, "police"}}, "/000.00.01.H26"},
      {"a role not in snake case", {{kReceiving, {{"Police", kPolice}}}}, "/000.00.01.H26/Police"},
      {"an agency that is no ID",
       {{kReceiving, {{"residence_police", "police station"}}}},
       "/000.00.01.H26/residence_police"},
      {"an agency that is no string",
       {{kReceiving, {{"residence_police", 20}}}},
       "/000.00.01.H26/residence_police"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Result<AgencyRoleDirectory> directory = AgencyRoleDirectory::FromJson(c.document);
    REQUIRE_FALSE(directory.ok());
    CHECK(directory.error().code() == ErrorCode::kInvalidArgument);
    CHECK(PointerOf(directory.error()) == c.pointer);
  }
}

TEST_CASE("agency roles: resolving every role of a workflow, or naming the one missing") {
  const Workflow workflow = Parsed(HandedOverDocument());
  Result<std::map<std::string, std::string>> resolved = ResolveAgencyRoles(
      workflow, kReceiving, Directory({{kReceiving, {{"residence_police", kPolice}}}}));
  REQUIRE(resolved.ok());
  CHECK(*resolved == std::map<std::string, std::string>{{"residence_police", kPolice}});

  Result<std::map<std::string, std::string>> missing = ResolveAgencyRoles(
      workflow, "000.00.09.H26", Directory({{kReceiving, {{"residence_police", kPolice}}}}));
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().reason() == ErrorReason::kValidation);
  CHECK(PointerOf(missing.error()) == "/agency");
  CHECK(missing.error().fields().front().message.find("residence_police") != std::string::npos);

  // A workflow without agency roles needs nothing from the directory.
  const Workflow plain = BundledWorkflow("workflows/1.004222-permanent-residence.json");
  Result<std::map<std::string, std::string>> none =
      ResolveAgencyRoles(plain, kReceiving, AgencyRoleDirectory());
  REQUIRE(none.ok());
  CHECK(none->empty());
}

struct Fixture : MachineFixture {
  Fixture() : MachineFixture(Parsed(HandedOverDocument())) {}

  SubmissionRequest Submission(json payload = json::object()) const {
    SubmissionRequest request;
    request.code = "000.00.01.H26-261123-0001";
    request.applicant_id = kApplicantId;
    request.agency = kReceiving;
    request.definition_version = 1;
    request.actor = Actor{kApplicantId, {"applicant"}, ""};
    payload["form"] = {{"full_name", "Nguyen Van A"},
                       {"citizen_id", kApplicantId},
                       {"address", "1 Trang Tien, Hoan Kiem, Ha Noi"}};
    payload["documents"] = {{"declaration", kDeclarationId}, {"legal_residence_proof", kProofId}};
    request.payload = std::move(payload);
    request.agency_roles = {{"residence_police", kPolice}};
    return request;
  }

  Dossier Step(const Dossier& dossier, const std::string& action, const Actor& actor) const {
    ActionRequest request;
    request.action = action;
    request.actor = actor;
    Result<Transition> transition = Machine().Apply(dossier, request);
    REQUIRE_MESSAGE(transition.ok(), transition.error().message());
    return transition->dossier;
  }

  // Submitted, received and paid: in review, at the residence police.
  Dossier InReview() const {
    Result<Dossier> submitted = Machine().Submit(Submission());
    REQUIRE(submitted.ok());
    Dossier dossier = Step(*submitted, "receive", Actor{"clerk", {"reception_clerk"}, kReceiving});
    return Step(dossier, "pay_fee", Actor{kApplicantId, {"applicant"}, ""});
  }
};

TEST_CASE("agency roles: the submission records the engine's agencies, never the client's") {
  Fixture f;
  Result<Dossier> submitted =
      f.Machine().Submit(f.Submission({{"agency_roles", {{"residence_police", kOtherPolice}}}}));
  REQUIRE(submitted.ok());
  CHECK(submitted->history.front().payload.at("agency_roles") ==
        json{{"residence_police", kPolice}});
  CHECK(RecordedAgencyRoles(*submitted) ==
        std::map<std::string, std::string>{{"residence_police", kPolice}});

  SubmissionRequest unresolved = f.Submission();
  unresolved.agency_roles.clear();
  Result<Dossier> refused = f.Machine().Submit(unresolved);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kInvalidArgument);
  CHECK(PointerOf(refused.error()) == "/agency");
}

TEST_CASE("agency roles: the role's agency handles, queues and sees its states, others do not") {
  Fixture f;
  const Dossier in_review = f.InReview();
  REQUIRE(in_review.state == "in_review");
  CHECK(HandlingAgency(f.workflow, in_review, "in_review") == kPolice);
  CHECK(HandlingAgency(f.workflow, in_review, "submitted") == kReceiving);
  CHECK(QueueAgencyOf(f.workflow, in_review, "in_review") == kPolice);
  CHECK(QueueAgencyOf(f.workflow, in_review, "awaiting_signature").empty());

  const Actor police{"officer", {"specialist"}, kPolice};
  const Actor receiving_specialist{"specialist", {"specialist"}, kReceiving};
  const Actor other_police{"officer2", {"specialist"}, kOtherPolice};
  CHECK(CanSeeDossier(police, in_review, f.workflow));
  CHECK_FALSE(CanSeeDossier(other_police, in_review, f.workflow));

  ActionRequest supplement;
  supplement.action = "request_supplement";
  supplement.input.comment = "thiếu giấy tờ";
  supplement.actor = receiving_specialist;
  Result<Transition> refused = f.Machine().Apply(in_review, supplement);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason() == ErrorReason::kWrongAgency);
  CHECK(refused.error().message().find(kPolice) != std::string::npos);
  supplement.actor = police;
  CHECK(f.Machine().Apply(in_review, supplement).ok());

  // Before the dossier reached the police, they do not see it.
  Result<Dossier> submitted = f.Machine().Submit(f.Submission());
  REQUIRE(submitted.ok());
  CHECK_FALSE(CanSeeDossier(police, *submitted, f.workflow));
}

TEST_CASE("agency roles: the process-control slip names the agency of every stay") {
  Fixture f;
  const std::vector<HandOff> slip =
      ProcessControlSlip(f.calendar, f.workflow, f.InReview(), f.clock.Now());
  std::vector<std::pair<std::string, std::string>> stays;
  for (const HandOff& hand_off : slip) stays.emplace_back(hand_off.state, hand_off.agency);
  CHECK(stays == std::vector<std::pair<std::string, std::string>>{{"submitted", kReceiving},
                                                                  {"awaiting_fee", kReceiving},
                                                                  {"in_review", kPolice}});
}

TEST_CASE("agency roles: a trail edited to drop the record leaves the state at the receiver") {
  Fixture f;
  Dossier edited = f.InReview();
  edited.history.Mutable().front().payload.erase("agency_roles");
  CHECK(RecordedAgencyRoles(edited).empty());
  CHECK(HandlingAgency(f.workflow, edited, "in_review") == kReceiving);
  CHECK(QueueAgencyOf(f.workflow, edited, "in_review").empty());
}

}  // namespace
}  // namespace motcua
