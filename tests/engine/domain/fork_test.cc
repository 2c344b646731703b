// Fork and join: parallel branches of an inter-agency (liên thông) procedure,
// each handled by its own agency, joined when every branch has ended
// (issue 22). Runs on the bundled birth group, LT-KHAISINH.
#include "engine/domain/fork.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/domain/access.h"
#include "engine/domain/agency_roles.h"
#include "engine/domain/dossier_replay.h"
#include "engine/domain/fully_online.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/national_sync.h"
#include "engine/domain/queue_placement.h"
#include "engine/domain/report_facts.h"
#include "engine/domain/report_query.h"
#include "engine/domain/state_machine.h"
#include "engine/domain/workflow_lint.h"
#include "tests/lienthong_fixture.h"
#include "tests/machine_fixture.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;

using namespace lienthong;

constexpr const char* kFile = kBirthGroupFile;
const std::string kResultId(64, 'f');

Workflow Parsed(const json& document) {
  Result<Workflow> parsed = ParseWorkflow(document);
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

const Actor kClerk{"clerk", {"reception_clerk"}, kCommune};
const Actor kOfficer{"officer", {"civil_status_officer"}, kCommune};
const Actor kLeader{"leader", {"leader"}, kCommune};
const Actor kPoliceOfficer{"police-1", {"residence_officer"}, kPolice};
const Actor kInsuranceOfficer{"bhxh-1", {"insurance_officer"}, kInsurance};
const Actor kPoliceLeader{"police-lead-1", {"leader"}, kPolice};
const Actor kInsuranceLeader{"bhxh-lead-1", {"leader"}, kInsurance};

// How each branch of the two groups ends approved: its officer attaches the
// branch's sub-result, its agency's leader signs it.
struct BranchWork {
  const char* propose;
  const char* sign;
  Actor officer;
  Actor leader;
  char result_digit;  // the sub-result's id is 64 of it
};
const std::map<std::string, BranchWork> kBranchWork{
    {"residence",
     {"register_residence", "sign_residence_result", kPoliceOfficer, kPoliceLeader, 'a'}},
    {"health_insurance",
     {"issue_insurance_card", "sign_insurance_card", kInsuranceOfficer, kInsuranceLeader, 'b'}},
    {"residence_removal",
     {"remove_residence", "sign_deregistration", kPoliceOfficer, kPoliceLeader, 'a'}},
    {"funeral_allowance",
     {"grant_funeral_allowance", "sign_funeral_allowance", kInsuranceOfficer, kInsuranceLeader,
      'b'}},
};

std::string SubResultId(const std::string& branch) {
  return std::string(64, kBranchWork.at(branch).result_digit);
}

// A leader's verified signature over `document` (the dossier's result, or a
// branch's sub-result).
SignatureEvidence SignatureOver(const std::string& document, const std::string& signer) {
  return SignatureEvidence{
      document,     "CN=" + signer, "0A", std::string(64, 'c'), std::string(64, 'd'),
      std::nullopt, false};
}

// One group's workflow (the birth group unless told otherwise) with a state
// machine over a fake clock.
struct Fixture : MachineFixture {
  explicit Fixture(json document = LoadJson(kFile)) : MachineFixture(Parsed(document)) {}

  // `action` twenty minutes after the last step, with a comment (and the
  // result, or the branch's sub-result, where the action requires one)
  // besides `input`.
  Result<Transition> Try(const Dossier& dossier, const std::string& action, const Actor& actor,
                         std::optional<SignatureEvidence> signature = std::nullopt,
                         ActionInput input = {}) {
    clock.Advance(std::chrono::minutes{20});
    if (!input.comment) input.comment = "checked";
    const Action* named = workflow.FindAction(action);
    if (named != nullptr && named->requirements.result_document && !input.result_document) {
      input.result_document = named->branch.empty() ? kResultId : SubResultId(named->branch);
    }
    return Machine().Apply(dossier,
                           ActionRequest{action, actor, std::move(input), std::move(signature)});
  }

  Dossier Step(const Dossier& dossier, const std::string& action, const Actor& actor,
               std::optional<SignatureEvidence> signature = std::nullopt, ActionInput input = {}) {
    Result<Transition> transition =
        Try(dossier, action, actor, std::move(signature), std::move(input));
    REQUIRE_MESSAGE(transition.ok(), action << ": " << transition.error().message());
    return transition->dossier;
  }

  // `branch` ended approved: its sub-result attached by its officer, then
  // signed by its agency's leader.
  Dossier End(const Dossier& dossier, const std::string& branch) {
    const BranchWork& work = kBranchWork.at(branch);
    const Dossier proposed = Step(dossier, work.propose, work.officer);
    return Step(proposed, work.sign, work.leader,
                SignatureOver(SubResultId(branch), work.leader.user_id));
  }

  // Submitted with the procedure's sample form (changed by `form_changes`)
  // and its required papers, received, the certificate proposed and signed:
  // at the fork.
  Dossier AtFork(const json& form_changes = json::object()) {
    Dossier dossier = Step(Received(form_changes), "propose_result", kOfficer);
    dossier = Step(dossier, "sign_result", kLeader,
                   SignatureEvidence{kResultId, "CN=Leader", "0A", std::string(64, 'c'),
                                     std::string(64, 'd'), std::nullopt, false});
    REQUIRE(dossier.state == "lienthong");
    return dossier;
  }

  // Submitted as AtFork's, and received: in review at the commune.
  Dossier Received(const json& form_changes = json::object()) {
    json form = LoadJson("tests/fixtures/sample_forms/" + workflow.procedure.code + ".json");
    form.update(form_changes);
    json documents = json::object();
    char digit = '1';
    for (const RequiredDocument& document : workflow.procedure.documents) {
      if (document.required) documents[document.key] = std::string(64, digit++);
    }
    SubmissionRequest request;
    request.code = "000.00.01.H26-261123-0001";
    request.applicant_id = kCitizen;
    request.agency = kCommune;
    request.definition_version = 1;
    request.actor = Actor{kCitizen, {"applicant"}, ""};
    request.payload = {{"form", form}, {"documents", documents}};
    request.agency_roles = AgencyRoles()[kCommune].get<std::map<std::string, std::string>>();
    Result<Dossier> submitted = Machine().Submit(request);
    REQUIRE_MESSAGE(submitted.ok(), submitted.error().message());
    return Step(*submitted, "receive", kClerk);
  }
};

int CountJoins(const Dossier& dossier) {
  return static_cast<int>(
      std::count_if(dossier.history.begin(), dossier.history.end(),
                    [](const DossierEvent& e) { return e.action == kJoinAction; }));
}

TEST_CASE("fork: entering the fork starts every branch in its own agency's queue") {
  Fixture f;
  const Dossier dossier = f.AtFork();
  const BranchPositions branches = BranchPositionsOf(f.workflow, dossier);
  CHECK(branches == BranchPositions{{"health_insurance", {"insurance_review", std::nullopt}},
                                    {"residence", {"residence_review", std::nullopt}}});
  const std::vector<BranchQueueSlot> slots = BranchQueueSlots(f.workflow, dossier);
  REQUIRE(slots.size() == 2u);
  CHECK(slots[0].branch == "health_insurance");
  CHECK(slots[0].agency == kInsurance);
  CHECK(slots[0].roles == std::vector<std::string>{"insurance_officer"});
  CHECK(slots[1].branch == "residence");
  CHECK(slots[1].agency == kPolice);
  // The fork's own state queues to no one.
  CHECK(QueueRolesOf(f.workflow, dossier.state).empty());
  // Each branch's agency sees the dossier; an unrelated agency does not.
  CHECK(CanSeeDossier(kPoliceOfficer, dossier, f.workflow));
  CHECK(CanSeeDossier(kInsuranceOfficer, dossier, f.workflow));
  CHECK_FALSE(
      CanSeeDossier(Actor{"x", {"residence_officer"}, "000.00.99.H26"}, dossier, f.workflow));
}

TEST_CASE("fork: each branch is acted on by its own agency only, and moves alone") {
  Fixture f;
  const Dossier dossier = f.AtFork();
  const StateMachine machine = f.Machine();
  // Each agency is offered its own branch's actions, and nothing else.
  auto names = [&](const Actor& actor) {
    std::vector<std::string> out;
    for (const Action* action : machine.AvailableActions(dossier, actor)) {
      out.push_back(action->name);
    }
    return out;
  };
  CHECK(names(kPoliceOfficer) == std::vector<std::string>{"start_residence_verification",
                                                          "register_residence",
                                                          "refuse_residence"});
  CHECK(names(kInsuranceOfficer) ==
        std::vector<std::string>{"issue_insurance_card", "refuse_insurance_card"});
  CHECK(names(Actor{"p2", {"residence_officer"}, kInsurance}).empty());

  // The insurance office cannot act in the residence branch, even holding the role.
  Result<Transition> wrong =
      f.Try(dossier, "register_residence", Actor{"bhxh-2", {"residence_officer"}, kInsurance});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().reason() == ErrorReason::kWrongAgency);

  const Dossier verified = f.Step(dossier, "start_residence_verification", kPoliceOfficer);
  CHECK(verified.state == "lienthong");
  CHECK(verified.version == dossier.version + 1);
  const DossierEvent& event = verified.history.back();
  CHECK(event.payload.at(kBranchField) == "residence");
  CHECK(event.from_state == "residence_review");
  CHECK(event.to_state == "residence_verification");
  CHECK(BranchPositionsOf(f.workflow, verified).at("residence").state == "residence_verification");
  CHECK(BranchPositionsOf(f.workflow, verified).at("health_insurance").state == "insurance_review");

  // The police's notice then waits for their own leader's signature.
  const Dossier proposed = f.Step(verified, "register_residence", kPoliceOfficer);
  CHECK(BranchPositionsOf(f.workflow, proposed).at("residence").state ==
        "residence_awaiting_signature");
  Result<Transition> commune_leader = f.Try(proposed, "sign_residence_result", kLeader,
                                            SignatureOver(SubResultId("residence"), "leader"));
  REQUIRE_FALSE(commune_leader.ok());
  CHECK(commune_leader.error().reason() == ErrorReason::kWrongAgency);

  // An ended branch takes no more actions.
  const Dossier registered = f.Step(proposed, "sign_residence_result", kPoliceLeader,
                                    SignatureOver(SubResultId("residence"), kPoliceLeader.user_id));
  Result<Transition> again = f.Try(registered, "refuse_residence", kPoliceOfficer);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().reason() == ErrorReason::kNotAllowedFromState);
  CHECK(BranchQueueSlots(f.workflow, registered).size() == 1u);
}

