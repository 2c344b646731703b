#include "engine/domain/state_machine.h"

#include <doctest/doctest.h>

#include <string>

#include "engine/domain/fully_online.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::sys_days;

constexpr const char* kAgency = "000.00.01.H26";
constexpr const char* kApplicantId = "001099012345";

const std::string kDeclarationId(64, '1');
const std::string kProofId(64, '2');
const std::string kResultId(64, 'a');

// Instant of a local (UTC+7) date and time.
Instant Local(int y, unsigned m, unsigned d, int hour, int minute = 0) {
  const sys_days day{std::chrono::year{y} / std::chrono::month{m} / std::chrono::day{d}};
  return Instant{day} + hours{hour} + minutes{minute} - hours{7};
}

json LoadWorkflowDocument() {
  return LoadJson("workflows/1.004222-permanent-residence.json");
}

Workflow ParseOrDie(const json& document) {
  Result<Workflow> parsed = ParseWorkflow(document);
  REQUIRE(parsed.ok());
  return *parsed;
}

// Monday-Friday, 07:30-11:30 and 13:00-17:00, UTC+7, no holidays: 480
// working minutes a day.
WorkingCalendar TestCalendar() {
  const json year = {
      {"country", "VN"},
      {"year", 2026},
      {"utc_offset", "+07:00"},
      {"weekend", {"saturday", "sunday"}},
      {"office_hours",
       {{{"start", "07:30"}, {"end", "11:30"}}, {{"start", "13:00"}, {"end", "17:00"}}}},
      {"holidays", json::array()},
      {"working_days", json::array()},
  };
  Result<WorkingCalendar> calendar = WorkingCalendar::FromJson({year});
  if (!calendar.ok()) {
    for (const FieldError& e : calendar.error().fields()) MESSAGE(e.pointer << ": " << e.message);
  }
  REQUIRE(calendar.ok());
  return *calendar;
}

Actor Applicant(const std::string& id = kApplicantId) {
  return Actor{id, {"applicant"}, ""};
}
Actor Staff(const std::string& user, const std::string& role, const std::string& agency = kAgency) {
  return Actor{user, {role}, agency};
}
Actor System() {
  return Actor{"engine", {"system"}, ""};
}

json ValidForm() {
  return {{"full_name", "Nguyen Van A"},
          {"citizen_id", kApplicantId},
          {"address", "1 Trang Tien, Hoan Kiem, Ha Noi"}};
}

json ValidSubmission() {
  return {{"form", ValidForm()},
          {"documents", {{"declaration", kDeclarationId}, {"legal_residence_proof", kProofId}}}};
}

SubmissionRequest Submission(const Actor& actor, json payload = ValidSubmission()) {
  SubmissionRequest request;
  request.code = "000.00.01.H26-261123-0001";
  request.applicant_id = kApplicantId;
  request.agency = kAgency;
  request.definition_version = 3;
  request.actor = actor;
  request.payload = std::move(payload);
  return request;
}

ActionRequest Request(const std::string& action, const Actor& actor,
                      json payload = json::object()) {
  ActionRequest request;
  request.action = action;
  request.actor = actor;
  Result<ActionInput> input = ParseActionInput(payload);
  REQUIRE(input.ok());
  request.input = std::move(input).value();
  return request;
}

SignatureEvidence SignatureOver(const std::string& document_id) {
  return {document_id,
          "CN=Tran Thi B, O=Commune police",
          "0A1B",
          std::string(64, 'f'),
          std::string(64, 'e'),
          std::nullopt,
          false};
}

std::vector<std::string> Pointers(const Error& error) {
  std::vector<std::string> out;
  for (const FieldError& e : error.fields()) out.push_back(e.pointer);
  return out;
}

std::vector<std::string> Names(const std::vector<const Action*>& actions) {
  std::vector<std::string> out;
  for (const Action* a : actions) out.push_back(a->name);
  return out;
}

// The permanent residence workflow with a calendar and a fake clock standing
// at Monday 2026-11-23 08:00 local time.
struct Fixture {
  explicit Fixture(const json& document = LoadWorkflowDocument())
      : workflow(ParseOrDie(document)), calendar(TestCalendar()), clock(Local(2026, 11, 23, 8)) {}

  StateMachine Machine() const {
    Result<StateMachine> machine = StateMachine::Create(workflow, calendar, clock);
    REQUIRE(machine.ok());
    return *machine;
  }

