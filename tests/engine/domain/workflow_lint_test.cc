#include "engine/domain/workflow_lint.h"

#include <doctest/doctest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "engine/domain/json_parse.h"
#include "engine/domain/json_schema.h"
#include "tests/json_text_support.h"

#ifndef MOTCUA_SOURCE_DIR
#error "MOTCUA_SOURCE_DIR must name the source tree"
#endif

namespace motcua {
namespace {

using nlohmann::json;

const std::string kSourceDir = MOTCUA_SOURCE_DIR;
const std::string kFixtureDir = kSourceDir + "/tests/fixtures/workflows";

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

json ReadJson(const std::string& path) {
  Result<json> parsed = ParseJsonText(ReadText(path));
  REQUIRE_MESSAGE(parsed.ok(), path << ": " << parsed.error().message());
  return parsed.value();
}

const JsonSchema& WorkflowSchema() {
  static const JsonSchema schema = [] {
    Result<JsonSchema> compiled =
        JsonSchema::Compile(ReadJson(kSourceDir + "/schema/workflow.schema.json"));
    if (!compiled.ok()) {
      for (const FieldError& e : compiled.error().fields()) {
        MESSAGE("schema: " << e.pointer << ": " << e.message);
      }
    }
    REQUIRE(compiled.ok());
    return compiled.value();
  }();
  return schema;
}

std::string Describe(const std::vector<FieldError>& errors) {
  std::string out;
  for (const FieldError& e : errors) out += "\n  " + e.pointer + ": " + e.message;
  return out.empty() ? " (none)" : out;
}

bool HasError(const std::vector<FieldError>& errors, const std::string& pointer,
              const std::string& message_part) {
  for (const FieldError& e : errors) {
    if (e.pointer == pointer && e.message.find(message_part) != std::string::npos) return true;
  }
  return false;
}

json Minimal() {
  return ReadJson(kFixtureDir + "/good/minimal.json");
}

TEST_CASE("workflow lint: every bundled workflow lints clean") {
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kSourceDir + "/workflows")) {
    if (entry.path().extension() != ".json") continue;
    ++checked;
    const std::vector<FieldError> errors =
        LintWorkflow(WorkflowSchema(), ReadJson(entry.path().string()));
    CHECK_MESSAGE(errors.empty(), entry.path().filename().string() << Describe(errors));
  }
  CHECK(checked >= 18);  // the catalogue of issue 22: 18 procedures or more
}

TEST_CASE("workflow lint: a procedure may name its sources and what they did not confirm") {
  json workflow = Minimal();
  workflow["procedure"]["sources"] =
      json::array({{{"title", "Law on Civil Status 2014, article 33"},
                    {"url", "https://vanban.chinhphu.vn/?pageid=27160&docid=176829"},
                    {"covers", "deadline, documents"}}});
  workflow["procedure"]["unconfirmed"] = json::array({"the national procedure code"});
  const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), workflow);
  CHECK_MESSAGE(errors.empty(), Describe(errors));

  workflow["procedure"]["sources"][0]["url"] = "file:///etc/passwd";
  const std::vector<FieldError> not_web = LintWorkflow(WorkflowSchema(), workflow);
  REQUIRE(not_web.size() == 1u);
  CHECK(not_web[0].pointer == "/procedure/sources/0/url");
  workflow["procedure"]["sources"] = json::array();
  const std::vector<FieldError> empty = LintWorkflow(WorkflowSchema(), workflow);
  REQUIRE(empty.size() == 1u);
  CHECK(empty[0].pointer == "/procedure/sources");
}