TEST_CASE("fork: the last branch to end joins in the same transition, once") {
  Fixture f;
  const Dossier dossier = f.AtFork();
  const Dossier one = f.End(dossier, "health_insurance");
  CHECK(CountJoins(one) == 0);
  CHECK(one.state == "lienthong");

  const Dossier proposed = f.Step(one, "register_residence", kPoliceOfficer);
  CHECK(CountJoins(proposed) == 0);
  Result<Transition> last = f.Try(proposed, "sign_residence_result", kPoliceLeader,
                                  SignatureOver(SubResultId("residence"), kPoliceLeader.user_id));
  REQUIRE(last.ok());
  CHECK(last->joined);
  CHECK(last->event().action == "sign_residence_result");
  REQUIRE(last->join_event() != nullptr);
  const DossierEvent& join = *last->join_event();
  CHECK(join.action == kJoinAction);
  CHECK(join.from_state == "lienthong");
  CHECK(join.to_state == "result_ready");
  CHECK(join.actor.HasRole(kSystemRole));
  CHECK(join.payload ==
        json{{"branches", {{"health_insurance", "approved"}, {"residence", "approved"}}}});
  CHECK(last->dossier.state == "result_ready");
  CHECK(last->dossier.version == proposed.version + 2);
  CHECK(last->dossier.clock.finished_at.has_value());
  CHECK(CountJoins(last->dossier) == 1);
  CHECK(BranchPositionsOf(f.workflow, last->dossier).empty());

  // Two branches ending "at once" from the same version each decide only
  // their own: the store's version check lets one commit, and the other,
  // decided again on the new version, is the one that joins.
  const Dossier racing_a = f.End(dossier, "residence");
  const Dossier racing_b = f.End(dossier, "health_insurance");
  CHECK(CountJoins(racing_a) == 0);
  CHECK(CountJoins(racing_b) == 0);
  CHECK(racing_a.version == racing_b.version);
  const Dossier retried = f.End(racing_a, "health_insurance");
  CHECK(CountJoins(retried) == 1);
  CHECK(retried.state == "result_ready");
}