  Dossier Submitted() {
    Result<Dossier> d = Machine().Submit(Submission(Applicant()));
    REQUIRE(d.ok());
    return *d;
  }

  Dossier Step(const Dossier& d, const ActionRequest& request) {
    Result<Transition> t = Machine().Apply(d, request);
    if (!t.ok()) MESSAGE(ErrorReasonName(t.error().reason()) << ": " << t.error().message());
    REQUIRE(t.ok());
    return t->dossier;
  }

  // Submitted Mon 08:00, received Mon 09:00, paid Tue 08:00: in review.
  Dossier InReview() {
    Dossier d = Submitted();
    clock.Set(Local(2026, 11, 23, 9));
    d = Step(d, Request("receive", Staff("clerk1", "reception_clerk")));
    clock.Set(Local(2026, 11, 24, 8));
    return Step(d, Request("pay_fee", Applicant()));
  }

  Dossier AwaitingSignature(const std::string& proposer = "spec1") {
    Dossier d = InReview();
    Actor specialist = Staff(proposer, "specialist");
    specialist.roles.push_back("leader");
    return Step(d, Request("propose_result", specialist,
                           {{"comment", "meets the conditions"}, {"result_document", kResultId}}));
  }

  Workflow workflow;
  WorkingCalendar calendar;
  FakeClock clock;
};

void CheckError(const Result<Transition>& t, ErrorCode code, ErrorReason reason,
                const std::vector<std::string>& pointers = {}) {
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().code() == code);
  CHECK(t.error().reason() == reason);
  CHECK(Pointers(t.error()) == pointers);
}

