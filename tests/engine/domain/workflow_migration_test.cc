#include "engine/domain/workflow_migration.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/domain/dossier_replay.h"
#include "engine/domain/legal_clock.h"
#include "engine/domain/rfc3339.h"
#include "tests/migration_fixture.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

Workflow Parsed(const json& document) {
  Result<Workflow> parsed = ParseWorkflow(document);
  REQUIRE(parsed.ok());
  return std::move(parsed).value();
}

JsonSchema FormOf(const Workflow& workflow) {
  Result<JsonSchema> form = JsonSchema::Compile(workflow.procedure.form_schema);
  REQUIRE(form.ok());
  return std::move(form).value();
}

const Instant kSubmitted = Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}} + 2h;

// A dossier of 1.004222 v1 in `state`, with the required documents and a
// valid form, submitted at kSubmitted.
Dossier InFlight(const std::string& state, const std::string& code = "A-260302-0001") {
  Dossier dossier;
  dossier.code = code;
  dossier.procedure_code = "1.004222";
  dossier.definition_version = 1;
  dossier.applicant_id = "001090012345";
  dossier.agency = "000.00.01.H26";
  dossier.state = state;
  dossier.version = 3;
  dossier.form = {
      {"full_name", "Nguyễn Văn An"}, {"citizen_id", "001090012345"}, {"address", "12 Hàng Bài"}};
  dossier.documents = {{"declaration", std::string(64, 'a')},
                       {"legal_residence_proof", std::string(64, 'b')}};
  dossier.clock.received_at = kSubmitted + 1h;
  dossier.clock.due_at = kSubmitted + 24h * 9;
  DossierEvent submit;
  submit.action = "submit";
  submit.to_state = "submitted";
  submit.at = kSubmitted;
  dossier.history.push_back(submit);
  return dossier;
}

MigrationPlan Plan(const json& body) {
  Result<MigrationPlan> plan = ParseMigrationPlan(body, "1.004222");
  REQUIRE_MESSAGE(plan.ok(), plan.error().message());
  return std::move(plan).value();
}

std::vector<std::string> Pointers(const Error& error) {
  std::vector<std::string> pointers;
  for (const FieldError& field : error.fields()) pointers.push_back(field.pointer);
  return pointers;
}

struct Versions {
  Workflow v1 = BundledWorkflow(kPermanentResidenceFile);
  Workflow v2 = Parsed(PermanentResidenceV2());
  JsonSchema v2_form = FormOf(v2);

  MigrationVerdict Judge(const MigrationPlan& plan, const Dossier& dossier,
                         std::optional<std::int64_t> expected = std::nullopt) const {
    return JudgeMigration(plan, v1, v2, v2_form, dossier, expected);
  }
};

TEST_CASE("migration plan: parsed with its mapping and filter, normalized for hashing") {
  const MigrationPlan plan = Plan({{"from_version", 1},
                                   {"to_version", 2},
                                   {"mapping", {{"in_review", "under_review"}}},
                                   {"filter",
                                    {{"states", {"in_review", "awaiting_fee", "in_review"}},
                                     {"agency", "000.00.01.H26"},
                                     {"submitted_after", "2026-03-01T00:00:00+07:00"},
                                     {"submitted_before", "2026-03-03T00:00:00Z"}}}});
  CHECK(plan.procedure_code == "1.004222");
  CHECK(plan.mapping.at("in_review") == "under_review");
  CHECK(plan.filter.states == std::vector<std::string>{"awaiting_fee", "in_review"});
  CHECK(*plan.filter.submitted_after == *ParseRfc3339DateTime("2026-02-28T17:00:00Z"));
  const json normalized = MigrationPlanJson(plan);
  CHECK(normalized.at("filter").at("submitted_after") == "2026-02-28T17:00:00Z");
  // The same plan written otherwise normalizes to the same text.
  const MigrationPlan same = Plan({{"procedure_code", "1.004222"},
                                   {"to_version", 2},
                                   {"from_version", 1},
                                   {"mapping", {{"in_review", "under_review"}}},
                                   {"filter",
                                    {{"states", {"awaiting_fee", "in_review"}},
                                     {"agency", "000.00.01.H26"},
                                     {"submitted_after", "2026-02-28T17:00:00Z"},
                                     {"submitted_before", "2026-03-03T07:00:00+07:00"}}}});
  CHECK(MigrationPlanJson(same).dump() == normalized.dump());
  CHECK(MigrationEtagText(plan, {{"A", 3}, {"B", 1}}) == normalized.dump() + "\nA 3\nB 1\n");
}