TEST_CASE("fork: each branch issues its own signed sub-result, never the dossier's") {
  Fixture f;
  const Dossier at_fork = f.AtFork();
  const Dossier proposed = f.Step(at_fork, "register_residence", kPoliceOfficer);
  // The notice is the branch's, beside the birth certificate.
  CHECK(proposed.result_document == kResultId);
  REQUIRE(BranchResultOf(f.workflow, proposed, "residence").has_value());
  CHECK(BranchResultOf(f.workflow, proposed, "residence")->document == SubResultId("residence"));
  CHECK(BranchResultOf(f.workflow, proposed, "residence")->attached_at ==
        proposed.history.back().at);
  CHECK_FALSE(BranchResultOf(f.workflow, proposed, "health_insurance").has_value());

  // A signature over the dossier's certificate does not sign the branch's notice.
  Result<Transition> wrong_document = f.Try(proposed, "sign_residence_result", kPoliceLeader,
                                            SignatureOver(kResultId, kPoliceLeader.user_id));
  REQUIRE_FALSE(wrong_document.ok());
  CHECK(wrong_document.error().reason() == ErrorReason::kSignatureMismatch);
  CHECK(wrong_document.error().message().find("residence") != std::string::npos);
  // Nor does the branch's notice sign the dossier: a signing action of the
  // dossier's own checks the dossier's result.
  const Dossier signed_branch =
      f.Step(proposed, "sign_residence_result", kPoliceLeader,
             SignatureOver(SubResultId("residence"), kPoliceLeader.user_id));
  REQUIRE(signed_branch.result_signatures.size() == 2u);
  CHECK(signed_branch.result_signatures[0].branch.empty());
  CHECK(signed_branch.result_signatures[1].branch == "residence");
  CHECK(signed_branch.result_signatures[1].document_id == SubResultId("residence"));
  CHECK(signed_branch.history.back().payload.at("signature").at("branch") == "residence");
  CHECK(signed_branch.result_document == kResultId);

  // Joined, each branch still shows where it ended and what it issued, and
  // the feed's record lists every result with its signatures.
  const Dossier joined = f.End(signed_branch, "health_insurance");
  REQUIRE(joined.state == "result_ready");
  const std::optional<ForkRun> run = LatestForkRun(f.workflow, joined);
  REQUIRE(run.has_value());
  REQUIRE(run->join.has_value());
  CHECK(joined.history[*run->join].action == kJoinAction);
  CHECK(BranchPositionsIn(joined, *run) ==
        BranchPositions{{"health_insurance", {"insurance_card_issued", std::nullopt}},
                        {"residence", {"residence_registered", std::nullopt}}});
  const std::map<std::string, BranchResult> results = BranchResultsIn(joined, *run);
  REQUIRE(results.size() == 2u);
  CHECK(results.at("health_insurance").document == SubResultId("health_insurance"));
  CHECK(BranchPositionsOf(f.workflow, joined).empty());  // no fork running
  CHECK(NationalDossierRecord(f.workflow, joined)["DanhSachGiayToKetQua"] ==
        json::array({{{"MaGiayTo", kResultId}, {"SoChuKy", 1}},
                     {{"MaGiayTo", SubResultId("health_insurance")}, {"SoChuKy", 1}},
                     {{"MaGiayTo", SubResultId("residence")}, {"SoChuKy", 1}}}));
  const FullyOnlineVerdict verdict = JudgeFullyOnline(f.workflow, joined);
  CHECK_MESSAGE(verdict.fully_online,
                (verdict.reasons.empty() ? std::string() : verdict.reasons[0].message));
}