TEST_CASE("state_machine: happy path from online submission to the returned result") {
  Fixture f;
  StateMachine machine = f.Machine();

  // Monday 08:00: the applicant submits online.
  Result<Dossier> submitted = machine.Submit(Submission(Applicant()));
  REQUIRE(submitted.ok());
  Dossier d = *submitted;
  CHECK(d.code == "000.00.01.H26-261123-0001");
  CHECK(d.procedure_code == "1.004222");
  CHECK(d.definition_version == 3);
  CHECK(d.applicant_id == kApplicantId);
  CHECK(d.agency == kAgency);
  CHECK(d.state == "submitted");
  CHECK(d.version == 1);
  CHECK(d.form == ValidForm());
  CHECK(d.documents.size() == 2);
  CHECK(d.documents.at("declaration") == kDeclarationId);
  CHECK_FALSE(d.clock.received_at.has_value());
  CHECK_FALSE(d.clock.due_at.has_value());
  REQUIRE(d.history.size() == 1);
  CHECK(d.history[0].action == "submit");
  CHECK(d.history[0].from_state == "");
  CHECK(d.history[0].to_state == "submitted");
  CHECK(d.history[0].actor.user_id == kApplicantId);
  CHECK(d.history[0].at == Local(2026, 11, 23, 8));
  CHECK(d.history[0].step == ApplicantStep::kSubmission);
  CHECK(d.history[0].channel == Channel::kOnline);
  CHECK(f.workflow.FindState(d.state)->status == NationalStatus::kSubmitted);

  // Monday 09:00: the clerk receives; the dossier waits for the fee with the
  // clock started and paused at once. Due: 7 x 480 working minutes later,
  // Wednesday 2026-12-02 09:00.
  d.assignee = "clerk1";
  f.clock.Set(Local(2026, 11, 23, 9));
  Result<Transition> received =
      machine.Apply(d, Request("receive", Staff("clerk1", "reception_clerk")));
  REQUIRE(received.ok());
  CHECK(received->event().action == "receive");
  CHECK(received->event().from_state == "submitted");
  CHECK(received->event().to_state == "awaiting_fee");
  CHECK(received->event().actor.user_id == "clerk1");
  CHECK(received->event().at == Local(2026, 11, 23, 9));
  CHECK(received->event().step == ApplicantStep::kNone);
  CHECK_FALSE(received->event().channel.has_value());
  d = received->dossier;
  CHECK(d.state == "awaiting_fee");
  CHECK(d.version == 2);
  CHECK_FALSE(d.assignee.has_value());
  CHECK(f.workflow.FindState(d.state)->status == NationalStatus::kFinancialObligation);
  CHECK(d.clock.received_at == Local(2026, 11, 23, 9));
  CHECK(d.clock.due_at == Local(2026, 12, 2, 9));
  REQUIRE(d.clock.paused.size() == 1);
  CHECK(d.clock.paused[0].from == Local(2026, 11, 23, 9));
  CHECK_FALSE(d.clock.paused[0].to.has_value());
  REQUIRE(d.history.size() == 2);
  CHECK(d.history[1].action == "receive");

  // Tuesday 08:00: the applicant pays online; the full 7 days count from now:
  // Thursday 2026-12-03 08:00.
  f.clock.Set(Local(2026, 11, 24, 8));
  Result<Transition> paid = machine.Apply(d, Request("pay_fee", Applicant()));
  REQUIRE(paid.ok());
  CHECK(paid->event().step == ApplicantStep::kPayment);
  CHECK(paid->event().channel == Channel::kOnline);
  d = paid->dossier;
  CHECK(d.state == "in_review");
  CHECK(d.version == 3);
  CHECK(f.workflow.FindState(d.state)->status == NationalStatus::kProcessing);
  REQUIRE(d.clock.paused.size() == 1);
  CHECK(d.clock.paused[0].to == Local(2026, 11, 24, 8));
  CHECK(d.clock.due_at == Local(2026, 12, 3, 8));

  // Wednesday: the specialist proposes the result.
  f.clock.Set(Local(2026, 11, 25, 10));
  Result<Transition> proposed = machine.Apply(
      d, Request("propose_result", Staff("spec1", "specialist"),
                 {{"comment", "meets the conditions"}, {"result_document", kResultId}}));
  REQUIRE(proposed.ok());
  CHECK(proposed->event().payload["comment"] == "meets the conditions");
  d = proposed->dossier;
  CHECK(d.state == "awaiting_signature");
  CHECK(d.version == 4);
  CHECK(d.result_document == kResultId);

  // Wednesday afternoon: the leader signs; processing ends.
  f.clock.Set(Local(2026, 11, 25, 14));
  ActionRequest sign = Request("sign_result", Staff("lead1", "leader"));
  sign.signature = SignatureOver(kResultId);
  Result<Transition> signed_result = machine.Apply(d, sign);
  REQUIRE(signed_result.ok());
  d = signed_result->dossier;
  CHECK(d.state == "result_ready");
  CHECK(d.version == 5);
  CHECK(f.workflow.FindState(d.state)->status == NationalStatus::kProcessed);
  REQUIRE(d.result_signatures.size() == 1);
  CHECK(d.result_signatures[0].document_id == kResultId);
  CHECK(d.clock.finished_at == Local(2026, 11, 25, 14));

  // Thursday: the clerk returns the result electronically.
  f.clock.Set(Local(2026, 11, 26, 9));
  Result<Transition> returned = machine.Apply(
      d, Request("return_result", Staff("clerk1", "reception_clerk"), {{"channel", "online"}}));
  REQUIRE(returned.ok());
  CHECK(returned->event().step == ApplicantStep::kResultReturn);
  CHECK(returned->event().channel == Channel::kOnline);
  d = returned->dossier;
  CHECK(d.state == "returned");
  CHECK(d.version == 6);
  CHECK(f.workflow.FindState(d.state)->status == NationalStatus::kResultReturned);
  CHECK(f.workflow.FindState(d.state)->terminal);
  CHECK(d.clock.finished_at == Local(2026, 11, 25, 14));  // already stopped at signing
  REQUIRE(d.history.size() == 6);
  CHECK(d.history[5].action == "return_result");
  CHECK(d.history[5].from_state == "result_ready");
  CHECK(d.history[5].at == Local(2026, 11, 26, 9));

  const FullyOnlineVerdict verdict = JudgeFullyOnline(f.workflow, d);
  CHECK(verdict.fully_online);
  CHECK(verdict.final);
  CHECK(machine.AvailableActions(d, Staff("clerk1", "reception_clerk")).empty());
}

TEST_CASE("state_machine: a clerk submitting at the desk records the desk channel") {
  Fixture f;
  Result<Dossier> d = f.Machine().Submit(Submission(Staff("clerk1", "reception_clerk")));
  REQUIRE(d.ok());
  CHECK(d->history[0].channel == Channel::kDesk);
  CHECK(d->history[0].actor.user_id == "clerk1");

  json by_post = ValidSubmission();
  by_post["channel"] = "post";
  Result<Dossier> posted =
      f.Machine().Submit(Submission(Staff("clerk1", "reception_clerk"), by_post));
  REQUIRE(posted.ok());
  CHECK(posted->history[0].channel == Channel::kPost);
}