TEST_CASE("migration plan: each invalid member is named by its pointer") {
  Result<MigrationPlan> bad = ParseMigrationPlan(
      {{"procedure_code", "1.004194"},
       {"from_version", 0},
       {"to_version", "2"},
       {"mapping", {{"in_review", 7}}},
       {"filter",
        {{"states", {""}}, {"agency", ""}, {"submitted_before", "yesterday"}, {"colour", 1}}},
       {"extra", true}},
      "1.004222");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::kInvalidArgument);
  CHECK(bad.error().reason() == ErrorReason::kValidation);
  const std::vector<std::string> pointers = Pointers(bad.error());
  for (const char* pointer :
       {"/extra", "/procedure_code", "/from_version", "/to_version", "/mapping/in_review",
        "/filter/colour", "/filter/states/0", "/filter/agency", "/filter/submitted_before"}) {
    CAPTURE(pointer);
    CHECK(std::find(pointers.begin(), pointers.end(), pointer) != pointers.end());
  }

  Result<MigrationPlan> same = ParseMigrationPlan({{"from_version", 2}, {"to_version", 2}}, "X");
  REQUIRE_FALSE(same.ok());
  CHECK(Pointers(same.error()) == std::vector<std::string>{"/to_version"});

  json many = json::object();
  for (std::size_t i = 0; i <= kMaxMigrationMappings; ++i) many["s" + std::to_string(i)] = "t";
  Result<MigrationPlan> too_many =
      ParseMigrationPlan({{"from_version", 1}, {"to_version", 2}, {"mapping", many}}, "X");
  REQUIRE_FALSE(too_many.ok());
  CHECK(Pointers(too_many.error()) == std::vector<std::string>{"/mapping"});

  Result<MigrationPlan> window =
      ParseMigrationPlan({{"from_version", 1},
                          {"to_version", 2},
                          {"filter",
                           {{"submitted_after", "2026-03-02T00:00:00Z"},
                            {"submitted_before", "2026-03-01T00:00:00Z"}}}},
                         "X");
  REQUIRE_FALSE(window.ok());
  CHECK(Pointers(window.error()) == std::vector<std::string>{"/filter/submitted_after"});

  CHECK_FALSE(ParseMigrationPlan(json::array(), "X").ok());
}

TEST_CASE("migration selection: parsed sorted by code, round-trips through its JSON") {
  Result<MigrationSelection> parsed = ParseMigrationSelection(
      json::array({{{"code", "B-2"}, {"version", 4}}, {{"code", "A-1"}, {"version", 0}}}));
  REQUIRE(parsed.ok());
  CHECK(*parsed == MigrationSelection{{"A-1", 0}, {"B-2", 4}});
  CHECK(ParseMigrationSelection(MigrationSelectionJson(*parsed)).value() == *parsed);
  CHECK(ParseMigrationSelection(json::array()).value().empty());
}

TEST_CASE("migration selection: each invalid item is named by its pointer, sizes are bounded") {
  CHECK(Pointers(ParseMigrationSelection(json()).error()) ==
        std::vector<std::string>{"/selection"});
  CHECK(Pointers(ParseMigrationSelection(json::object()).error()) ==
        std::vector<std::string>{"/selection"});
  Result<MigrationSelection> invalid =
      ParseMigrationSelection(json::array({{{"code", "A-1"}, {"version", 1}, {"colour", "red"}},
                                           {{"code", ""}, {"version", 1}},
                                           {{"code", "C-3"}, {"version", -1}},
                                           {{"code", "D-4"}, {"version", 1.5}},
                                           "E-5"}));
  REQUIRE_FALSE(invalid.ok());
  CHECK(Pointers(invalid.error()) ==
        std::vector<std::string>{"/selection/0/colour", "/selection/1/code", "/selection/2/version",
                                 "/selection/3/version", "/selection/4"});
  Result<MigrationSelection> twice = ParseMigrationSelection(
      json::array({{{"code", "A-1"}, {"version", 1}}, {{"code", "A-1"}, {"version", 2}}}));
  REQUIRE_FALSE(twice.ok());
  CHECK(Pointers(twice.error()) == std::vector<std::string>{"/selection"});

  // One more item than the bound is refused before any item is read; a flood
  // of bad items is reported by its first kMaxSelectionErrors only.
  json too_many = json::array();
  for (std::size_t i = 0; i <= kMaxMigrationSelection; ++i) too_many.push_back(nullptr);
  CHECK(Pointers(ParseMigrationSelection(too_many).error()) ==
        std::vector<std::string>{"/selection"});
  too_many.erase(too_many.begin());
  CHECK(ParseMigrationSelection(too_many).error().fields().size() == kMaxSelectionErrors);
}

