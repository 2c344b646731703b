#include "engine/domain/json_parse.h"

#include <doctest/doctest.h>

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace motcua {
namespace {

using nlohmann::json;

std::string NestedArrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

std::string NestedObjects(std::size_t depth) {
  std::string text;
  for (std::size_t i = 0; i < depth; ++i) text += "{\"a\":";
  text += "1";
  text += std::string(depth, '}');
  return text;
}

TEST_CASE("ParseJson: nesting at the limit parses, one level more is refused naming the limit") {
  struct Case {
    const char* name;
    std::string text;
    std::size_t max_depth;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"scalar at depth 0", "7", 0, true},
      {"[] over depth 0", "[]", 0, false},
      {"[] at depth 1", "[]", 1, true},
      {"64 arrays at 64", NestedArrays(64), 64, true},
      {"65 arrays over 64", NestedArrays(65), 64, false},
      {"64 objects at 64", NestedObjects(64), 64, true},
      {"65 objects over 64", NestedObjects(65), 64, false},
      {"mixed at 3", R"({"a":[{"b":1}],"c":[]})", 3, true},
      {"mixed over 2", R"({"a":[{"b":1}],"c":[]})", 2, false},
      {"siblings do not add up", "[[],[],[[]]]", 3, true},
      {"100,000 arrays over 64", NestedArrays(100'000), 64, false},
      {"100,000 unclosed arrays over 64", std::string(100'000, '['), 64, false},
      {"100,000 objects over 64", NestedObjects(100'000), 64, false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    Result<json> parsed = ParseJson(c.text, JsonLimits{.max_depth = c.max_depth});
    CHECK(parsed.ok() == c.ok);
    if (!c.ok && !parsed.ok()) {
      CHECK(parsed.error().code() == ErrorCode::kInvalidArgument);
      CHECK(parsed.error().reason() == ErrorReason::kJsonTooDeep);
      CHECK(parsed.error().message() ==
            "the JSON nests deeper than " + std::to_string(c.max_depth) + " levels");
    }
  }
}

TEST_CASE("ParseJson: the default and request limits are 64 levels") {
  CHECK(ParseJson(NestedArrays(64)).ok());
  CHECK(ParseJson(NestedArrays(64), kRequestJsonLimits).ok());
  CHECK(ParseJson(NestedArrays(64), kFileJsonLimits).ok());
  Result<json> deep = ParseJson(NestedArrays(65), kRequestJsonLimits);
  REQUIRE(!deep.ok());
  CHECK(deep.error().message() == "the JSON nests deeper than 64 levels");
  CHECK(ParseJson(NestedArrays(128), kStoredJsonLimits).ok());
  CHECK(!ParseJson(NestedArrays(129), kStoredJsonLimits).ok());
}

TEST_CASE("ParseJson: a text over max_bytes is refused before parsing, naming the limit") {
  const std::string text = "[" + std::string(100, ' ') + "]";
  CHECK(ParseJson(text, JsonLimits{.max_bytes = text.size()}).ok());
  Result<json> big = ParseJson(text, JsonLimits{.max_bytes = text.size() - 1});
  REQUIRE(!big.ok());
  CHECK(big.error().code() == ErrorCode::kInvalidArgument);
  CHECK(big.error().reason() == ErrorReason::kJsonTooLarge);
  CHECK(big.error().message() ==
        "the JSON text is larger than " + std::to_string(text.size() - 1) + " bytes");
  Result<json> request_sized =
      ParseJson(std::string(kRequestJsonLimits.max_bytes + 1, ' '), kRequestJsonLimits);
  REQUIRE(!request_sized.ok());
  CHECK(request_sized.error().reason() == ErrorReason::kJsonTooLarge);
}

TEST_CASE("ParseJson: syntax errors name the line and column") {
  struct Case {
    std::string text;
    std::string message_prefix;
  };
  const std::vector<Case> cases = {
      {"x", "line 1, column 1: syntax error while parsing value - invalid literal; last read: 'x'"},
      {"", "line 1, column 1: "},
      {"{\n  \"a\": 1,\n}", "line 3, column 1: "},
      {"[1] [2]", "line 1, column 5: "},
      {"[1e999]", "line 1, column 6: number overflow parsing '1e999'"},
      {"[\"\xff\"]", "line 1, column 3: "},
      {"[1, // comment\n2]", "line 1, column 5: "},
      {"{\"a\" 1}", "line 1, column 6: "},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Result<json> parsed = ParseJson(c.text);
    REQUIRE(!parsed.ok());
    CHECK(parsed.error().code() == ErrorCode::kInvalidArgument);
    CHECK(parsed.error().reason() == ErrorReason::kInvalidJson);
    CHECK_MESSAGE(parsed.error().message().rfind(c.message_prefix, 0) == 0,
                  parsed.error().message());
  }
}

TEST_CASE("ParseJson: builds the same value as nlohmann's parser") {
  const std::vector<std::string> texts = {
      "null",
      " true ",
      "-12",
      "18446744073709551615",
      "1.5e3",
      R"("tiếng Việt \u00e9 \ud83d\ude00")",
      R"({"a":[1,{"b":[true,null,"x"]},[]],"c":{},"d":-0.25})",
      R"([[1,2],[3,[4,[5]]],{"k":{"l":{"m":[]}}}])",
      R"({"dup":1,"dup":2})",
  };
  for (const std::string& text : texts) {
    CAPTURE(text);
    Result<json> parsed = ParseJson(text);
    REQUIRE_MESSAGE(parsed.ok(), parsed.error().message());
    CHECK(*parsed == json::parse(text));
  }
  CHECK(ParseJson(R"({"dup":1,"dup":2})")->at("dup") == 2);
}

}  // namespace
}  // namespace motcua
