#include "engine/storage/column_codec.h"

#include <doctest/doctest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace motcua {
namespace {

Instant At(std::int64_t seconds) {
  return Instant(std::chrono::seconds(seconds));
}

TEST_CASE(
    "column codec: a clock never paused nor extended is written as the general path writes it") {
  // What nlohmann::json writes for the two empty lists, as EncodeClockParts
  // wrote before it had a constant for them: old rows and new ones alike.
  const std::string general = nlohmann::json{
      {"paused", nlohmann::json::array()},
      {"extensions",
       nlohmann::json::array()}}.dump();
  CHECK(EncodeClockParts(LegalClock{}) == general);
  LegalClock read;
  REQUIRE(DecodeClockParts(general, &read).ok());
  CHECK(read.paused.empty());
  CHECK(read.extensions.empty());
  // The same value spelled otherwise still parses, through the general path.
  LegalClock spaced;
  REQUIRE(DecodeClockParts(R"({ "paused": [], "extensions": [] })", &spaced).ok());
  CHECK(spaced.paused.empty());
  CHECK(spaced.extensions.empty());
}

TEST_CASE("column codec: pauses and extensions survive the round trip, and bad text is refused") {
  LegalClock clock;
  clock.paused = {{At(100), At(200)}, {At(300), std::nullopt}};
  clock.extensions = {{At(150), At(9000), "chờ ý kiến liên ngành"}};
  const std::string text = EncodeClockParts(clock);
  LegalClock read;
  REQUIRE(DecodeClockParts(text, &read).ok());
  REQUIRE(read.paused.size() == 2);
  CHECK(read.paused[0].from == At(100));
  CHECK(read.paused[0].to == At(200));
  CHECK_FALSE(read.paused[1].to.has_value());
  REQUIRE(read.extensions.size() == 1);
  CHECK(read.extensions[0].new_due == At(9000));
  CHECK(read.extensions[0].reason == "chờ ý kiến liên ngành");

  for (const char* bad :
       {"", "{", R"({"paused":[]})", R"({"extensions":[],"paused":[{}]})", "null"}) {
    CAPTURE(bad);
    LegalClock ignored;
    Status status = DecodeClockParts(bad, &ignored);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().reason() == ErrorReason::kCorruptRow);
  }
}

}  // namespace
}  // namespace motcua