TEST_CASE("state_machine: submission errors") {
  Fixture f;
  StateMachine machine = f.Machine();

  SUBCASE("an applicant submitting for someone else") {
    Result<Dossier> d = machine.Submit(Submission(Applicant("079088001122")));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code() == ErrorCode::kPermissionDenied);
    CHECK(d.error().reason() == ErrorReason::kNotOwner);
  }
  SUBCASE("staff that are not reception clerks") {
    Result<Dossier> d = machine.Submit(Submission(Staff("spec1", "specialist")));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code() == ErrorCode::kPermissionDenied);
    CHECK(d.error().reason() == ErrorReason::kRoleNotAllowed);
  }
  SUBCASE("a clerk of another agency") {
    Result<Dossier> d =
        machine.Submit(Submission(Staff("clerk9", "reception_clerk", "000.00.09.H99")));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().reason() == ErrorReason::kWrongAgency);
  }
  SUBCASE("a missing required document") {
    json payload = ValidSubmission();
    payload["documents"].erase("legal_residence_proof");
    Result<Dossier> d = machine.Submit(Submission(Applicant(), payload));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code() == ErrorCode::kFailedPrecondition);
    CHECK(d.error().reason() == ErrorReason::kMissingRequirement);
    CHECK(Pointers(d.error()) == std::vector<std::string>{"/documents/legal_residence_proof"});
  }
  SUBCASE("an unknown document key and a malformed document id") {
    json payload = ValidSubmission();
    payload["documents"]["passport"] = kProofId;
    payload["documents"]["declaration"] = std::string(64, 'A');  // upper case
    Result<Dossier> d = machine.Submit(Submission(Applicant(), payload));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code() == ErrorCode::kInvalidArgument);
    CHECK(d.error().reason() == ErrorReason::kInvalidPayload);
    CHECK(Pointers(d.error()) ==
          std::vector<std::string>{"/documents/declaration", "/documents/passport"});
  }
  SUBCASE("a form that fails the form schema") {
    json payload = ValidSubmission();
    payload["form"]["citizen_id"] = "12345";
    Result<Dossier> d = machine.Submit(Submission(Applicant(), payload));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().code() == ErrorCode::kInvalidArgument);
    CHECK(d.error().reason() == ErrorReason::kInvalidPayload);
    CHECK(Pointers(d.error()) == std::vector<std::string>{"/form/citizen_id"});
  }
  SUBCASE("a channel that does not parse") {
    json payload = ValidSubmission();
    payload["channel"] = "fax";
    Result<Dossier> d = machine.Submit(Submission(Applicant(), payload));
    REQUIRE_FALSE(d.ok());
    CHECK(d.error().reason() == ErrorReason::kInvalidPayload);
    CHECK(Pointers(d.error()) == std::vector<std::string>{"/channel"});
  }
}

TEST_CASE("state_machine: create reports a form schema that does not compile") {
  json document = LoadWorkflowDocument();
  document["procedure"]["form"]["properties"]["address"]["minLength"] = "one";
  Fixture f(document);
  Result<StateMachine> machine = StateMachine::Create(f.workflow, f.calendar, f.clock);
  REQUIRE_FALSE(machine.ok());
  CHECK(machine.error().code() == ErrorCode::kInvalidArgument);
  REQUIRE_FALSE(machine.error().fields().empty());
  for (const FieldError& e : machine.error().fields()) {
    CHECK(e.pointer.rfind("/procedure/form/", 0) == 0);
  }
}