TEST_CASE("migration plan: mapping keys and filter states must be states of the old version") {
  Versions versions;
  const MigrationPlan plan = Plan({{"from_version", 1},
                                   {"to_version", 2},
                                   {"mapping", {{"in_reveiw", "under_review"}}},
                                   {"filter", {{"states", {"awaiting_fee", "nowhere"}}}}});
  Status checked = CheckPlanAgainst(plan, versions.v1, versions.v2);
  REQUIRE_FALSE(checked.ok());
  CHECK(Pointers(checked.error()) ==
        std::vector<std::string>{"/mapping/in_reveiw", "/filter/states/1"});
  CHECK(CheckPlanAgainst(Plan({{"from_version", 1},
                               {"to_version", 2},
                               {"mapping", {{"in_review", "under_review"}}}}),
                         versions.v1, versions.v2)
            .ok());
}

TEST_CASE("migration: which dossiers a plan selects") {
  Versions versions;
  const MigrationPlan all = Plan({{"from_version", 1}, {"to_version", 2}});
  CHECK(SelectedByPlan(all, versions.v1, InFlight("in_review")));
  CHECK_FALSE(SelectedByPlan(all, versions.v1, InFlight("returned")));  // terminal
  Dossier other_version = InFlight("in_review");
  other_version.definition_version = 2;
  CHECK_FALSE(SelectedByPlan(all, versions.v1, other_version));
  Dossier other_procedure = InFlight("in_review");
  other_procedure.procedure_code = "1.004194";
  CHECK_FALSE(SelectedByPlan(all, versions.v1, other_procedure));

  const MigrationPlan filtered = Plan({{"from_version", 1},
                                       {"to_version", 2},
                                       {"filter",
                                        {{"states", {"in_review"}},
                                         {"agency", "000.00.01.H26"},
                                         {"submitted_after", "2026-03-02T02:00:00Z"},
                                         {"submitted_before", "2026-03-02T02:00:01Z"}}}});
  CHECK(SelectedByPlan(filtered, versions.v1, InFlight("in_review")));
  CHECK_FALSE(SelectedByPlan(filtered, versions.v1, InFlight("awaiting_fee")));
  Dossier elsewhere = InFlight("in_review");
  elsewhere.agency = "000.00.02.H26";
  CHECK_FALSE(SelectedByPlan(filtered, versions.v1, elsewhere));
  Dossier later = InFlight("in_review");
  later.history.Mutable().front().at = kSubmitted + 1s;
  CHECK_FALSE(SelectedByPlan(filtered, versions.v1, later));
  Dossier earlier = InFlight("in_review");
  earlier.history.Mutable().front().at = kSubmitted - 1s;
  CHECK_FALSE(SelectedByPlan(filtered, versions.v1, earlier));
}

TEST_CASE("migration verdict: a dossier whose state maps, with what v2 requires, can move") {
  Versions versions;
  const MigrationPlan plan =
      Plan({{"from_version", 1}, {"to_version", 2}, {"mapping", {{"in_review", "under_review"}}}});
  const MigrationVerdict mapped = versions.Judge(plan, InFlight("in_review"), 3);
  CHECK(mapped.can_move());
  CHECK(mapped.target_state == "under_review");
  CHECK(mapped.detail.empty());
  // Identical ids map by default.
  const MigrationVerdict same = versions.Judge(plan, InFlight("awaiting_fee"));
  CHECK(same.can_move());
  CHECK(same.target_state == "awaiting_fee");
}