TEST_CASE(
    "workflow lint: agency roles are declared once, used, and named by one state at most once") {
  json workflow = Minimal();
  workflow["procedure"]["agency_roles"] = {
      {"residence_police", {{"names", {{"vi", "Công an xã"}, {"en", "Commune police"}}}}}};
  workflow["states"][1]["agency_role"] = "residence_police";
  const std::vector<FieldError> clean = LintWorkflow(WorkflowSchema(), workflow);
  CHECK_MESSAGE(clean.empty(), Describe(clean));

  SUBCASE("a state names a role the procedure does not declare") {
    workflow["states"][1]["agency_role"] = "tax_office";
    const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), workflow);
    CHECK_MESSAGE(HasError(errors, "/states/1/agency_role", "\"tax_office\""), Describe(errors));
    CHECK_MESSAGE(HasError(errors, "/procedure/agency_roles/residence_police", "no state"),
                  Describe(errors));
    CHECK(errors.size() == 2u);
  }
  SUBCASE("a state names its agency both by ID and by role") {
    workflow["states"][1]["agency"] = "000.00.20.H26";
    const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), workflow);
    CHECK_MESSAGE(HasError(errors, "/states/1/agency_role", "keep one"), Describe(errors));
    CHECK(errors.size() == 1u);
  }
  SUBCASE("a declared role no state names") {
    workflow["procedure"]["agency_roles"]["social_insurance"] = {
        {"names", {{"vi", "Bảo hiểm xã hội"}, {"en", "Social insurance"}}}};
    const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), workflow);
    CHECK_MESSAGE(HasError(errors, "/procedure/agency_roles/social_insurance", "no state"),
                  Describe(errors));
    CHECK(errors.size() == 1u);
  }
  SUBCASE("a role id that is not a machine name, and a role without names") {
    workflow["procedure"]["agency_roles"]["Police"] = {
        {"names", {{"vi", "Công an"}, {"en", "Police"}}}};
    workflow["procedure"]["agency_roles"]["residence_police"].erase("names");
    const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), workflow);
    CHECK_FALSE(errors.empty());
    for (const FieldError& e : errors) CHECK(e.pointer.rfind("/procedure/agency_roles", 0) == 0);
  }
}

TEST_CASE("workflow lint: the minimal fixture lints clean") {
  const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), Minimal());
  CHECK_MESSAGE(errors.empty(), Describe(errors));
}

// Sidecar expectations: each bad fixture is minimal.json with one defect.
struct BadFixture {
  const char* name;
  const char* pointer;
  const char* message_part;
};