TEST_CASE("state_machine: action errors in the documented order") {
  Fixture f;
  StateMachine machine = f.Machine();
  const Dossier submitted = f.Submitted();
  const Actor clerk = Staff("clerk1", "reception_clerk");

  SUBCASE("unknown action") {
    CheckError(machine.Apply(submitted, Request("approve_everything", clerk)), ErrorCode::kNotFound,
               ErrorReason::kUnknownAction);
  }
  SUBCASE("terminal state") {
    Dossier withdrawn =
        f.Step(submitted, Request("withdraw", Applicant(), {{"comment", "moving"}}));
    CHECK(withdrawn.state == "withdrawn");
    CheckError(machine.Apply(withdrawn, Request("receive", clerk)), ErrorCode::kFailedPrecondition,
               ErrorReason::kTerminalState);
    CHECK(machine.AvailableActions(withdrawn, Applicant()).empty());
  }
  SUBCASE("not allowed from the current state") {
    CheckError(machine.Apply(submitted, Request("sign_result", Staff("lead1", "leader"))),
               ErrorCode::kFailedPrecondition, ErrorReason::kNotAllowedFromState);
  }
  SUBCASE("role not allowed") {
    CheckError(machine.Apply(submitted, Request("receive", Applicant())),
               ErrorCode::kPermissionDenied, ErrorReason::kRoleNotAllowed);
    CheckError(machine.Apply(submitted, Request("receive", Staff("lead1", "leader"))),
               ErrorCode::kPermissionDenied, ErrorReason::kRoleNotAllowed);
  }
  SUBCASE("system only acts where the action names it") {
    CheckError(machine.Apply(submitted, Request("receive", System())), ErrorCode::kPermissionDenied,
               ErrorReason::kRoleNotAllowed);
  }
  SUBCASE("an applicant acting on someone else's dossier") {
    CheckError(machine.Apply(submitted,
                             Request("withdraw", Applicant("079088001122"), {{"comment", "x"}})),
               ErrorCode::kPermissionDenied, ErrorReason::kNotOwner);
  }
  SUBCASE("staff of another agency") {
    CheckError(machine.Apply(submitted, Request("receive", Staff("clerk9", "reception_clerk",
                                                                 "000.00.09.H99"))),
               ErrorCode::kPermissionDenied, ErrorReason::kWrongAgency);
  }
  SUBCASE("a missing comment") {
    CheckError(machine.Apply(submitted, Request("request_supplement_at_reception", clerk)),
               ErrorCode::kFailedPrecondition, ErrorReason::kMissingRequirement, {"/comment"});
    CheckError(machine.Apply(submitted,
                             Request("request_supplement_at_reception", clerk, {{"comment", ""}})),
               ErrorCode::kFailedPrecondition, ErrorReason::kMissingRequirement, {"/comment"});
  }
  SUBCASE("a comment that is not a string") {
    CheckError(machine.Apply(submitted,
                             Request("request_supplement_at_reception", clerk, {{"comment", 5}})),
               ErrorCode::kInvalidArgument, ErrorReason::kInvalidPayload, {"/comment"});
  }
}

TEST_CASE("state_machine: an agency_seal action needs the seal, not a person's signature") {
  json document = LoadWorkflowDocument();
  document["states"].push_back(
      {{"id", "sealing"}, {"name", "Sealing"}, {"status", 9}, {"clock", "stopped"}});
  for (json& action : document["actions"]) {
    if (action["name"] == "sign_result") action["to"] = "sealing";
  }
  document["actions"].push_back({{"name", "seal_result"},
                                 {"from", {"sealing"}},
                                 {"to", "result_ready"},
                                 {"roles", {"system"}},
                                 {"requires", {{"agency_seal", true}}},
                                 {"automatic", true}});
  Fixture f(document);
  const Action* seal_action = f.workflow.FindAction("seal_result");
  REQUIRE(seal_action != nullptr);
  CHECK(seal_action->automatic);
  CHECK(seal_action->requirements.agency_seal);
  std::optional<StateMachine> machine = f.Machine();

  ActionRequest sign = Request("sign_result", Staff("lead1", "leader"));
  sign.signature = SignatureOver(kResultId);
  Result<Transition> signed_result = machine->Apply(f.AwaitingSignature(), sign);
  REQUIRE(signed_result.ok());
  const Dossier& sealing = signed_result->dossier;
  CHECK(sealing.state == "sealing");

  CheckError(machine->Apply(sealing, Request("seal_result", System())),
             ErrorCode::kFailedPrecondition, ErrorReason::kMissingRequirement, {"/seal"});
  ActionRequest personal = Request("seal_result", System());
  personal.signature = SignatureOver(kResultId);
  CheckError(machine->Apply(sealing, personal), ErrorCode::kFailedPrecondition,
             ErrorReason::kMissingRequirement, {"/seal"});
  ActionRequest seal = Request("seal_result", System());
  seal.signature = SignatureOver(kResultId);
  seal.signature->seal = true;
  Result<Transition> sealed = machine->Apply(sealing, seal);
  REQUIRE(sealed.ok());
  CHECK(sealed->dossier.state == "result_ready");
  REQUIRE(sealed->dossier.result_signatures.size() == 2);
  CHECK_FALSE(sealed->dossier.result_signatures[0].seal);
  CHECK(sealed->dossier.result_signatures[1].seal);
  CHECK(sealed->event().payload.at("signature").at("seal") == true);
}