TEST_CASE("fork: the fully-online verdict covers every branch's result") {
  // A variant whose insurance card is issued without a signature step.
  json document = LoadJson(kFile);
  for (json& action : document["actions"]) {
    if (action["name"] == "issue_insurance_card") action["to"] = "insurance_card_issued";
  }
  Fixture f(document);
  Dossier dossier = f.Step(f.AtFork(), "issue_insurance_card", kInsuranceOfficer);
  const std::size_t unsigned_card = dossier.history.size() - 1;
  dossier = f.End(dossier, "residence");
  REQUIRE(dossier.state == "result_ready");
  const FullyOnlineVerdict verdict = JudgeFullyOnline(f.workflow, dossier);
  CHECK_FALSE(verdict.fully_online);
  REQUIRE(verdict.reasons.size() == 1u);
  CHECK(verdict.reasons[0].reason == NotOnlineReason::kResultNotSigned);
  CHECK(verdict.reasons[0].event_index == unsigned_card);
  CHECK(verdict.reasons[0].message.find("health_insurance") != std::string::npos);

  // A branch refused issues no result, and needs no signature.
  Fixture g(document);
  Dossier refused = g.Step(g.AtFork(), "refuse_insurance_card", kInsuranceOfficer);
  refused = g.End(refused, "residence");
  CHECK(JudgeFullyOnline(g.workflow, refused).fully_online);
}