constexpr BadFixture kBadFixtures[] = {
    {"unknown-initial-state", "/initial_state", "initial state \"start\" is not a declared state"},
    {"unknown-from-state", "/actions/0/from/1",
     "action \"receive\" starts from unknown state \"nowhere\""},
    {"unknown-to-state", "/actions/2/to",
     "action \"stop_processing\" goes to unknown state \"halted\""},
    {"unknown-timer-state", "/timers/0/state", "timer watches unknown state \"in_reveiw\""},
    {"unknown-action-role", "/actions/0/roles/1", "names unknown role \"leader\""},
    {"unknown-queue-role", "/states/1/queue/0",
     "state \"in_review\" is queued for unknown role \"specialist\""},
    {"unknown-document", "/actions/0/requires/documents/1", "unknown document \"passport\""},
    {"unknown-form-field", "/actions/0/requires/form_fields/1", "form field \"birth_date\""},
    {"duplicate-state-id", "/states/4/id", "state id \"in_review\" is declared twice"},
    {"duplicate-action-name", "/actions/3/name",
     "action name \"stop_processing\" is declared twice"},
    {"duplicate-fee-key", "/procedure/fees/1/key", "fee key \"processing\" is declared twice"},
    {"duplicate-document-key", "/procedure/documents/1/key",
     "document key \"application\" is declared twice"},
    {"duplicate-role", "/roles/1", "role \"clerk\" is declared twice"},
    {"unreachable-state", "/states/4", "state \"archived\" cannot be reached"},
    {"dead-end-state", "/states/3", "state \"stopped\" is not terminal but no action leaves it"},
    {"cycle-without-terminal", "/states/4",
     "state \"on_hold\" has no path to a terminal state: a dossier there can never finish"},
    {"automatic-cycle", "/actions/4/automatic",
     "automatic actions loop through states \"checking\" -> \"rechecking\" -> \"checking\""},
    {"terminal-status-not-ending", "/states/2/status", "terminal state \"returned\" has status 4"},
    {"terminal-without-outcome", "/states/2/outcome", "terminal state \"returned\" has no outcome"},
    {"outcome-on-non-terminal", "/states/1/outcome",
     "state \"in_review\" is not terminal but has outcome \"approved\""},
    {"action-from-terminal", "/actions/2/from/1",
     "action \"stop_processing\" starts from terminal state \"returned\""},
    {"timer-unknown-action", "/timers/0/action", "timer names unknown action \"expire\""},
    {"timer-action-not-system", "/timers/0/action", "does not allow role \"system\""},
    {"timer-action-wrong-state", "/timers/0/action",
     "is not allowed from the timer's state \"submitted\""},
    {"four-eyes-unknown-action", "/actions/1/four_eyes/0", "unknown action \"recieve\""},
    {"clock-start-not-running", "/actions/0/clock",
     "action \"receive\" has clock \"start\" but goes to state \"in_review\""},
    {"clock-pause-not-paused", "/actions/1/clock",
     "action \"approve\" has clock \"pause\" but goes to state \"returned\""},
    {"clock-resume-not-running", "/actions/2/clock",
     "action \"stop_processing\" has clock \"resume\" but goes to state \"stopped\""},
    {"clock-stop-not-stopped", "/actions/0/clock",
     "action \"receive\" has clock \"stop\" but goes to state \"in_review\""},
    {"clock-missing-stop", "/actions/1/clock", "without clock \"stop\""},
    {"initial-clock-started", "/states/0/clock",
     "initial state \"submitted\" has clock \"running\""},
    {"result-signature-non-staff", "/actions/1/requires/result_signature",
     "action \"approve\" requires a result signature"},
    {"agency-seal-not-system", "/actions/1/requires/agency_seal",
     "requires the agency seal, which only the role \"system\" applies"},
    {"automatic-needs-input", "/actions/2/requires",
     "is automatic but requires input only a person can give"},
    {"automatic-not-system", "/actions/1/automatic",
     "action \"approve\" is automatic but role \"system\" may not perform it"},
    {"automatic-twice-from-state", "/actions/3/automatic",
     "\"expire\" and \"stop_processing\" are both automatic from state \"in_review\""},
    {"reserved-action-name", "/actions/2/name",
     "action \"release\" uses a name the engine reserves for its own events"},
    {"supervisor-role-undeclared", "/supervisor_role",
     "supervisor role \"leader\" is not one of the workflow's declared staff roles"},
    {"form-pattern-invalid", "/procedure/form/properties/full_name/pattern",
     "\"(\" is not a valid regular expression"},
    {"form-pattern-lookahead", "/procedure/form/properties/full_name/pattern",
     "lookahead (?= is not supported"},
    {"form-schema-malformed", "/procedure/form/properties/full_name/maxLength",
     "must be a non-negative integer"},
    {"schema-missing-field", "/procedure/name", ""},
    {"schema-wrong-type", "/states/1/status", ""},
    {"schema-unknown-property", "/actions/0/priority", ""},
    {"schema-source-without-url", "/procedure/sources/0/url", ""},
};

// How many errors a fixture yields: one (its defect), except where the defect
// has a consequence the linter also reports.
std::size_t ExpectedErrorCount(const std::string& fixture) {
  // "stop_processing" now leads elsewhere, so state "stopped" is unreachable.
  if (fixture == "unknown-to-state") return 2;
  // Both states of the closed cycle are named.
  if (fixture == "cycle-without-terminal") return 2;
  return 1;
}

TEST_CASE("workflow lint: each bad fixture reports its defect and nothing else") {
  for (const BadFixture& fixture : kBadFixtures) {
    const std::string path = kFixtureDir + "/bad/" + fixture.name + ".json";
    const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), ReadJson(path));
    CHECK_MESSAGE(errors.size() == ExpectedErrorCount(fixture.name),
                  fixture.name << ": got" << Describe(errors));
    CHECK_MESSAGE(HasError(errors, fixture.pointer, fixture.message_part),
                  fixture.name << ": expected " << fixture.pointer << " \"" << fixture.message_part
                               << "\", got" << Describe(errors));
  }
}