TEST_CASE("migration verdict: each reason a dossier cannot move") {
  Versions versions;
  const MigrationPlan unmapped = Plan({{"from_version", 1}, {"to_version", 2}});
  const MigrationPlan mapped =
      Plan({{"from_version", 1}, {"to_version", 2}, {"mapping", {{"in_review", "under_review"}}}});

  SUBCASE("state_unmapped: in_review is gone from v2 and the plan does not say where") {
    const MigrationVerdict verdict = versions.Judge(unmapped, InFlight("in_review"));
    CHECK(verdict.block == MigrationBlock::kStateUnmapped);
    CHECK(MigrationBlockName(verdict.block) == "state_unmapped");
    CHECK(verdict.target_state.empty());
    CHECK(verdict.detail.find("in_review") != std::string::npos);
  }
  SUBCASE("target_state_unknown") {
    const MigrationPlan plan =
        Plan({{"from_version", 1}, {"to_version", 2}, {"mapping", {{"in_review", "reviewing"}}}});
    const MigrationVerdict verdict = versions.Judge(plan, InFlight("in_review"));
    CHECK(verdict.block == MigrationBlock::kTargetStateUnknown);
    CHECK(verdict.target_state == "reviewing");
  }
  SUBCASE("status_not_allowed: status 4 (processing) may not become 6 (fee requested)") {
    const MigrationPlan plan = Plan(
        {{"from_version", 1}, {"to_version", 2}, {"mapping", {{"in_review", "awaiting_fee"}}}});
    const MigrationVerdict verdict = versions.Judge(plan, InFlight("in_review"));
    CHECK(verdict.block == MigrationBlock::kStatusNotAllowed);
    CHECK(verdict.detail.find("status 6") != std::string::npos);
  }
  SUBCASE("status_not_allowed: nor a terminal state of the same status") {
    // result_ready (9) to refused (9, terminal).
    const MigrationPlan plan =
        Plan({{"from_version", 1}, {"to_version", 2}, {"mapping", {{"result_ready", "refused"}}}});
    CHECK(versions.Judge(plan, InFlight("result_ready")).block ==
          MigrationBlock::kStatusNotAllowed);
  }
  SUBCASE("missing_document: v2 requires a document the dossier lacks") {
    json v2 = PermanentResidenceV2();
    v2["procedure"]["documents"].back()["required"] = true;
    const Workflow strict = Parsed(v2);
    const JsonSchema form = FormOf(strict);
    const MigrationVerdict verdict =
        JudgeMigration(mapped, versions.v1, strict, form, InFlight("in_review"), std::nullopt);
    CHECK(verdict.block == MigrationBlock::kMissingDocument);
    CHECK(verdict.detail.find("household_book_copy") != std::string::npos);
    // The optional document of the fixture's v2 blocks nothing.
    CHECK(versions.Judge(mapped, InFlight("in_review")).can_move());
  }
  SUBCASE("missing_form_field: v2's form requires a field the dossier's form lacks") {
    json v2 = PermanentResidenceV2();
    v2["procedure"]["form"]["properties"]["phone"] = {{"type", "string"}};
    v2["procedure"]["form"]["required"].push_back("phone");
    const Workflow strict = Parsed(v2);
    const JsonSchema form = FormOf(strict);
    const MigrationVerdict verdict =
        JudgeMigration(mapped, versions.v1, strict, form, InFlight("in_review"), std::nullopt);
    CHECK(verdict.block == MigrationBlock::kMissingFormField);
    CHECK(verdict.detail.find("phone") != std::string::npos);
  }
  SUBCASE("branches_running: a dossier that runs branches, or would, stays where it is") {
    const Workflow birth =
        BundledWorkflow("workflows/LT-KHAISINH-birth-residence-health-insurance.json");
    const JsonSchema form = FormOf(birth);
    Dossier forked = InFlight("lienthong");
    forked.procedure_code = birth.procedure.code;
    MigrationPlan same = mapped;
    same.procedure_code = birth.procedure.code;
    same.mapping.clear();
    const MigrationVerdict verdict = JudgeMigration(same, birth, birth, form, forked, std::nullopt);
    CHECK(verdict.block == MigrationBlock::kBranchesRunning);
    CHECK(MigrationBlockName(verdict.block) == "branches_running");
    CHECK(verdict.detail.find("lienthong") != std::string::npos);
    // Mapped into the fork from a state without one: blocked too.
    same.mapping = {{"awaiting_signature", "lienthong"}};
    CHECK(JudgeMigration(same, birth, birth, form, InFlight("awaiting_signature"), std::nullopt)
              .block == MigrationBlock::kBranchesRunning);
  }
  SUBCASE("agency_role_unresolved: v2 hands a state to an agency role the dossier lacks") {
    json v2 = PermanentResidenceV2();
    v2["procedure"]["agency_roles"] = {
        {"residence_police", {{"names", {{"vi", "Công an xã"}, {"en", "Commune police"}}}}}};
    v2["states"].back()["agency_role"] = "residence_police";
    const Workflow handed_over = Parsed(v2);
    const JsonSchema form = FormOf(handed_over);
    const MigrationVerdict verdict =
        JudgeMigration(mapped, versions.v1, handed_over, form, InFlight("in_review"), std::nullopt);
    CHECK(verdict.block == MigrationBlock::kAgencyRoleUnresolved);
    CHECK(verdict.detail.find("residence_police") != std::string::npos);
    CHECK(MigrationBlockName(verdict.block) == "agency_role_unresolved");
    // A dossier that recorded the role at submission can move.
    Dossier recorded = InFlight("in_review");
    recorded.history.Mutable().front().payload["agency_roles"] = {
        {"residence_police", "000.00.20.H26"}};
    CHECK(
        JudgeMigration(mapped, versions.v1, handed_over, form, recorded, std::nullopt).can_move());
  }
  SUBCASE("changed_since_plan: its version is not the dry run's") {
    const MigrationVerdict verdict = versions.Judge(mapped, InFlight("in_review"), 2);
    CHECK(verdict.block == MigrationBlock::kChangedSincePlan);
    CHECK(verdict.version == 3);
  }
  SUBCASE("claimed: someone holds it") {
    Dossier claimed = InFlight("in_review");
    claimed.assignee = "specialist-1";
    CHECK(versions.Judge(mapped, claimed).block == MigrationBlock::kClaimed);
  }
  SUBCASE("already_migrated: it is on v2") {
    Dossier moved = InFlight("under_review");
    moved.definition_version = 2;
    CHECK(versions.Judge(mapped, moved, 3).block == MigrationBlock::kAlreadyMigrated);
  }
}

