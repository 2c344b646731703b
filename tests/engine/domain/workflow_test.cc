#include "engine/domain/workflow.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/source_tree.h"

namespace motcua {
namespace {

nlohmann::json LoadExample() {
  return LoadJson("workflows/1.004222-permanent-residence.json");
}

TEST_CASE("workflow: parses the permanent residence definition into the model") {
  Result<Workflow> parsed = ParseWorkflow(LoadExample());
  REQUIRE(parsed.ok());
  const Workflow& wf = *parsed;

  CHECK(wf.procedure.code == "1.004222");
  CHECK(wf.procedure.deadline.same_day == false);
  CHECK(wf.procedure.deadline.working_days == 7);
  REQUIRE(wf.procedure.fees.size() == 1);
  CHECK(wf.procedure.fees[0].desk_amount == 20000);
  CHECK(wf.procedure.fees[0].online_amount == 10000);
  CHECK(wf.procedure.online_level == OnlineLevel::kFull);
  CHECK(wf.procedure.agency_level == "commune");
  REQUIRE(wf.procedure.FindDocument("declaration") != nullptr);
  CHECK(wf.procedure.FindDocument("declaration")->required);
  CHECK_FALSE(wf.procedure.FindDocument("relationship_proof")->required);
  CHECK(wf.procedure.form_schema["required"].size() == 3);
  CHECK(wf.initial_state == "submitted");

  const State* fee = wf.FindState("awaiting_fee");
  REQUIRE(fee != nullptr);
  CHECK(fee->status == NationalStatus::kFinancialObligation);
  CHECK(fee->clock == ClockMode::kPaused);
  const State* review = wf.FindState("in_review");
  REQUIRE(review->sla.has_value());
  CHECK(review->sla->amount == 5);
  CHECK_FALSE(review->sla->in_hours);
  CHECK(wf.FindState("submitted")->sla->in_hours);
  const State* returned = wf.FindState("returned");
  CHECK(returned->terminal);
  CHECK(returned->outcome == Outcome::kApproved);

  const Action* sign = wf.FindAction("sign_result");
  REQUIRE(sign != nullptr);
  CHECK(sign->requirements.result_signature);
  CHECK(sign->four_eyes == std::vector<std::string>{"propose_result"});
  CHECK(sign->clock == ClockEffect::kStop);
  CHECK(sign->AllowsRole("leader"));
  CHECK_FALSE(sign->AllowsRole("specialist"));
  CHECK(sign->AllowedFrom("awaiting_signature"));
  CHECK(wf.FindAction("pay_fee")->step == ApplicantStep::kPayment);
  CHECK(wf.FindAction("nonexistent") == nullptr);
  REQUIRE(wf.timers.size() == 2);
  CHECK(wf.timers[0].after_working_days == 30);
}

TEST_CASE("workflow: reports every value it cannot read with its pointer") {
  nlohmann::json doc = LoadExample();
  doc["procedure"]["deadline"] = {{"working_days", "seven"}};
  doc["states"][2]["status"] = 11;
  doc["actions"][0]["clock"] = "sometimes";
  doc.erase("initial_state");

  Result<Workflow> parsed = ParseWorkflow(doc);
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code() == ErrorCode::kInvalidArgument);
  const std::vector<FieldError> expected = {
      {"/procedure/deadline/working_days", "must be a whole number"},
      {"/initial_state", "is required"},
      {"/states/2/status", "must be a national status code from 1 to 10"},
      {"/actions/0/clock", "must be one of \"start\", \"pause\", \"resume\", \"extend\", \"stop\""},
  };
  CHECK(parsed.error().fields() == expected);
}

TEST_CASE("workflow: same-day deadline with a custom cut-off") {
  nlohmann::json doc = LoadExample();
  doc["procedure"]["deadline"] = {{"same_day", true}, {"cutoff", "14:30"}};
  Result<Workflow> parsed = ParseWorkflow(doc);
  REQUIRE(parsed.ok());
  CHECK(parsed->procedure.deadline.same_day);
  CHECK(parsed->procedure.deadline.cutoff_minutes == 14 * 60 + 30);

  doc["procedure"]["deadline"]["cutoff"] = "25:00";
  Result<Workflow> bad = ParseWorkflow(doc);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().fields().at(0).pointer == "/procedure/deadline/cutoff");
}