TEST_CASE("workflow lint: every bad fixture is covered by the table") {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kFixtureDir + "/bad")) {
    const std::string stem = entry.path().stem().string();
    if (stem == "malformed") continue;
    ++files;
    bool listed = false;
    for (const BadFixture& fixture : kBadFixtures) listed = listed || stem == fixture.name;
    CHECK_MESSAGE(listed, stem << " has no expectation");
  }
  CHECK(files == static_cast<int>(std::size(kBadFixtures)));
}

TEST_CASE("workflow lint: schema errors stop before the semantic stage") {
  // The wrong-type fixture has status "4" on a state; nothing semantic is reported.
  const std::vector<FieldError> errors =
      LintWorkflow(WorkflowSchema(), ReadJson(kFixtureDir + "/bad/schema-wrong-type.json"));
  REQUIRE(!errors.empty());
  for (const FieldError& e : errors) CHECK(e.pointer.rfind("/states/1/status", 0) == 0);
}

TEST_CASE("workflow lint: three independent defects are all reported, ordered by pointer") {
  json document = Minimal();
  document["timers"][0]["action"] = "expire";            // timer names unknown action
  document["actions"][0]["roles"].push_back("auditor");  // unknown role
  document["procedure"]["documents"].push_back(
      {{"key", "application"}, {"name", "Copy"}, {"names", {{"vi", "Bản sao"}, {"en", "Copy"}}}});
  const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), document);
  REQUIRE_MESSAGE(errors.size() == 3, Describe(errors));
  CHECK(errors[0].pointer == "/actions/0/roles/1");
  CHECK(errors[1].pointer == "/procedure/documents/1/key");
  CHECK(errors[2].pointer == "/timers/0/action");
}

TEST_CASE("workflow lint: pointers with numbers sort by value, not by text") {
  json document = Minimal();
  // Twelve copies of the review state: duplicates at /states/4 .. /states/15.
  for (int i = 0; i < 12; ++i) document["states"].push_back(document["states"][1]);
  const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), document);
  REQUIRE_MESSAGE(errors.size() == 12, Describe(errors));
  CHECK(errors[0].pointer == "/states/4/id");
  CHECK(errors[5].pointer == "/states/9/id");
  CHECK(errors[6].pointer == "/states/10/id");
  CHECK(errors[11].pointer == "/states/15/id");
}

TEST_CASE("workflow lint: an action refused at reception may stop the clock implicitly") {
  json document = Minimal();
  document["states"].push_back({{"id", "not_received"},
                                {"name", "Not received"},
                                {"names", {{"vi", "Không được tiếp nhận"}, {"en", "Not received"}}},
                                {"status", 3},
                                {"clock", "stopped"},
                                {"terminal", true},
                                {"outcome", "refused"}});
  // From a running state, without clock "stop": allowed only because the target is status 3.
  document["actions"].push_back({{"name", "refuse_reception"},
                                 {"names", {{"vi", "Từ chối tiếp nhận"}, {"en", "Refuse"}}},
                                 {"from", {"in_review"}},
                                 {"to", "not_received"},
                                 {"roles", {"clerk"}}});
  std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), document);
  CHECK_MESSAGE(errors.empty(), Describe(errors));

  document["states"][4]["status"] = 9;  // refused after review: must stop the clock
  errors = LintWorkflow(WorkflowSchema(), document);
  CHECK(HasError(errors, "/actions/3/clock", "without clock \"stop\""));
}

TEST_CASE("workflow lint: malformed JSON names the exact line and column") {
  Result<json> parsed = ParseJsonText(ReadText(kFixtureDir + "/bad/malformed.json"));
  REQUIRE(!parsed.ok());
  CHECK(parsed.error().code() == ErrorCode::kInvalidArgument);
  // Line 6 is `    "agency": { "level": "commune", "name": "Test agency", },`; the stray
  // "}" after the trailing comma is its 60th character.
  CHECK_MESSAGE(parsed.error().message().rfind("line 6, column 60: ", 0) == 0,
                parsed.error().message());

  Result<json> short_text = ParseJsonText("{\n  \"a\": 1,\n}");
  REQUIRE(!short_text.ok());
  CHECK_MESSAGE(short_text.error().message().rfind("line 3, column 1: ", 0) == 0,
                short_text.error().message());

  Result<json> first_byte = ParseJsonText("x");
  REQUIRE(!first_byte.ok());
  CHECK_MESSAGE(first_byte.error().message().rfind("line 1, column 1: ", 0) == 0,
                first_byte.error().message());

  Result<json> good = ParseJsonText("{\"a\": [1, 2]}");
  REQUIRE(good.ok());
  CHECK(good.value()["a"][1] == 2);
}

