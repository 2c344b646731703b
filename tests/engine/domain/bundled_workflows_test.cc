// Every workflow bundled in workflows/ is walked through the real state
// machine, with the real working calendar: a happy path to a returned result,
// and the unhappy endings (refused at reception, stopped by the supplement
// timer, withdrawn). A new workflow file without a sample form in
// tests/fixtures/sample_forms/ fails here on purpose: each bundled procedure
// must be exercised, not just parsed.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "engine/domain/agency_roles.h"
#include "engine/domain/fork.h"
#include "engine/domain/fully_online.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/state_machine.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kAgency = "000.00.01.H26";
constexpr const char* kApplicantId = "001090012345";

std::filesystem::path SourcePath(const std::string& relative) {
  return std::filesystem::path(MOTCUA_SOURCE_DIR) / relative;
}

std::string Describe(const Error& error) {
  std::string text = error.message() + " (" + std::string(ErrorReasonName(error.reason())) + ")";
  for (const FieldError& field : error.fields()) {
    text += "; " + field.pointer + ": " + field.message;
  }
  return text;
}

// The error of a failed result for a failure message; empty when it succeeded.
template <typename T>
std::string DescribeFailure(const Result<T>& result) {
  return result.ok() ? std::string() : Describe(result.error());
}

json LoadJson(const std::filesystem::path& path) {
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path.string());
  return json::parse(in);
}

// A valid applicant form for the procedure `code`, from
// tests/fixtures/sample_forms/CODE.json; nullopt when there is none.
std::optional<json> SampleForm(const std::string& code) {
  const std::filesystem::path path = SourcePath("tests/fixtures/sample_forms/" + code + ".json");
  if (!std::filesystem::exists(path)) return std::nullopt;
  return LoadJson(path);
}

