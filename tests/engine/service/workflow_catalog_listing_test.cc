// What the catalogue refuses at publish and how its listing survives a stored
// definition that cannot be loaded (issue 14.4).
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/service/workflow_catalog.h"
#include "tests/fakes/memory_store.h"
#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;

json MinimalWithPattern(const std::string& code, const std::string& pattern) {
  json workflow = LoadJson("tests/fixtures/workflows/good/minimal.json");
  workflow["procedure"]["code"] = code;
  workflow["procedure"]["form"]["properties"]["full_name"]["pattern"] = pattern;
  return workflow;
}

struct Catalog {
  FakeClock clock{Instant{std::chrono::sys_days{std::chrono::year{2026} / 3 / 2}}};
  MemoryStore store{&clock};
  WorkingCalendar calendar = BundledCalendar();
  WorkflowCatalog catalog{store, WorkflowSchema(), calendar, clock};
  std::vector<std::string> logged;

  Catalog() {
    catalog.SetProblemLog([this](std::string_view line) { logged.emplace_back(line); });
    REQUIRE(catalog
                .Publish(Actor{"test", {kSystemRole}, ""},
                         LoadJson("tests/fixtures/workflows/good/minimal.json"))
                .ok());
  }
};

TEST_CASE("workflow catalog: a form pattern that does not compile is refused at publish") {
  Catalog c;
  Result<StoredDefinition> published = c.catalog.Publish(
      Actor{"admin", {kSystemRole}, ""}, MinimalWithPattern("T-BAD", "("), std::string("T-BAD"));
  REQUIRE_FALSE(published.ok());
  CHECK(published.error().code() == ErrorCode::kInvalidArgument);
  CHECK(published.error().reason() == ErrorReason::kValidation);
  REQUIRE(published.error().fields().size() == 1);
  CHECK(published.error().fields()[0].pointer == "/procedure/form/properties/full_name/pattern");
  CHECK(c.catalog.Versions(Actor{"test", {kSystemRole}, ""}, "T-BAD").error().code() ==
        ErrorCode::kNotFound);
}

TEST_CASE("workflow catalog: a stored definition that cannot load is left out of the list") {
  Catalog c;
  // Straight into the store, as a hand edit of the database would: no lint.
  REQUIRE(
      c.store
          .PublishDefinition("T-BROKEN", MinimalWithPattern("T-BROKEN", "("), "dba", c.clock.Now())
          .ok());
  for (int i = 0; i < 2; ++i) {
    Result<std::vector<std::shared_ptr<const RunnableWorkflow>>> latest = c.catalog.Latest();
    REQUIRE(latest.ok());
    REQUIRE(latest->size() == 1);
    CHECK((*latest)[0]->workflow.procedure.code == "T-MINIMAL");
  }
  REQUIRE(c.logged.size() == 1);  // once, not once per listing
  CHECK(c.logged[0].find("stored definition T-BROKEN v1 cannot run") != std::string::npos);
  REQUIRE(c.catalog.BrokenDefinitions().size() == 1);
  Result<std::shared_ptr<const RunnableWorkflow>> broken = c.catalog.Get("T-BROKEN");
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code() == ErrorCode::kInternal);
  CHECK(c.catalog.Get("T-MINIMAL").ok());

  // A new, valid version replaces it in the list.
  REQUIRE(
      c.catalog.Publish(Actor{"admin", {kSystemRole}, ""}, MinimalWithPattern("T-BROKEN", "^[A-Z]"))
          .ok());
  Result<std::vector<std::shared_ptr<const RunnableWorkflow>>> latest = c.catalog.Latest();
  REQUIRE(latest.ok());
  CHECK(latest->size() == 2);
}

}  // namespace
}  // namespace motcua