TEST_CASE("migration: the move changes version and state, keeps the clock, records one event") {
  Versions versions;
  const MigrationPlan plan =
      Plan({{"from_version", 1}, {"to_version", 2}, {"mapping", {{"in_review", "under_review"}}}});
  const Dossier before = InFlight("in_review");
  const MigrationVerdict verdict = versions.Judge(plan, before, 3);
  REQUIRE(verdict.can_move());
  const Actor admin{"admin-1", {"national_admin"}, "000.00.01.H26", AuthMethod::kBearerToken};
  const Instant at = kSubmitted + 48h;
  const Dossier after = MigratedDossier(before, plan, verdict, "etag-1", admin, at);
  CHECK(after.definition_version == 2);
  CHECK(after.state == "under_review");
  CHECK(after.version == 4);
  CHECK(after.clock.due_at == before.clock.due_at);
  CHECK(after.clock.received_at == before.clock.received_at);
  REQUIRE(after.history.size() == before.history.size() + 1);
  const DossierEvent& event = after.history.back();
  CHECK(event.action == kMigrateAction);
  CHECK(event.from_state == "in_review");
  CHECK(event.to_state == "under_review");
  CHECK(event.actor.user_id == "admin-1");
  CHECK(event.at == at);
  CHECK(event.payload.at("from_version") == 1);
  CHECK(event.payload.at("to_version") == 2);
  CHECK(event.payload.at("mapping") ==
        json{{"from", "in_review"}, {"to", "under_review"}, {"explicit", true}});
  CHECK(event.payload.at("plan_etag") == "etag-1");
  CHECK(event.payload.at("dossier_version") == 3);
  CHECK(FindMigrateEvent(after, "etag-1") == &event);
  CHECK(FindMigrateEvent(after, "etag-2") == nullptr);
}

// submit -> receive -> pay_fee (v1), migrate to v2, then request_supplement
// from under_review: a history that only replays across both versions.
std::vector<DossierEvent> MigratedHistory() {
  auto event = [](const char* action, const char* from, const char* to) {
    DossierEvent e;
    e.action = action;
    e.from_state = from;
    e.to_state = to;
    e.at = kSubmitted;
    return e;
  };
  std::vector<DossierEvent> history{
      event("submit", "", "submitted"), event("receive", "submitted", "awaiting_fee"),
      event("pay_fee", "awaiting_fee", "in_review"), event("migrate", "in_review", "under_review"),
      event("request_supplement", "under_review", "supplement_requested")};
  history[3].payload = {{"from_version", 1}, {"to_version", 2}};
  return history;
}