TEST_CASE("state_machine: requirements of review and signature") {
  Fixture f;
  StateMachine machine = f.Machine();
  const Actor specialist = Staff("spec1", "specialist");

  SUBCASE("propose without comment and result: both reported") {
    CheckError(machine.Apply(f.InReview(), Request("propose_result", specialist)),
               ErrorCode::kFailedPrecondition, ErrorReason::kMissingRequirement,
               {"/comment", "/result_document"});
  }
  SUBCASE("a malformed result document id") {
    CheckError(machine.Apply(f.InReview(), Request("propose_result", specialist,
                                                   {{"comment", "ok"}, {"result_document", "x"}})),
               ErrorCode::kInvalidArgument, ErrorReason::kInvalidPayload, {"/result_document"});
  }
  SUBCASE("sign without a signature") {
    CheckError(
        machine.Apply(f.AwaitingSignature(), Request("sign_result", Staff("lead1", "leader"))),
        ErrorCode::kFailedPrecondition, ErrorReason::kMissingRequirement, {"/signature"});
  }
  SUBCASE("a signature over another document") {
    ActionRequest sign = Request("sign_result", Staff("lead1", "leader"));
    sign.signature = SignatureOver(std::string(64, 'b'));
    CheckError(machine.Apply(f.AwaitingSignature(), sign), ErrorCode::kFailedPrecondition,
               ErrorReason::kSignatureMismatch, {"/signature"});
  }
  SUBCASE("an agency seal is not a leader's signature") {
    ActionRequest sign = Request("sign_result", Staff("lead1", "leader"));
    sign.signature = SignatureOver(kResultId);
    sign.signature->seal = true;
    CheckError(machine.Apply(f.AwaitingSignature(), sign), ErrorCode::kFailedPrecondition,
               ErrorReason::kMissingRequirement, {"/signature"});
  }
  SUBCASE("the signature is recorded on the dossier and its evidence in the event") {
    ActionRequest sign = Request("sign_result", Staff("lead1", "leader"));
    sign.signature = SignatureOver(kResultId);
    sign.signature->signing_time = Local(2026, 12, 1, 9);
    Result<Transition> t = machine.Apply(f.AwaitingSignature(), sign);
    REQUIRE(t.ok());
    REQUIRE(t->dossier.result_signatures.size() == 1);
    CHECK(t->dossier.result_signatures[0].signature_id == std::string(64, 'e'));
    const json& recorded = t->event().payload.at("signature");
    CHECK(recorded.at("signature_id") == std::string(64, 'e'));
    CHECK(recorded.at("document_id") == kResultId);
    CHECK(recorded.at("seal") == false);
    std::optional<SignatureEvidence> back = SignatureEvidenceFromJson(recorded);
    REQUIRE(back.has_value());
    CHECK(back->signing_time == Local(2026, 12, 1, 9));
    CHECK(back->certificate_fingerprint == std::string(64, 'f'));
  }
  SUBCASE("four-eyes: the proposer may not sign") {
    const Dossier d = f.AwaitingSignature("boss");  // "boss" is specialist and leader
    Actor boss = Staff("boss", "leader");
    ActionRequest sign = Request("sign_result", boss);
    sign.signature = SignatureOver(kResultId);
    CheckError(machine.Apply(d, sign), ErrorCode::kFailedPrecondition, ErrorReason::kFourEyes);
    CheckError(machine.Apply(d, Request("refuse", boss, {{"comment", "no"}})),
               ErrorCode::kFailedPrecondition, ErrorReason::kFourEyes);
    sign.actor = Staff("lead1", "leader");
    CHECK(machine.Apply(d, sign).ok());
  }
  SUBCASE("extension without comment and date") {
    CheckError(machine.Apply(f.InReview(), Request("extend_deadline", specialist)),
               ErrorCode::kFailedPrecondition, ErrorReason::kMissingRequirement,
               {"/comment", "/appointment_date"});
  }
  SUBCASE("an appointment date that does not parse") {
    for (const char* bad : {"2026-12-10", "2026-12-10T17:00:00", "2026-12-32T17:00:00+07:00",
                            "2026-12-10 17:00:00+07:00", "2026-12-10T25:00:00Z"}) {
      CAPTURE(bad);
      CheckError(
          machine.Apply(f.InReview(), Request("extend_deadline", specialist,
                                              {{"comment", "late"}, {"appointment_date", bad}})),
          ErrorCode::kInvalidArgument, ErrorReason::kInvalidPayload, {"/appointment_date"});
    }
  }
  // Regression (issue 14.16): a Sunday was accepted as the new appointment date.
  SUBCASE("an appointment date on a non-working day names the field") {
    for (const char* off : {"2026-12-13T17:00:00+07:00", "2026-12-12T10:00:00+07:00",
                            "2026-09-02T17:00:00+07:00", "2031-03-04T17:00:00+07:00"}) {
      CAPTURE(off);
      CheckError(
          machine.Apply(f.InReview(), Request("extend_deadline", specialist,
                                              {{"comment", "late"}, {"appointment_date", off}})),
          ErrorCode::kInvalidArgument, ErrorReason::kInvalidPayload, {"/appointment_date"});
    }
  }
  SUBCASE("an extension replaces the due date") {
    const Dossier d = f.InReview();
    f.clock.Set(Local(2026, 12, 1, 10));
    Result<Transition> t =
        machine.Apply(d, Request("extend_deadline", specialist,
                                 {{"comment", "verification with another commune"},
                                  {"appointment_date", "2026-12-10T17:00:00+07:00"}}));
    REQUIRE(t.ok());
    CHECK(t->dossier.state == "in_review");
    CHECK(t->dossier.clock.due_at == Local(2026, 12, 10, 17));
    REQUIRE(t->dossier.clock.extensions.size() == 1);
    CHECK(t->dossier.clock.extensions[0].new_due == Local(2026, 12, 10, 17));
    CHECK(t->dossier.clock.extensions[0].reason == "verification with another commune");
    CHECK(t->dossier.clock.extensions[0].at == Local(2026, 12, 1, 10));
  }
  SUBCASE("a UTC appointment date is the same instant") {
    Result<Transition> t = machine.Apply(
        f.InReview(), Request("extend_deadline", specialist,
                              {{"comment", "late"}, {"appointment_date", "2026-12-10T10:00:00Z"}}));
    REQUIRE(t.ok());
    CHECK(t->dossier.clock.due_at == Local(2026, 12, 10, 17));
  }
}

