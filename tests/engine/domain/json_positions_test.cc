#include "engine/domain/json_positions.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

// Every kind of value, numbers ending at ',' ']' and whitespace, an escaped
// key, and Vietnamese text before a value (columns count characters).
const std::string kText =
    "{\n"                                      // 1
    "  \"a\": [1, 22 ,\n"                      // 2
    "    {\"b/c\": true, \"d~e\": null}],\n"   // 3
    "  \"tên\": \"Nguyễn\", \"n\": -1.5e3,\n"  // 4
    "  \"o\": {\"p\": [[], {}, \"x\"]}\n"      // 5
    "}\n";

TEST_CASE("json positions: every value is located at its first character") {
  const JsonPositions positions = JsonPositions::Index(kText);
  REQUIRE_FALSE(positions.syntax_error().has_value());
  struct Case {
    const char* pointer;
    TextPosition at;
  };
  const Case cases[] = {
      {"", {1, 1}},        {"/a", {2, 8}},         {"/a/0", {2, 9}},       {"/a/1", {2, 12}},
      {"/a/2", {3, 5}},    {"/a/2/b~1c", {3, 13}}, {"/a/2/d~0e", {3, 26}}, {"/tên", {4, 10}},
      {"/n", {4, 25}},     {"/o", {5, 8}},         {"/o/p", {5, 14}},      {"/o/p/0", {5, 15}},
      {"/o/p/1", {5, 19}}, {"/o/p/2", {5, 23}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pointer);
    const TextPosition at = positions.Locate(c.pointer);
    CHECK(at.line == c.at.line);
    CHECK(at.column == c.at.column);
  }
}

TEST_CASE("json positions: a value the text lacks is located at its nearest ancestor") {
  const JsonPositions positions = JsonPositions::Index(kText);
  CHECK(positions.Locate("/a/2/missing") == TextPosition{3, 5});
  CHECK(positions.Locate("/o/p/7/deeper/still") == TextPosition{5, 14});
  CHECK(positions.Locate("/nothing") == TextPosition{1, 1});
  CHECK(positions.Locate("no-leading-slash") == TextPosition{1, 1});
}

TEST_CASE("json positions: a syntax error is located at the byte the parser refused") {
  struct Case {
    const char* text;
    TextPosition at;
  };
  const Case cases[] = {
      {"{\n  \"a\": 1,\n}", {3, 1}},         // trailing comma: the '}'
      {"{\n  \"code\": 1.2.3\n}", {2, 14}},  // the second '.'
      {"[\"Việt\", x]", {1, 10}},            // after a multi-byte character
      {"{\"a\": ", {1, 7}},                  // the text ends too early
      {"", {1, 1}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const JsonPositions positions = JsonPositions::Index(c.text);
    REQUIRE(positions.syntax_error().has_value());
    CHECK(positions.syntax_error()->at.line == c.at.line);
    CHECK(positions.syntax_error()->at.column == c.at.column);
    CHECK(positions.syntax_error()->reason.find("[json.exception") == std::string::npos);
  }
}

TEST_CASE("json positions: byte offsets become lines and character columns") {
  CHECK(PositionOfByte("ab\ncd", 0) == TextPosition{1, 1});
  CHECK(PositionOfByte("ab\ncd", 3) == TextPosition{2, 1});
  CHECK(PositionOfByte("ab\ncd", 99) == TextPosition{2, 3});
  CHECK(PositionOfByte("ờx", 3) == TextPosition{1, 2});  // "ờ" is three bytes
  CHECK(EscapePointerToken("a/b~c") == "a~1b~0c");
}

}  // namespace
}  // namespace motcua
