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

TEST_CASE("json positions: nesting deeper than the limit stops the index with a syntax error") {
  // 100,000 levels used to build 100,000 pointers of growing length (and
  // kill `motcua lint` under the address sanitizer); the index now stops at
  // the first array deeper than the limit, where ParseJson stops too.
  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const JsonPositions positions = JsonPositions::Index(deep);
  REQUIRE(positions.syntax_error().has_value());
  CHECK(positions.syntax_error()->reason == "the JSON nests deeper than 64 levels");
  CHECK(positions.syntax_error()->at == TextPosition{1, 65});

  const JsonPositions shallow = JsonPositions::Index("{\"a\": [[1]]}", 2);
  REQUIRE(shallow.syntax_error().has_value());
  CHECK(shallow.syntax_error()->reason == "the JSON nests deeper than 2 levels");
  CHECK(shallow.syntax_error()->at == TextPosition{1, 8});
  CHECK_FALSE(JsonPositions::Index("{\"a\": [1]}", 2).syntax_error().has_value());
}

TEST_CASE("json positions: a long text keeps its lines and columns to the last value") {
  // The index walks forward from the last value it located; every line's
  // values must still land where they are.
  std::string text = "[\n";
  const int lines = 20'000;
  for (int i = 0; i < lines; ++i) {
    text += "  \"đ\", " + std::to_string(i) + (i + 1 < lines ? ",\n" : "\n");
  }
  text += "]\n";
  const JsonPositions positions = JsonPositions::Index(text);
  REQUIRE_FALSE(positions.syntax_error().has_value());
  for (int i : {0, 1, 777, lines - 1}) {
    CAPTURE(i);
    const auto line = static_cast<std::size_t>(i) + 2;
    CHECK(positions.Locate("/" + std::to_string(2 * i)) == TextPosition{line, 3});
    CHECK(positions.Locate("/" + std::to_string(2 * i + 1)) == TextPosition{line, 8});
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
