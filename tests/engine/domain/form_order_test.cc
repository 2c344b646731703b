#include "engine/domain/form_order.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/json_text_support.h"

namespace motcua {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Fields written in an order that is not alphabetical, nested too.
const std::string kWorkflowText = R"({
  "procedure": {
    "form": {
      "type": "object",
      "properties": {
        "zeta": { "type": "string" },
        "alpha": {
          "type": "object",
          "properties": { "street": { "type": "string" }, "city": { "type": "string" } }
        },
        "mid": { "type": "array", "items": { "type": "object",
                 "properties": { "y": { "type": "integer" }, "b": { "type": "integer" } } } }
      }
    }
  }
})";

TEST_CASE("form order: parsing records the order the text writes the fields in") {
  Result<json> document = ParseWorkflowText(kWorkflowText, kFileJsonLimits);
  REQUIRE(document.ok());
  const json& form = document->at("procedure").at("form");
  CHECK(form.at("x-order") == json({"zeta", "alpha", "mid"}));
  CHECK(form.at("properties").at("alpha").at("x-order") == json({"street", "city"}));
  CHECK(form.at("properties").at("mid").at("items").at("x-order") == json({"y", "b"}));
  // Plain nlohmann::json sorts them: the reason "x-order" exists.
  CHECK(MemberNames(ordered_json(form.at("properties"))) ==
        std::vector<std::string>{"alpha", "mid", "zeta"});
}

TEST_CASE("form order: a written x-order is kept, and the parse errors are ParseJson's") {
  Result<json> written = ParseWorkflowText(
      R"({"procedure": {"form": {"x-order": ["b", "a"], "properties": {"a": {}, "b": {}}}}})",
      kFileJsonLimits);
  REQUIRE(written.ok());
  CHECK(written->at("procedure").at("form").at("x-order") == json({"b", "a"}));

  Result<json> broken = ParseWorkflowText("{\"procedure\": ", kFileJsonLimits);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().reason() == ErrorReason::kInvalidJson);
  Result<json> deep = ParseWorkflowText(std::string(100, '[') + std::string(100, ']'),
                                        JsonLimits{.max_depth = 64, .max_bytes = 1024});
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().reason() == ErrorReason::kJsonTooDeep);
  // Not a workflow: nothing to record, the value as parsed.
  Result<json> other = ParseWorkflowText("[1, {\"procedure\": 2}]", kFileJsonLimits);
  REQUIRE(other.ok());
  CHECK(*other == json::parse("[1, {\"procedure\": 2}]"));
}

TEST_CASE("form order: the rendered form lists fields in x-order, at every level") {
  Result<json> document = ParseWorkflowText(kWorkflowText, kFileJsonLimits);
  REQUIRE(document.ok());
  const ordered_json form = OrderedForm(document->at("procedure").at("form"));
  CHECK(MemberNames(form.at("properties")) == std::vector<std::string>{"zeta", "alpha", "mid"});
  CHECK(MemberNames(form.at("properties").at("alpha").at("properties")) ==
        std::vector<std::string>{"street", "city"});
  CHECK(MemberNames(form.at("properties").at("mid").at("items").at("properties")) ==
        std::vector<std::string>{"y", "b"});
  // The text of a response keeps it too.
  const std::string text = form.dump();
  CHECK(text.find("\"zeta\"") < text.find("\"alpha\""));
}

TEST_CASE("form order: a form stored without x-order renders by name, unknown names skipped") {
  const json legacy = json::parse(R"({"properties": {"b": {}, "a": {}}})");
  CHECK(MemberNames(OrderedForm(legacy).at("properties")) == std::vector<std::string>{"a", "b"});
  const json partial =
      json::parse(R"({"x-order": ["c", "gone", 7], "properties": {"b": {}, "a": {}, "c": {}}})");
  CHECK(MemberNames(OrderedForm(partial).at("properties")) ==
        std::vector<std::string>{"c", "a", "b"});
  CHECK(OrderedForm(json("not a schema")) == ordered_json("not a schema"));
}

}  // namespace
}  // namespace motcua
