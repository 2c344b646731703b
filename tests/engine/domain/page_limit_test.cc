#include "engine/domain/page_limit.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

TEST_CASE("page_limit: a limit is a whole number from 1 to the rule's ceiling") {
  CHECK(ParsePageLimit(std::nullopt, kDossierPageRule).value() == 50);
  CHECK(ParsePageLimit(std::nullopt, kFeedPageRule).value() == 100);
  CHECK(ParsePageLimit("1", kDossierPageRule).value() == 1);
  CHECK(ParsePageLimit("200", kDossierPageRule).value() == 200);
  CHECK(ParsePageLimit("1000", kFeedPageRule).value() == 1000);
  CHECK(CheckPageLimit(200, kDossierPageRule).ok());
  CHECK(CheckPageLimit(1000, kFeedPageRule).ok());
}

TEST_CASE("page_limit: anything else is validation at /limit naming the ceiling") {
  for (const char* text : {"0", "201", "-1", "+5", " 5", "5 ", "", "abc", "5a", "0x10", "1e2",
                           "99999999999999999999999", "2.0"}) {
    CAPTURE(text);
    Result<int> parsed = ParsePageLimit(std::string_view(text), kDossierPageRule);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code() == ErrorCode::kInvalidArgument);
    CHECK(parsed.error().reason() == ErrorReason::kValidation);
    REQUIRE(parsed.error().fields().size() == 1);
    CHECK(parsed.error().fields()[0].pointer == "/limit");
    CHECK(parsed.error().fields()[0].message == "must be a whole number from 1 to 200");
  }
  CHECK_FALSE(ParsePageLimit("1001", kFeedPageRule).ok());
  CHECK(ParsePageLimit("201", kFeedPageRule).ok());
  CHECK_FALSE(CheckPageLimit(0, kFeedPageRule).ok());
  CHECK_FALSE(CheckPageLimit(201, kDossierPageRule).ok());
  CHECK(CheckPageLimit(1001, kFeedPageRule).error().fields()[0].message ==
        "must be a whole number from 1 to 1000");
}

}  // namespace
}  // namespace motcua