// Every workflow definition in workflows/, in name order; the calendars
// folder holds calendars, not workflows.
std::vector<std::filesystem::path> BundledWorkflowFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(SourcePath("workflows"))) {
    if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
    files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

const WorkingCalendar& RealCalendar() {
  static const WorkingCalendar calendar = [] {
    Result<WorkingCalendar> parsed =
        WorkingCalendar::FromJson({LoadJson(SourcePath("workflows/calendars/VN-2025.json")),
                                   LoadJson(SourcePath("workflows/calendars/VN-2026.json"))});
    REQUIRE_MESSAGE(parsed.ok(), DescribeFailure(parsed));
    return std::move(parsed).value();
  }();
  return calendar;
}

// Monday 2 March 2026, 08:00 in Hanoi: an ordinary working morning.
Instant MondayMorning() {
  return std::chrono::sys_days{2026y / 3 / 2} + 1h;
}

// A 64-hex-digit stand-in for a SHA-256 document id.
std::string FakeDocumentId(char digit) {
  return std::string(64, digit);
}

bool IsBuiltInRole(const std::string& role) {
  return role == kApplicantRole || role == kSystemRole;
}

// One bundled workflow with a state machine over a fake clock.
struct Harness {
  std::string file;
  Workflow workflow;
  std::unique_ptr<FakeClock> clock;
  std::unique_ptr<StateMachine> machine;

  static std::unique_ptr<Harness> Load(const std::filesystem::path& path) {
    auto harness = std::make_unique<Harness>();
    harness->file = path.filename().string();
    Result<Workflow> parsed = ParseWorkflow(LoadJson(path));
    REQUIRE_MESSAGE(parsed.ok(), harness->file << ": " << DescribeFailure(parsed));
    harness->workflow = std::move(parsed).value();
    harness->clock = std::make_unique<FakeClock>(MondayMorning());
    Result<StateMachine> created =
        StateMachine::Create(harness->workflow, RealCalendar(), *harness->clock);
    REQUIRE_MESSAGE(created.ok(), harness->file << ": " << DescribeFailure(created));
    harness->machine = std::make_unique<StateMachine>(std::move(created).value());
    return harness;
  }

  const Procedure& procedure() const { return workflow.procedure; }

  const Action& FindAction(const std::string& name) const {
    const Action* action = workflow.FindAction(name);
    REQUIRE_MESSAGE(action != nullptr, file << " has no action " << name);
    return *action;
  }

  bool HasFeeState() const {
    return std::any_of(workflow.states.begin(), workflow.states.end(), [](const State& s) {
      return s.status == NationalStatus::kFinancialObligation;
    });
  }

  // A staff member holding the first staff role the action allows.
  Actor StaffFor(const std::string& action_name) const {
    const Action& action = FindAction(action_name);
    for (const std::string& role : action.roles) {
      if (!IsBuiltInRole(role)) return Actor{"user-" + role, {role}, kAgency};
    }
    FAIL(file << ": no staff role may " << action_name);
    return {};
  }

  static Actor Applicant() { return Actor{kApplicantId, {kApplicantRole}, ""}; }
  static Actor System() { return Actor{kSystemRole, {kSystemRole}, ""}; }

  json SubmissionPayload(const std::string& channel) const {
    const std::optional<json> form = SampleForm(procedure().code);
    REQUIRE_MESSAGE(form.has_value(),
                    file << ": add tests/fixtures/sample_forms/" << procedure().code << ".json");
    json documents = json::object();
    char digit = '1';
    for (const RequiredDocument& document : procedure().documents) {
      if (document.required) documents[document.key] = FakeDocumentId(digit++);
    }
    return {{"form", *form}, {"documents", documents}, {"channel", channel}};
  }

  Dossier Submit(const std::string& channel = "online") const {
    SubmissionRequest request;
    request.code = std::string(kAgency) + "-260302-0001";
    request.applicant_id = kApplicantId;
    request.agency = kAgency;
    request.definition_version = 1;
    request.actor = channel == "online" ? Applicant() : StaffFor("receive");
    request.payload = SubmissionPayload(channel);
    // Each agency role of the procedure filled by an agency of its own.
    int other_agency = 20;
    for (const AgencyRole& role : procedure().agency_roles) {
      request.agency_roles[role.id] = "000.00." + std::to_string(other_agency++) + ".H26";
    }
    Result<Dossier> dossier = machine->Submit(request);
    REQUIRE_MESSAGE(dossier.ok(), file << ": submit: " << DescribeFailure(dossier));
    CHECK(workflow.FindState(dossier->state)->status == NationalStatus::kSubmitted);
    return std::move(dossier).value();
  }

  // Applies `action` half an hour after the previous step.
  Dossier Apply(const Dossier& dossier, const std::string& action, const Actor& actor,
                json payload = json::object(),
                std::optional<SignatureEvidence> signature = std::nullopt) const {
    clock->Advance(30min);
    Result<ActionInput> input = ParseActionInput(payload);
    REQUIRE(input.ok());
    ActionRequest request{action, actor, std::move(input).value(), std::move(signature)};
    Result<Transition> transition = machine->Apply(dossier, request);
    REQUIRE_MESSAGE(transition.ok(), file << ": " << action << " from " << dossier.state << ": "
                                          << DescribeFailure(transition));
    CHECK(transition->dossier.version == dossier.version + (transition->joined ? 2 : 1));
    CHECK(transition->event().action == action);
    return std::move(transition).value().dossier;
  }

  // In a fork, runs every branch to an end: `refused_branches` to a refused
  // end, the others to an approved one; each action by a staff member of
  // the agency that handles the branch's state. Returns the dossier after
  // the join.
  Dossier RunBranches(Dossier dossier, const std::set<std::string>& refused_branches = {}) const {
    const State* fork_state = &StateOf(dossier);
    REQUIRE(fork_state->fork.has_value());
    for (const ForkBranch& branch : fork_state->fork->branches) {
      const Outcome wanted =
          refused_branches.count(branch.id) > 0 ? Outcome::kRefused : Outcome::kApproved;
      for (int step = 0; step < 8; ++step) {
        const BranchPositions positions = BranchPositionsOf(workflow, dossier);
        if (positions.count(branch.id) == 0) break;  // joined
        const State& at = *workflow.FindState(positions.at(branch.id).state);
        if (at.terminal) break;
        // An action straight to the wanted end, else the first one onward.
        const Action* chosen = nullptr;
        for (const Action& action : workflow.actions) {
          if (!action.AllowedFrom(at.id)) continue;
          const State& to = *workflow.FindState(action.to);
          if (to.terminal && to.outcome == wanted) {
            chosen = &action;
            break;
          }
          if (!to.terminal && chosen == nullptr) chosen = &action;
        }
        REQUIRE_MESSAGE(chosen != nullptr, file << ": no way on from " << at.id);
        Actor staff = StaffFor(chosen->name);
        staff.agency = HandlingAgency(workflow, dossier, at.id);
        CHECK(staff.agency != kAgency);
        // A branch's sub-result, attached by its officer and signed by its
        // agency's leader.
        json input = {{"comment", "Checked against the registers"}};
        if (chosen->requirements.result_document) {
          input["result_document"] =
              FakeDocumentId(branch.id == fork_state->fork->branches[0].id ? '5' : '6');
        }
        std::optional<SignatureEvidence> signature;
        if (chosen->requirements.result_signature) {
          const std::optional<std::string> sub_result =
              BranchResultDocument(workflow, dossier, branch.id);
          REQUIRE_MESSAGE(sub_result.has_value(), file << ": " << chosen->name << " signs nothing");
          signature =
              SignatureEvidence{*sub_result,         "CN=Branch leader", "0B", FakeDocumentId('c'),
                                FakeDocumentId('e'), std::nullopt,       false};
        }
        dossier = Apply(dossier, chosen->name, staff, input, signature);
      }
    }
    CHECK_FALSE(StateOf(dossier).fork.has_value());
    CHECK(BranchPositionsOf(workflow, dossier).empty());
    CHECK(dossier.history.back().action == kJoinAction);
    return dossier;
  }

  Dossier Receive(const Dossier& dossier) const {
    return Apply(dossier, "receive", StaffFor("receive"));
  }

  // Pays the fee if the dossier waits for one.
  Dossier PayIfAsked(const Dossier& dossier, const std::string& channel = "online") const {
    const State* state = workflow.FindState(dossier.state);
    if (state->status != NationalStatus::kFinancialObligation) return dossier;
    const Actor payer = channel == "online" ? Applicant() : StaffFor("pay_fee");
    return Apply(dossier, "pay_fee", payer, {{"channel", channel}});
  }

  // Proposal, signature and return of the result, from review.
  Dossier Finish(const Dossier& in_review, const std::string& return_channel = "online") const {
    const std::string result_id = FakeDocumentId('f');
    Dossier dossier = Apply(in_review, "propose_result", StaffFor("propose_result"),
                            {{"comment", "All papers in order"}, {"result_document", result_id}});
    const Actor signer = StaffFor("sign_result");
    REQUIRE(signer.user_id != StaffFor("propose_result").user_id);
    dossier =
        Apply(dossier, "sign_result", signer, json::object(),
              SignatureEvidence{result_id, "CN=Leader, O=" + std::string(kAgency), "0A1B2C",
                                FakeDocumentId('c'), FakeDocumentId('d'), std::nullopt, false});
    // An inter-agency procedure hands the signed result on to its branches.
    if (StateOf(dossier).fork) dossier = RunBranches(dossier);
    CHECK(workflow.FindState(dossier.state)->status == NationalStatus::kProcessed);
    // Where the workflow seals results, the engine does it automatically as
    // "system" (the service supplies the verified seal).
    for (const Action& action : workflow.actions) {
      if (!action.automatic || !action.AllowedFrom(dossier.state)) continue;
      CHECK(action.requirements.agency_seal);
      dossier =
          Apply(dossier, action.name, Actor{"system", {"system"}, ""}, json::object(),
                SignatureEvidence{result_id, "CN=Seal, O=" + std::string(kAgency), "0D0E",
                                  FakeDocumentId('a'), FakeDocumentId('b'), std::nullopt, true});
      break;
    }
    return Apply(dossier, "return_result", StaffFor("return_result"),
                 {{"channel", return_channel}});
  }

  const State& StateOf(const Dossier& dossier) const {
    const State* state = workflow.FindState(dossier.state);
    REQUIRE(state != nullptr);
    return *state;
  }
};

std::vector<std::unique_ptr<Harness>> LoadAll() {
  std::vector<std::unique_ptr<Harness>> all;
  for (const auto& path : BundledWorkflowFiles()) all.push_back(Harness::Load(path));
  REQUIRE(all.size() >= 7u);
  return all;
}

bool HasReason(const FullyOnlineVerdict& verdict, NotOnlineReason reason) {
  return std::any_of(verdict.reasons.begin(), verdict.reasons.end(),
                     [&](const NotOnlineStep& step) { return step.reason == reason; });
}

TEST_CASE("bundled_workflows: every bundled procedure names its public sources") {
  for (const auto& path : BundledWorkflowFiles()) {
    INFO(path.filename().string());
    const json procedure = LoadJson(path).at("procedure");
    REQUIRE(procedure.contains("sources"));
    CHECK(procedure["sources"].size() >= 1u);
    for (const json& source : procedure["sources"]) {
      CHECK(source.at("url").get<std::string>().rfind("https://", 0) == 0);
    }
  }
}

TEST_CASE("bundled_workflows: every bundled procedure has a sample form and a unique code") {
  std::map<std::string, std::string> seen;
  for (const auto& h : LoadAll()) {
    INFO(h->file);
    CHECK(SampleForm(h->procedure().code).has_value());
    CHECK(seen.emplace(h->procedure().code, h->file).second);
  }
}

TEST_CASE("bundled_workflows: an online dossier runs to a returned result, on time") {
  for (const auto& h : LoadAll()) {
    INFO(h->file);
    Dossier dossier = h->Receive(h->Submit());
    CHECK(dossier.clock.received_at.has_value());
    CHECK(dossier.clock.due_at.has_value());
    if (h->HasFeeState()) {
      CHECK(h->StateOf(dossier).status == NationalStatus::kFinancialObligation);
      dossier = h->PayIfAsked(dossier);
    }
    CHECK(h->StateOf(dossier).status == NationalStatus::kProcessing);
    dossier = h->Finish(dossier);

    const State& end = h->StateOf(dossier);
    CHECK(end.status == NationalStatus::kResultReturned);
    CHECK(end.terminal);
    CHECK(end.outcome == Outcome::kApproved);
    CHECK(dossier.clock.finished_at.has_value());

    const DossierTimeliness timeliness =
        JudgeDossier(RealCalendar(), h->workflow, dossier, h->clock->Now());
    CHECK(timeliness.started);
    CHECK(timeliness.finished);
    REQUIRE(timeliness.status.has_value());
    CHECK(*timeliness.status != Timeliness::kLate);
    CHECK_FALSE(timeliness.counts_late_in_index);

    const FullyOnlineVerdict verdict = JudgeFullyOnline(h->workflow, dossier);
    if (h->procedure().online_level == OnlineLevel::kFull) {
      CHECK(verdict.fully_online);
      CHECK(verdict.reasons.empty());
    } else {
      CHECK_FALSE(verdict.fully_online);
      CHECK(HasReason(verdict, NotOnlineReason::kPartialProcedure));
    }
    CHECK(verdict.final);
  }
}

TEST_CASE("bundled_workflows: refusal at reception ends in status 3") {
  for (const auto& h : LoadAll()) {
    INFO(h->file);
    const Dossier dossier =
        h->Apply(h->Submit(), "refuse_reception", h->StaffFor("refuse_reception"),
                 {{"comment", "Not within this agency's competence"}});
    const State& end = h->StateOf(dossier);
    CHECK(end.status == NationalStatus::kNotReceived);
    CHECK(end.terminal);
    CHECK(end.outcome == Outcome::kRefused);
    CHECK_FALSE(dossier.clock.received_at.has_value());
  }
}

TEST_CASE("bundled_workflows: an unanswered supplement request is stopped by the system timer") {
  for (const auto& h : LoadAll()) {
    INFO(h->file);
    Dossier dossier = h->PayIfAsked(h->Receive(h->Submit()));
    dossier = h->Apply(dossier, "request_supplement", h->StaffFor("request_supplement"),
                       {{"comment", "The declaration is not signed"}});
    CHECK(h->StateOf(dossier).status == NationalStatus::kSupplementRequested);
    CHECK(h->StateOf(dossier).clock == ClockMode::kPaused);

    const std::vector<StateMachine::DueTimer> timers = h->machine->PendingTimers(dossier);
    REQUIRE(timers.size() == 1u);
    CHECK(timers[0].fires_at > h->clock->Now());
    h->clock->Set(timers[0].fires_at);
    ActionInput input;
    input.comment = "No supplement received in time";
    ActionRequest request{timers[0].timer->action, Harness::System(), std::move(input),
                          std::nullopt};
    Result<Transition> fired = h->machine->Apply(dossier, request);
    REQUIRE_MESSAGE(fired.ok(), DescribeFailure(fired));

    const State& end = h->StateOf(fired->dossier);
    CHECK(end.status == NationalStatus::kStopped);
    CHECK(end.terminal);
    CHECK(end.outcome == Outcome::kStopped);
    CHECK(h->machine->PendingTimers(fired->dossier).empty());
  }
}

TEST_CASE("bundled_workflows: the applicant withdraws a received dossier") {
  for (const auto& h : LoadAll()) {
    INFO(h->file);
    const Dossier received = h->Receive(h->Submit());
    const Dossier dossier =
        h->Apply(received, "withdraw", Harness::Applicant(), {{"comment", "No longer needed"}});
    const State& end = h->StateOf(dossier);
    CHECK(end.status == NationalStatus::kWithdrawn);
    CHECK(end.terminal);
    CHECK(end.outcome == Outcome::kWithdrawn);
  }
}

TEST_CASE("bundled_workflows: in-person steps are named in the fully-online verdict") {
  struct Case {
    std::string file;
    std::string submit_channel;
    std::string pay_channel;
    std::string return_channel;
    std::vector<NotOnlineReason> expected;
  };
  const std::vector<Case> cases = {
      {"1.004222-permanent-residence.json",
       "desk",
       "online",
       "online",
       {NotOnlineReason::kSubmittedAtDesk}},
      {"1.004194-temporary-residence.json",
       "desk",
       "desk",
       "desk",
       {NotOnlineReason::kSubmittedAtDesk, NotOnlineReason::kFeePaidInPerson,
        NotOnlineReason::kResultCollectedInPerson}},
      {"HT-TRICHLUC-civil-status-extract-copy.json",
       "online",
       "desk",
       "online",
       {NotOnlineReason::kFeePaidInPerson}},
      {"HT-KHAISINH-birth-registration.json",
       "post",
       "online",
       "post",
       {NotOnlineReason::kSubmittedAtDesk}},
      {"1.003677-temporary-absence.json",
       "online",
       "online",
       "desk",
       {NotOnlineReason::kResultCollectedInPerson}},
  };
  for (const Case& c : cases) {
    INFO(c.file << " submitted " << c.submit_channel << ", paid " << c.pay_channel << ", returned "
                << c.return_channel);
    const auto h = Harness::Load(SourcePath("workflows/" + c.file));
    Dossier dossier = h->Receive(h->Submit(c.submit_channel));
    dossier = h->Finish(h->PayIfAsked(dossier, c.pay_channel), c.return_channel);
    CHECK(h->StateOf(dossier).status == NationalStatus::kResultReturned);

    const FullyOnlineVerdict verdict = JudgeFullyOnline(h->workflow, dossier);
    CHECK_FALSE(verdict.fully_online);
    std::vector<NotOnlineReason> reasons;
    for (const NotOnlineStep& step : verdict.reasons) reasons.push_back(step.reason);
    CHECK(reasons == c.expected);
  }
}

TEST_CASE("bundled_workflows: a refused branch of an inter-agency procedure follows its rule") {
  int forks = 0;
  for (const auto& h : LoadAll()) {
    for (const State& state : h->workflow.states) {
      if (!state.fork) continue;
      ++forks;
      const Fork& fork = *state.fork;
      INFO(h->file << ", fork " << state.id);
      // Reaches the fork the way the happy path does.
      auto at_fork = [&] {
        const std::string result_id = FakeDocumentId('f');
        Dossier dossier = h->PayIfAsked(h->Receive(h->Submit()));
        dossier = h->Apply(dossier, "propose_result", h->StaffFor("propose_result"),
                           {{"comment", "All papers in order"}, {"result_document", result_id}});
        dossier = h->Apply(dossier, "sign_result", h->StaffFor("sign_result"), json::object(),
                           SignatureEvidence{result_id, "CN=Leader", "0A", FakeDocumentId('c'),
                                             FakeDocumentId('d'), std::nullopt, false});
        REQUIRE(dossier.state == state.id);
        return dossier;
      };
      const std::string first = fork.branches.front().id;
      // One branch refused, the others approved.
      const Dossier one_refused = h->RunBranches(at_fork(), {first});
      const bool partial = fork.on_refused == RefusedBranchRule::kContinuePartial;
      CHECK(one_refused.state == (partial ? fork.join : fork.refused));
      const json& outcomes = one_refused.history.back().payload.at(kBranchOutcomesField);
      CHECK(outcomes.at(first) == "refused");
      CHECK(one_refused.history.back().payload.value(kPartialField, false) == partial);
      // Every branch refused: the dossier follows Fork::refused.
      std::set<std::string> all;
      for (const ForkBranch& branch : fork.branches) all.insert(branch.id);
      const Dossier all_refused = h->RunBranches(at_fork(), all);
      CHECK(all_refused.state == fork.refused);
      // Each ending leads on to the end of processing.
      for (Dossier dossier : {one_refused, all_refused}) {
        if (h->StateOf(dossier).terminal) continue;
        dossier = h->Apply(dossier, "return_result", h->StaffFor("return_result"),
                           {{"channel", "online"}});
        CHECK(h->StateOf(dossier).terminal);
      }
    }
  }
  CHECK(forks >= 1);
}

}  // namespace
}  // namespace motcua