TEST_CASE("workflow: national status codes 3, 7, 8, 9 and 10 end processing") {
  for (int code = 1; code <= 10; ++code) {
    const bool ending = code == 3 || code == 7 || code == 8 || code == 9 || code == 10;
    CHECK(IsEndingStatus(static_cast<NationalStatus>(code)) == ending);
  }
}

TEST_CASE("workflow: channel names round-trip") {
  for (Channel c : {Channel::kDesk, Channel::kOnline, Channel::kPost}) {
    CHECK(ChannelFromName(ChannelName(c)) == c);
  }
  CHECK_FALSE(ChannelFromName("fax").has_value());
}

TEST_CASE("workflow: localized names are read, with the one-language name beside them") {
  Result<Workflow> parsed = ParseWorkflow(LoadExample());
  REQUIRE(parsed.ok());
  const Workflow& wf = *parsed;
  CHECK(wf.procedure.names ==
        LocalizedText{"Đăng ký thường trú", "Permanent residence registration"});
  CHECK(wf.FindState("returned")->names.vi == "Đã trả kết quả");
  CHECK(wf.FindState("returned")->name == "Result returned");
  CHECK(wf.FindAction("receive")->names.vi == "Tiếp nhận hồ sơ");
  CHECK(wf.procedure.FindDocument("declaration")->names.vi ==
        "Tờ khai thay đổi thông tin cư trú (mẫu CT01)");
  CHECK(wf.procedure.fees[0].names.vi == "Lệ phí đăng ký cư trú");
}

// A version published before localized names existed must keep loading from
// the database: it is served with its one-language text in both languages.
TEST_CASE(
    "workflow: a definition without localized names still parses, its names in both languages") {
  nlohmann::json doc = LoadExample();
  doc["procedure"].erase("names");
  for (auto& fee : doc["procedure"]["fees"]) fee.erase("names");
  for (auto& document : doc["procedure"]["documents"]) document.erase("names");
  for (auto& state : doc["states"]) state.erase("names");
  for (auto& action : doc["actions"]) action.erase("names");
  doc["actions"][0].erase("title");
  Result<Workflow> parsed = ParseWorkflow(doc);
  REQUIRE(parsed.ok());
  const Workflow& wf = *parsed;
  CHECK(wf.procedure.names.vi == wf.procedure.name);
  CHECK(wf.procedure.names.en == wf.procedure.name);
  CHECK(wf.FindState("returned")->names == LocalizedText{"Result returned", "Result returned"});
  CHECK(wf.FindAction("sign_result")->names == LocalizedText{"Sign the result", "Sign the result"});
  CHECK(wf.FindAction("sign_result")->title == "Sign the result");
  // No title either: the action's machine name, and the title stays empty as before.
  CHECK(wf.actions[0].names == LocalizedText{"receive", "receive"});
  CHECK(wf.actions[0].title.empty());
  CHECK(wf.procedure.fees[0].names.en == "Registration fee");
  CHECK(wf.procedure.documents[0].names.vi == wf.procedure.documents[0].name);
}

TEST_CASE("workflow: names without a one-language name fill it from English") {
  nlohmann::json doc = LoadExample();
  doc["states"][0].erase("name");
  doc["actions"][0].erase("title");
  Result<Workflow> parsed = ParseWorkflow(doc);
  REQUIRE(parsed.ok());
  CHECK(parsed->states[0].name == "Submitted, awaiting reception");
  CHECK(parsed->actions[0].title == "Receive the dossier");
}

}  // namespace
}  // namespace motcua