TEST_CASE("state_machine: document and form requirements, form merge") {
  json document = LoadWorkflowDocument();
  for (json& action : document["actions"]) {
    if (action["name"] == "resubmit") {
      action["requires"] = {{"documents", {"owner_consent", "declaration"}},
                            {"form_fields", {"relationship", "address"}}};
    }
  }
  Fixture f(document);
  StateMachine machine = f.Machine();
  const Dossier asked = f.Step(
      f.Submitted(), Request("request_supplement_at_reception", Staff("clerk1", "reception_clerk"),
                             {{"comment", "consent missing"}}));

  // "declaration" and "address" are already on the dossier.
  CheckError(machine.Apply(asked, Request("resubmit", Applicant())), ErrorCode::kFailedPrecondition,
             ErrorReason::kMissingRequirement, {"/documents/owner_consent", "/form/relationship"});

  CheckError(
      machine.Apply(asked, Request("resubmit", Applicant(), {{"form", {{"citizen_id", "12"}}}})),
      ErrorCode::kInvalidArgument, ErrorReason::kInvalidPayload, {"/form/citizen_id"});
  CheckError(machine.Apply(asked, Request("resubmit", Applicant(),
                                          {{"documents", {{"passport", kProofId}}}})),
             ErrorCode::kInvalidArgument, ErrorReason::kInvalidPayload, {"/documents/passport"});
  CheckError(machine.Apply(asked, Request("resubmit", Applicant(), {{"channel", "fax"}})),
             ErrorCode::kInvalidArgument, ErrorReason::kInvalidPayload, {"/channel"});

  const std::string consent_id(64, 'c');
  Result<Transition> t = machine.Apply(
      asked, Request("resubmit", Applicant(),
                     {{"documents", {{"owner_consent", consent_id}}},
                      {"form", {{"relationship", "son"}, {"address", "2 Hang Bai"}}}}));
  REQUIRE(t.ok());
  CHECK(t->dossier.state == "submitted");
  CHECK(t->dossier.documents.size() == 3);
  CHECK(t->dossier.documents.at("owner_consent") == consent_id);
  CHECK(t->dossier.form["relationship"] == "son");
  CHECK(t->dossier.form["address"] == "2 Hang Bai");
  CHECK(t->dossier.form["full_name"] == "Nguyen Van A");
  CHECK(t->event().step == ApplicantStep::kSupplement);
  CHECK(t->event().channel == Channel::kOnline);
}