TEST_CASE("workflow lint: LintWorkflows flags procedure codes used twice") {
  json other = Minimal();
  other["procedure"]["code"] = "T-OTHER";
  const std::vector<std::vector<FieldError>> results =
      LintWorkflows(WorkflowSchema(), {Minimal(), other, Minimal()});
  REQUIRE(results.size() == 3);
  CHECK_MESSAGE(HasError(results[0], "/procedure/code",
                         "procedure code \"T-MINIMAL\" is also used by document 2"),
                Describe(results[0]));
  CHECK(results[1].empty());
  CHECK_MESSAGE(HasError(results[2], "/procedure/code",
                         "procedure code \"T-MINIMAL\" is also used by document 0"),
                Describe(results[2]));
  CHECK(results[0].size() == 1);
  CHECK(results[2].size() == 1);
}

TEST_CASE("workflow lint: LintWorkflows keeps each document's own errors") {
  json broken = Minimal();
  broken["procedure"]["code"] = "T-BROKEN";
  broken["initial_state"] = "start";
  const std::vector<std::vector<FieldError>> results =
      LintWorkflows(WorkflowSchema(), {Minimal(), broken});
  REQUIRE(results.size() == 2);
  CHECK(results[0].empty());
  CHECK(HasError(results[1], "/initial_state", "\"start\""));
}

}  // namespace
}  // namespace motcua