TEST_CASE("fork: a refused branch follows the workflow's rule") {
  SUBCASE("continue_partial: the dossier continues with a partial result") {
    Fixture f;
    Dossier dossier = f.Step(f.AtFork(), "refuse_residence", kPoliceOfficer);
    dossier = f.End(dossier, "health_insurance");
    CHECK(dossier.state == "result_ready");
    CHECK(dossier.history.back().payload ==
          json{{"branches", {{"health_insurance", "approved"}, {"residence", "refused"}}},
               {"partial", true}});
  }
  SUBCASE("refuse_all: one refusal refuses the whole dossier") {
    json document = LoadJson(kFile);
    for (json& state : document["states"]) {
      if (state["id"] == "lienthong") {
        state["fork"]["on_refused"] = "refuse_all";
        state["fork"]["refused"] = "refused";
      }
    }
    Fixture f(document);
    Dossier dossier = f.Step(f.AtFork(), "refuse_insurance_card", kInsuranceOfficer);
    CHECK(dossier.state == "lienthong");  // the other branch still runs
    dossier = f.End(dossier, "residence");
    CHECK(dossier.state == "refused");
    CHECK(f.workflow.FindState(dossier.state)->terminal);
    CHECK(dossier.clock.finished_at.has_value());
    CHECK_FALSE(dossier.history.back().payload.contains("partial"));
  }
}

TEST_CASE("fork: a branch is claimed on its own, and its holder follows from the events") {
  Fixture f;
  Dossier dossier = f.AtFork();
  DossierEvent claim;
  claim.action = kClaimAction;
  claim.from_state = "residence_review";
  claim.to_state = "residence_review";
  claim.actor = kPoliceOfficer;
  claim.payload = {{kBranchField, "residence"}};
  dossier.history.push_back(claim);
  dossier.version += 1;
  CHECK(BranchPositionsOf(f.workflow, dossier).at("residence").assignee == "police-1");
  CHECK_FALSE(BranchPositionsOf(f.workflow, dossier).at("health_insurance").assignee);
  CHECK_FALSE(dossier.assignee);
  // Moving the branch on frees it.
  dossier = f.Step(dossier, "start_residence_verification", kPoliceOfficer);
  CHECK_FALSE(BranchPositionsOf(f.workflow, dossier).at("residence").assignee);

  Result<ReplayedDossier> replayed = ReplayHistory(f.workflow, dossier.history);
  REQUIRE_MESSAGE(replayed.ok(), replayed.error().message());
  CHECK(replayed->state == "lienthong");
  CHECK(replayed->version == dossier.version);
}

TEST_CASE("fork: the replay follows branches and joins, and catches edited trails") {
  Fixture f;
  Dossier dossier = f.Step(f.AtFork(), "start_residence_verification", kPoliceOfficer);
  dossier = f.End(dossier, "health_insurance");
  dossier = f.End(dossier, "residence");
  dossier = f.Step(dossier, "return_result", kClerk);
  Result<ReplayedDossier> replayed = ReplayHistory(f.workflow, dossier.history);
  REQUIRE_MESSAGE(replayed.ok(), replayed.error().message());
  CHECK(replayed->state == "returned");
  CHECK(replayed->version == dossier.version);

  const std::vector<DossierEvent> honest = dossier.history;
  auto index_of = [&](const std::string& action) {
    for (std::size_t i = 0; i < honest.size(); ++i) {
      if (honest[i].action == action) return i;
    }
    FAIL("no " << action);
    return std::size_t{0};
  };
  SUBCASE("a branch event removed") {
    std::vector<DossierEvent> edited = honest;
    edited.erase(edited.begin() + static_cast<long>(index_of("start_residence_verification")));
    CHECK_FALSE(ReplayHistory(f.workflow, edited).ok());
  }
  SUBCASE("the join removed") {
    std::vector<DossierEvent> edited = honest;
    edited.erase(edited.begin() + static_cast<long>(index_of(kJoinAction)));
    CHECK_FALSE(ReplayHistory(f.workflow, edited).ok());
  }
  SUBCASE("a join before every branch ended") {
    std::vector<DossierEvent> edited = honest;
    const std::size_t join = index_of(kJoinAction);
    std::swap(edited[join], edited[join - 1]);
    CHECK_FALSE(ReplayHistory(f.workflow, edited).ok());
  }
  SUBCASE("a branch event moved to another branch") {
    std::vector<DossierEvent> edited = honest;
    edited[index_of("issue_insurance_card")].payload[kBranchField] = "residence";
    CHECK_FALSE(ReplayHistory(f.workflow, edited).ok());
  }
  SUBCASE("a join to another state") {
    std::vector<DossierEvent> edited = honest;
    edited[index_of(kJoinAction)].to_state = "refused";
    CHECK_FALSE(ReplayHistory(f.workflow, edited).ok());
  }
}