TEST_CASE("state_machine: available actions for applicant, clerk and leader") {
  Fixture f;
  StateMachine machine = f.Machine();
  const Dossier submitted = f.Submitted();
  CHECK(Names(machine.AvailableActions(submitted, Applicant())) ==
        std::vector<std::string>{"withdraw"});
  CHECK(machine.AvailableActions(submitted, Applicant("079088001122")).empty());
  CHECK(Names(machine.AvailableActions(submitted, Staff("clerk1", "reception_clerk"))) ==
        std::vector<std::string>{"receive", "request_supplement_at_reception", "refuse_reception"});
  CHECK(machine.AvailableActions(submitted, Staff("clerk9", "reception_clerk", "000.00.09.H99"))
            .empty());
  CHECK(machine.AvailableActions(submitted, Staff("lead1", "leader")).empty());

  const Dossier awaiting = f.AwaitingSignature("boss");
  CHECK(Names(machine.AvailableActions(awaiting, Staff("lead1", "leader"))) ==
        std::vector<std::string>{"send_back", "sign_result", "refuse"});
  // Four-eyes hides signing and refusing from the proposer.
  Actor boss = Staff("boss", "specialist");
  boss.roles.push_back("leader");
  CHECK(Names(machine.AvailableActions(awaiting, boss)) ==
        std::vector<std::string>{"extend_deadline", "send_back"});
  CHECK(machine.AvailableActions(awaiting, Applicant()).empty());
}

TEST_CASE("state_machine: timers fire N working days after entering the state") {
  Fixture f;
  StateMachine machine = f.Machine();
  Dossier d = f.Submitted();
  CHECK(machine.PendingTimers(d).empty());

  f.clock.Set(Local(2026, 11, 23, 9));
  d = f.Step(d, Request("receive", Staff("clerk1", "reception_clerk")));
  // awaiting_fee: stop after 15 working days, Monday 09:00 + 3 weeks.
  std::vector<StateMachine::DueTimer> timers = machine.PendingTimers(d);
  REQUIRE(timers.size() == 1);
  CHECK(timers[0].timer->action == "stop_processing");
  CHECK(timers[0].timer->after_working_days == 15);
  CHECK(timers[0].fires_at == Local(2026, 12, 14, 9));

  // The engine's timer stops processing as the system role.
  f.clock.Set(Local(2026, 12, 14, 9));
  Result<Transition> stopped =
      machine.Apply(d, Request("stop_processing", System(), {{"comment", "fee not paid"}}));
  REQUIRE(stopped.ok());
  CHECK(stopped->dossier.state == "stopped");
  CHECK_FALSE(stopped->event().channel.has_value());
  CHECK(stopped->dossier.clock.finished_at == Local(2026, 12, 14, 9));
  CHECK(machine.PendingTimers(stopped->dossier).empty());
}

TEST_CASE("state_machine: a supplement request pauses and its timer counts from the request") {
  Fixture f;
  StateMachine machine = f.Machine();
  const Dossier review = f.InReview();  // due Thursday 2026-12-03 08:00
  f.clock.Set(Local(2026, 11, 26, 8));  // Thursday: 5 working days left
  const Dossier asked = f.Step(review, Request("request_supplement", Staff("spec1", "specialist"),
                                               {{"comment", "proof unreadable"}}));
  CHECK(asked.state == "supplement_requested");
  REQUIRE(asked.clock.paused.size() == 2);
  CHECK(asked.clock.paused[1].from == Local(2026, 11, 26, 8));

  std::vector<StateMachine::DueTimer> timers = machine.PendingTimers(asked);
  REQUIRE(timers.size() == 1);
  // 30 working days from Thursday 2026-11-26 08:00: six weeks later.
  CHECK(timers[0].fires_at == Local(2027, 1, 7, 8));

  // Monday 08:00 the supplement arrives: 5 working days from then, Monday 2026-12-07.
  f.clock.Set(Local(2026, 11, 30, 8));
  const Dossier resumed = f.Step(asked, Request("submit_supplement", Applicant()));
  CHECK(resumed.state == "in_review");
  CHECK(resumed.clock.paused[1].to == Local(2026, 11, 30, 8));
  CHECK(resumed.clock.due_at == Local(2026, 12, 7, 8));
}

}  // namespace
}  // namespace motcua