namespace motcua {
namespace {

// One defect each in what a user interface needs: the pointer that names it.
struct UiDefect {
  const char* name;
  void (*apply)(json& document);
  const char* pointer;
  const char* message_part;
};

json& FullName(json& document) {
  return document["procedure"]["form"]["properties"]["full_name"];
}

const UiDefect kUiDefects[] = {
    {"field without title", [](json& d) { FullName(d).erase("title"); },
     "/procedure/form/properties/full_name/title", "is required"},
    {"field title in one language", [](json& d) { FullName(d)["title"] = "Full name"; },
     "/procedure/form/properties/full_name/title", "must be an object"},
    {"field title with empty vi", [](json& d) { FullName(d)["title"]["vi"] = ""; },
     "/procedure/form/properties/full_name/title/vi", "must be a non-empty string"},
    {"field title with blank en", [](json& d) { FullName(d)["title"]["en"] = " \t"; },
     "/procedure/form/properties/full_name/title/en", "must be a non-empty string"},
    {"field title without en", [](json& d) { FullName(d)["title"].erase("en"); },
     "/procedure/form/properties/full_name/title/en", "must be a non-empty string"},
    {"field description without vi",
     [](json& d) {
       FullName(d)["description"] = {{"en", "As on the ID card"}};
     },
     "/procedure/form/properties/full_name/description/vi", "must be a non-empty string"},
    {"unknown widget", [](json& d) { FullName(d)["x-widget"] = "calendar"; },
     "/procedure/form/properties/full_name/x-widget", "must be one of \"date\""},
    {"select without enum", [](json& d) { FullName(d)["x-widget"] = "select"; },
     "/procedure/form/properties/full_name/x-widget", "needs the field's \"enum\""},
    {"date on a number",
     [](json& d) {
       FullName(d)["x-widget"] = "date";
       FullName(d)["type"] = "integer";
       FullName(d).erase("minLength");
     },
     "/procedure/form/properties/full_name/x-widget", "needs a field of type \"string\""},
    {"citizen id on a field without a type",
     [](json& d) {
       FullName(d)["x-widget"] = "citizen-id";
       FullName(d).erase("type");
     },
     "/procedure/form/properties/full_name/x-widget", "needs a field of type \"string\""},
    {"unknown identity claim", [](json& d) { FullName(d)["x-identity-claim"] = "blood_type"; },
     "/procedure/form/properties/full_name/x-identity-claim", "must be one of \"name\""},
    {"identity claim that is not text", [](json& d) { FullName(d)["x-identity-claim"] = 1; },
     "/procedure/form/properties/full_name/x-identity-claim", "must be one of \"name\""},
    {"identity claim on a number",
     [](json& d) {
       FullName(d)["x-identity-claim"] = "id_number";
       FullName(d)["type"] = "integer";
       FullName(d).erase("minLength");
     },
     "/procedure/form/properties/full_name/x-identity-claim", "needs a field of type \"string\""},
    {"identity claim on a nested field",
     [](json& d) {
       d["procedure"]["form"]["properties"]["home"] = {
           {"title", {{"vi", "Nơi ở"}, {"en", "Home"}}},
           {"type", "object"},
           {"properties",
            {{"street",
              {{"title", {{"vi", "Đường"}, {"en", "Street"}}},
               {"type", "string"},
               {"x-identity-claim", "address"}}}}}};
     },
     "/procedure/form/properties/home/properties/street/x-identity-claim",
     "only the form's own fields"},
    {"nested field without title",
     [](json& d) {
       d["procedure"]["form"]["properties"]["home"] = {
           {"title", {{"vi", "Nơi ở"}, {"en", "Home"}}},
           {"type", "object"},
           {"properties", {{"street", {{"type", "string"}}}}}};
     },
     "/procedure/form/properties/home/properties/street/title", "is required"},
    {"x-order missing a field",
     [](json& d) {
       FullName(d)["type"] = "string";
       d["procedure"]["form"]["properties"]["other"] = {
           {"title", {{"vi", "Khác"}, {"en", "Other"}}}};
       d["procedure"]["form"]["x-order"] = {"full_name", "full_name"};
     },
     "/procedure/form/x-order", "must list every property"},
    {"state without names", [](json& d) { d["states"][1].erase("names"); }, "/states/1/names",
     "is required"},
    {"action with empty vi", [](json& d) { d["actions"][0]["names"]["vi"] = ""; },
     "/actions/0/names/vi", ""},
    {"document with blank en",
     [](json& d) { d["procedure"]["documents"][0]["names"]["en"] = "  "; },
     "/procedure/documents/0/names/en", ""},
    {"fee without names", [](json& d) { d["procedure"]["fees"][0].erase("names"); },
     "/procedure/fees/0/names", "is required"},
    {"procedure names without vi", [](json& d) { d["procedure"]["names"].erase("vi"); },
     "/procedure/names/vi", "is required"},
};

TEST_CASE("workflow lint: what a form generator needs is checked with a pointer to each defect") {
  for (const UiDefect& defect : kUiDefects) {
    CAPTURE(defect.name);
    json document = Minimal();
    defect.apply(document);
    const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), document);
    CHECK_MESSAGE(errors.size() == 1, Describe(errors));
    CHECK_MESSAGE(HasError(errors, defect.pointer, defect.message_part), Describe(errors));
  }
}

TEST_CASE("workflow lint: fitting widgets and a complete x-order lint clean") {
  json document = Minimal();
  FullName(document)["x-widget"] = "textarea";
  FullName(document)["description"] = {{"vi", "Như trên thẻ căn cước"},
                                       {"en", "As on the ID card"}};
  document["procedure"]["form"]["properties"]["sex"] = {
      {"title", {{"vi", "Giới tính"}, {"en", "Sex"}}},
      {"enum", {"male", "female"}},
      {"x-widget", "select"}};
  document["procedure"]["form"]["properties"]["born"] = {
      {"title", {{"vi", "Ngày sinh"}, {"en", "Date of birth"}}},
      {"type", "string"},
      {"format", "date"},
      {"x-widget", "date"}};
  document["procedure"]["form"]["properties"]["born"]["x-identity-claim"] = "birthdate";
  FullName(document)["x-identity-claim"] = "name";
  document["procedure"]["form"]["x-order"] = {"sex", "full_name", "born"};
  const std::vector<FieldError> errors = LintWorkflow(WorkflowSchema(), document);
  CHECK_MESSAGE(errors.empty(), Describe(errors));
}