TEST_CASE("fork: the slip shows every hand-off between agencies, branch by branch") {
  Fixture f;
  Dossier dossier = f.End(f.AtFork(), "health_insurance");
  dossier = f.Step(dossier, "start_residence_verification", kPoliceOfficer);
  dossier = f.End(dossier, "residence");
  const std::vector<HandOff> slip =
      ProcessControlSlip(f.calendar, f.workflow, dossier, f.clock.Now());
  auto find = [&](const std::string& state) -> const HandOff& {
    auto it =
        std::find_if(slip.begin(), slip.end(), [&](const HandOff& h) { return h.state == state; });
    REQUIRE(it != slip.end());
    return *it;
  };
  const HandOff& fork = find("lienthong");
  CHECK(fork.branch.empty());
  CHECK(fork.agency == kCommune);
  CHECK(fork.action == kJoinAction);  // left by the join, not by a branch's action
  const HandOff& residence = find("residence_review");
  CHECK(residence.branch == "residence");
  CHECK(residence.agency == kPolice);
  CHECK(residence.given_by == "leader");
  CHECK(residence.action == "start_residence_verification");
  CHECK(residence.handled_by == "police-1");
  const HandOff& insurance = find("insurance_review");
  CHECK(insurance.agency == kInsurance);
  CHECK(insurance.action == "issue_insurance_card");
  CHECK(insurance.left.has_value());
  CHECK(find("residence_verification").action == "register_residence");
  // The police's leader signs at the police: one more hand-off inside it.
  const HandOff& signing = find("residence_awaiting_signature");
  CHECK(signing.agency == kPolice);
  CHECK(signing.given_by == "police-1");
  CHECK(signing.handled_by == "police-lead-1");
  CHECK(find("result_ready").agency == kCommune);
}

// The death group, 1.011537: the funeral allowance branch runs only when the
// applicant asks for it.
struct DeathGroup : Fixture {
  DeathGroup() : Fixture(LoadJson(kDeathGroupFile)) {}

  Dossier AtFork(bool funeral_allowance) {
    return Fixture::AtFork({{"request_funeral_allowance", funeral_allowance}});
  }
};

TEST_CASE("fork: a branch the applicant did not choose never starts") {
  DeathGroup g;
  const Dossier without = g.AtFork(false);
  REQUIRE(without.state == "lienthong");
  CHECK(without.history.back().payload.at(kStartedBranchesField) ==
        json::array({"residence_removal"}));
  CHECK(BranchPositionsOf(g.workflow, without) ==
        BranchPositions{{"residence_removal", {"deregistration_review", std::nullopt}}});
  CHECK_FALSE(CanSeeDossier(kInsuranceOfficer, without, g.workflow));
  const Dossier joined = g.End(without, "residence_removal");
  CHECK(joined.state == "result_ready");
  CHECK(joined.history.back().payload == json{{"branches", {{"residence_removal", "approved"}}}});
  CHECK(ReplayHistory(g.workflow, joined.history).ok());

  const Dossier with = g.AtFork(true);
  CHECK(with.history.back().payload.at(kStartedBranchesField) ==
        json::array({"residence_removal", "funeral_allowance"}));
  CHECK(BranchPositionsOf(g.workflow, with).size() == 2u);
  CHECK(CanSeeDossier(kInsuranceOfficer, with, g.workflow));
}

TEST_CASE("fork: the dossier's own self-loop keeps its branches where they are") {
  DeathGroup g;
  Dossier dossier = g.End(g.AtFork(true), "residence_removal");
  Result<ActionInput> parsed = ParseActionInput(
      {{"comment", "Chờ bảo hiểm xã hội"}, {"appointment_date", "2026-12-10T16:00:00+07:00"}});
  REQUIRE(parsed.ok());
  dossier = g.Step(dossier, "extend_deadline_inter_agency", kOfficer, std::nullopt, *parsed);
  CHECK(dossier.state == "lienthong");
  const BranchPositions branches = BranchPositionsOf(g.workflow, dossier);
  CHECK(branches.at("residence_removal").state == "deregistered");
  CHECK(branches.at("funeral_allowance").state == "allowance_review");
  dossier = g.End(dossier, "funeral_allowance");
  CHECK(dossier.state == "result_ready");
  CHECK(CountJoins(dossier) == 1);
  Result<ReplayedDossier> replayed = ReplayHistory(g.workflow, dossier.history);
  REQUIRE_MESSAGE(replayed.ok(), replayed.error().message());
  CHECK(replayed->state == "result_ready");

  SUBCASE("an entry that does not record its branches does not replay") {
    std::vector<DossierEvent> edited = dossier.history;
    for (DossierEvent& event : edited) {
      if (event.action == "sign_result") event.payload.erase(kStartedBranchesField);
    }
    CHECK_FALSE(ReplayHistory(g.workflow, edited).ok());
  }
  SUBCASE("an entry that leaves out a branch that always runs does not replay") {
    std::vector<DossierEvent> edited = dossier.history;
    for (DossierEvent& event : edited) {
      if (event.action == "sign_result") {
        event.payload[kStartedBranchesField] = json::array({"funeral_allowance"});
      }
    }
    CHECK_FALSE(ReplayHistory(g.workflow, edited).ok());
  }
}