TEST_CASE("replay: a migrate event switches the workflow the rest of the history replays on") {
  Versions versions;
  auto workflow_of = [&](std::int64_t version) -> const Workflow* {
    return version == 1 ? &versions.v1 : version == 2 ? &versions.v2 : nullptr;
  };
  const std::vector<DossierEvent> history = MigratedHistory();
  Result<ReplayedDossier> replayed = ReplayHistory(workflow_of, 2, history);
  REQUIRE_MESSAGE(replayed.ok(), replayed.error().message());
  CHECK(replayed->definition_version == 2);
  CHECK(replayed->state == "supplement_requested");
  CHECK(replayed->version == 5);

  Dossier row = InFlight("supplement_requested");
  row.definition_version = 2;
  row.version = 5;
  CHECK(DifferencesFromReplay(row, *replayed).empty());
  row.definition_version = 1;  // a row whose pin was edited back by hand
  CHECK(DifferencesFromReplay(row, *replayed).size() == 1);

  // The same events without the migration do not replay on either version.
  std::vector<DossierEvent> cut = history;
  cut.erase(cut.begin() + 3);
  cut[3].from_state = "in_review";
  CHECK_FALSE(ReplayHistory(workflow_of, 2, cut).ok());
  // A migration to a state the target version lacks is inconsistent.
  std::vector<DossierEvent> wrong = history;
  wrong[3].to_state = "in_review";
  wrong[4].from_state = "in_review";
  Result<ReplayedDossier> refused = ReplayHistory(workflow_of, 2, wrong);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason() == ErrorReason::kHistoryInconsistent);
  CHECK(refused.error().message().find("event 3") != std::string::npos);
  // A to_version that is not stored.
  std::vector<DossierEvent> unknown = history;
  unknown[3].payload["to_version"] = 9;
  CHECK_FALSE(ReplayHistory(workflow_of, 9, unknown).ok());
}

TEST_CASE("process-control slip: each stay is judged and named by the version it was on") {
  Versions versions;
  auto workflow_of = [&](std::int64_t version) -> const Workflow* {
    return version == 1 ? &versions.v1 : version == 2 ? &versions.v2 : nullptr;
  };
  Dossier dossier = InFlight("supplement_requested");
  dossier.definition_version = 2;
  dossier.history = MigratedHistory();
  for (std::size_t i = 0; i < dossier.history.size(); ++i) {
    dossier.history.Mutable()[i].at = kSubmitted + std::chrono::hours(i);
  }
  const WorkingCalendar calendar = BundledCalendar();
  const std::vector<HandOff> slip =
      ProcessControlSlip(calendar, workflow_of, dossier, kSubmitted + 24h);
  REQUIRE(slip.size() == 5);
  std::vector<std::int64_t> versions_seen;
  for (const HandOff& hand_off : slip) versions_seen.push_back(hand_off.definition_version);
  CHECK(versions_seen == std::vector<std::int64_t>{1, 1, 1, 2, 2});
  // in_review exists in v1 only: its stay keeps v1's SLA (5 working days).
  CHECK(slip[2].state == "in_review");
  CHECK(slip[2].due.has_value());
  CHECK(slip[2].timeliness.has_value());
  CHECK(slip[3].state == "under_review");
  CHECK(slip[3].due.has_value());
  // Judged by the pinned version alone, the v1 state has no SLA to be judged by.
  const std::vector<HandOff> pinned_only =
      ProcessControlSlip(calendar, versions.v2, dossier, kSubmitted + 24h);
  CHECK_FALSE(pinned_only[2].due.has_value());
  CHECK(pinned_only[2].definition_version == 0);
  // A version that is not stored leaves its stays unjudged, at the receiving agency.
  const std::vector<HandOff> v1_lost = ProcessControlSlip(
      calendar, [&](std::int64_t v) { return v == 2 ? &versions.v2 : nullptr; }, dossier,
      kSubmitted + 24h);
  CHECK_FALSE(v1_lost[2].due.has_value());
  CHECK(v1_lost[2].agency == dossier.agency);
}

}  // namespace
}  // namespace motcua