const std::string kMinimalPath = kFixtureDir + "/good/minimal.json";

// `text` with the first `from` replaced by `to`.
std::string Replaced(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  return text.replace(at, from.size(), to);
}

TEST_CASE("workflow lint: a text's problems carry their line, column and rule") {
  const std::string good = ReadText(kMinimalPath);
  Result<std::vector<LintProblem>> clean =
      LintWorkflowText(WorkflowSchema(), good, kFileJsonLimits);
  REQUIRE(clean.ok());
  CHECK(clean->empty());

  struct Case {
    const char* from;
    const char* to;
    const char* pointer;
    const char* rule;
  };
  const Case cases[] = {
      {"\"action\": \"stop_processing\"", "\"action\": \"stop_procesing\"", "/timers/0/action",
       "semantics"},
      {"\"status\": 4", "\"status\": \"4\"", "/states/1/status", "schema"},
      {"\"minLength\": 1 }", "\"minLength\": -1 }",
       "/procedure/form/properties/full_name/minLength", "form_schema"},
      {"\"en\": \"full name\"", "\"en\": \"\"", "/procedure/form/properties/full_name/title/en",
       "form_field"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pointer);
    const std::string text = Replaced(good, c.from, c.to);
    Result<std::vector<LintProblem>> problems =
        LintWorkflowText(WorkflowSchema(), text, kFileJsonLimits);
    REQUIRE(problems.ok());
    REQUIRE(problems->size() == 1);
    const LintProblem& problem = problems->front();
    CHECK(problem.pointer == c.pointer);
    CHECK(problem.rule == c.rule);
    // The value's own first character: after the key and ": " of the replacement.
    const auto [line, column] =
        LineColumnAt(text, text.find(c.to) + std::string(c.to).find(": ") + 2);
    CHECK(problem.line == line);
    CHECK(problem.column == column);
  }
}

TEST_CASE("workflow lint: a missing value is located at the object that lacks it") {
  json document = Minimal();
  document["states"][2].erase("names");
  Result<std::vector<LintProblem>> problems =
      LintWorkflowText(WorkflowSchema(), document.dump(2), kFileJsonLimits);
  REQUIRE(problems.ok());
  REQUIRE(problems->size() == 1);
  CHECK(problems->front().pointer == "/states/2/names");
  const std::string dumped = document.dump(2);
  // dump(2) writes each state's object on a line of its own, "{" in column 5.
  std::size_t at = dumped.find("\"states\": [");
  for (int i = 0; i < 3; ++i) at = dumped.find("\n    {", at + 1);
  const auto [line, column] = LineColumnAt(dumped, at + 5);  // past "\n    "
  CHECK(problems->front().line == line);
  CHECK(problems->front().column == column);
  CHECK(column == 5);
  CHECK(problems->front().rule == "schema");
}

TEST_CASE("workflow lint: a text that is not JSON is one problem where it broke") {
  Result<std::vector<LintProblem>> problems = LintWorkflowText(
      WorkflowSchema(), "{\n  \"procedure\": {\n    \"code\": 1.2.3\n  }\n}\n", kFileJsonLimits);
  REQUIRE(problems.ok());
  REQUIRE(problems->size() == 1);
  CHECK(problems->front().rule == "json_syntax");
  CHECK(problems->front().pointer.empty());
  CHECK(problems->front().line == 3);
  CHECK(problems->front().column == 16);
  CHECK(problems->front().message.find("syntax error") != std::string::npos);
}

TEST_CASE("workflow lint: a text over the limits is an error, not a problem") {
  const JsonLimits small{.max_depth = 8, .max_bytes = 64};
  Result<std::vector<LintProblem>> large =
      LintWorkflowText(WorkflowSchema(), std::string(65, ' '), small);
  REQUIRE_FALSE(large.ok());
  CHECK(large.error().reason() == ErrorReason::kJsonTooLarge);
  Result<std::vector<LintProblem>> deep =
      LintWorkflowText(WorkflowSchema(), std::string(9, '[') + std::string(9, ']'), small);
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().reason() == ErrorReason::kJsonTooDeep);
}

}  // namespace
}  // namespace motcua