TEST_CASE("fork: each branch is judged on its own agency's time") {
  Fixture f;
  Dossier dossier = f.AtFork();
  const Instant forked = dossier.history.back().at;
  std::map<std::string, BranchTime> times =
      BranchTimes(f.calendar, f.workflow, dossier, f.clock.Now());
  REQUIRE(times.size() == 2u);
  // Both reviews are due a working day after the fork, and not late yet.
  REQUIRE(times.at("residence").due.has_value());
  CHECK(times.at("residence").due == times.at("health_insurance").due);
  CHECK(*times.at("residence").due > f.clock.Now());
  CHECK_FALSE(times.at("residence").late);

  // The police finish at once; social insurance is still at it five days on.
  dossier = f.End(dossier, "residence");
  f.clock.Advance(std::chrono::hours{24 * 5});
  times = BranchTimes(f.calendar, f.workflow, dossier, f.clock.Now());
  CHECK_FALSE(times.at("residence").late);
  CHECK_FALSE(times.at("residence").due.has_value());  // ended
  CHECK(times.at("health_insurance").late);
  REQUIRE(times.at("health_insurance").due.has_value());
  CHECK(*times.at("health_insurance").due < f.clock.Now());

  // After the join each branch keeps its verdict: the police on time, social
  // insurance late, whatever the dossier's own time.
  dossier = f.End(dossier, "health_insurance");
  REQUIRE(dossier.state == "result_ready");
  times = BranchTimes(f.calendar, f.workflow, dossier, f.clock.Now());
  REQUIRE(times.size() == 2u);
  CHECK_FALSE(times.at("residence").late);
  CHECK(times.at("health_insurance").late);
  CHECK_FALSE(times.at("health_insurance").due.has_value());

  // The report rows: each branch for the agency that handled it, on its own
  // time; the police's quick work is not dragged down by social insurance.
  const std::vector<BranchReportFacts> rows =
      ComputeBranchReportFacts(f.workflow, dossier, f.calendar);
  REQUIRE(rows.size() == 2u);
  const BranchReportFacts& card = rows[0];
  const BranchReportFacts& residence = rows[1];
  CHECK(card.branch == "health_insurance");
  CHECK(card.agency == kInsurance);
  CHECK(card.started_at == forked);
  CHECK(card.finished_at == dossier.history[dossier.history.size() - 2].at);  // before the join
  CHECK(card.outcome == ReportOutcome::kApproved);
  CHECK(card.late);
  CHECK(residence.branch == "residence");
  CHECK(residence.agency == kPolice);
  CHECK(residence.outcome == ReportOutcome::kApproved);
  CHECK_FALSE(residence.late);
  CHECK(residence.finished_at < card.finished_at);
  BranchReportCounts police;
  BranchReportCounts insurance;
  for (const BranchReportFacts& row : rows) {
    CountBranchFacts(row, f.clock.Now(), row.agency == kPolice ? police : insurance);
  }
  CHECK(police.finished_on_time == 1);
  CHECK(police.finished_late == 0);
  CHECK(insurance.finished_late == 1);
  // A dossier that never forked has no branch rows.
  CHECK(ComputeBranchReportFacts(f.workflow, f.Received(), f.calendar).empty());
}

TEST_CASE("fork: each agency's progress record starts when its branch did") {
  Fixture f;
  const Dossier at_fork = f.AtFork();
  const Instant forked = at_fork.history.back().at;
  Dossier dossier = f.Step(at_fork, "issue_insurance_card", kInsuranceOfficer);
  dossier = f.Step(dossier, "start_residence_verification", kPoliceOfficer);
  const Instant verifying = dossier.history.back().at;
  dossier = f.Step(dossier, "register_residence", kPoliceOfficer);
  dossier = f.Step(dossier, "sign_insurance_card", kInsuranceLeader,
                   SignatureOver(SubResultId("health_insurance"), kInsuranceLeader.user_id));
  dossier = f.Step(dossier, "sign_residence_result", kPoliceLeader,
                   SignatureOver(SubResultId("residence"), kPoliceLeader.user_id));
  REQUIRE(dossier.state == "result_ready");
  auto progress_of = [&](const std::string& action) {
    for (const DossierEvent& event : dossier.history) {
      if (event.action == action) return NationalProgressRecord(f.workflow, dossier, event);
    }
    FAIL("no " << action);
    return json();
  };
  // Both branches' first states were entered with the fork, whatever the
  // other branch did meanwhile.
  CHECK(progress_of("issue_insurance_card")["NgayBatDau"] == FormatNationalTime(forked));
  CHECK(progress_of("issue_insurance_card")["PhongBanXuLy"] == kInsurance);
  CHECK(progress_of("start_residence_verification")["NgayBatDau"] == FormatNationalTime(forked));
  CHECK(progress_of("register_residence")["NgayBatDau"] == FormatNationalTime(verifying));
  CHECK(progress_of("register_residence")["PhongBanXuLy"] == kPolice);
  // The join left the fork's state, entered when the dossier forked.
  CHECK(progress_of(kJoinAction)["NgayBatDau"] == FormatNationalTime(forked));
}

TEST_CASE("fork: lint keeps branches closed, started, ended and joined") {
  const JsonSchema schema = WorkflowSchema();
  CHECK(LintWorkflow(schema, LoadJson(kFile)).empty());
  struct Case {
    const char* name;
    std::function<void(json&)> edit;
    const char* pointer;
  };
  auto state_named = [](json& document, const std::string& id) -> json& {
    for (json& state : document["states"]) {
      if (state["id"] == id) return state;
    }
    FAIL("no state " << id);
    return document;
  };
  auto action_named = [](json& document, const std::string& name) -> json& {
    for (json& action : document["actions"]) {
      if (action["name"] == name) return action;
    }
    FAIL("no action " << name);
    return document;
  };
  const Case cases[] = {
      {"a branch starting outside itself",
       [&](json& d) {
         state_named(d, "lienthong")["fork"]["branches"][0]["initial"] = "insurance_review";
       },
       "/states/5/fork/branches/0/initial"},
      {"a join into a branch",
       [&](json& d) { state_named(d, "lienthong")["fork"]["join"] = "residence_review"; },
       "/states/5/fork/join"},
      {"an action leaving its branch",
       [&](json& d) { action_named(d, "register_residence")["to"] = "result_ready"; },
       "/actions/11/to"},
      {"an action entering a branch",
       [&](json& d) { action_named(d, "send_back")["to"] = "residence_review"; }, "/actions/7/to"},
      {"a state of no declared branch",
       [&](json& d) { state_named(d, "insurance_review")["branch"] = "tax"; }, "/states/11/branch"},
      {"a branch ending withdrawn",
       [&](json& d) { state_named(d, "residence_refused")["outcome"] = "withdrawn"; },
       "/states/10/outcome"},
      {"a timer inside a branch", [&](json& d) { d["timers"][0]["state"] = "residence_review"; },
       "/timers/0/state"},
      {"the engine's join name taken",
       [&](json& d) { action_named(d, "send_back")["name"] = "join"; }, "/actions/7/name"},
      {"a branch chosen by a field the form lacks",
       [&](json& d) { state_named(d, "lienthong")["fork"]["branches"][1]["when"] = "wants_card"; },
       "/states/5/fork/branches/1/when"},
      {"a branch chosen by a field that is not a yes or no",
       [&](json& d) {
         state_named(d, "lienthong")["fork"]["branches"][1]["when"] = "child_full_name";
       },
       "/states/5/fork/branches/1/when"},
      {"a fork whose every branch is optional",
       [&](json& d) {
         d["procedure"]["form"]["properties"]["wants_card"] = {
             {"title", {{"vi", "Cấp thẻ"}, {"en", "Card"}}}, {"type", "boolean"}};
         for (json& branch : state_named(d, "lienthong")["fork"]["branches"]) {
           branch["when"] = "wants_card";
         }
       },
       "/states/5/fork/branches"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    json document = LoadJson(kFile);
    c.edit(document);
    const std::vector<FieldError> errors = LintWorkflow(schema, document);
    const bool found = std::any_of(errors.begin(), errors.end(),
                                   [&](const FieldError& e) { return e.pointer == c.pointer; });
    std::string all;
    for (const FieldError& e : errors) all += e.pointer + ": " + e.message + "\n";
    CHECK_MESSAGE(found, all);
  }
}

}  // namespace
}  // namespace motcua
