// json_positions.h: where each value of a JSON text is, by JSON pointer.
//
// An editor shows a problem at a line and column, while the engine names the
// value it found wrong by a JSON pointer into the parsed document.
// JsonPositions bridges the two: it runs nlohmann's SAX parser over the text
// once, counting the bytes the parser has consumed, and keeps the byte offset
// where every value starts. A pointer that names nothing in the text (a
// required member that is missing, a value the engine added) is located at its
// nearest ancestor that the text does have.
//
// Lines and columns are 1-based; a column counts Unicode characters (UTF-8
// sequences), not bytes, as editors do for text in the Basic Multilingual
// Plane (all of Vietnamese).
//
// Contract: Index accepts any byte string and never throws; for a text that is
// not one JSON value it records the values before the first syntax error and
// that error's position. Its cost is one pass over the text plus the values'
// pointers. It stops at an array or object nested deeper than `max_depth`
// (reported as a syntax error "the JSON nests deeper than N levels"), so a
// hostile text costs no more than a valid one; it does not limit size, which
// the caller bounds (json_parse.h's limits).
//
// Thread safety: an index is immutable once built.
//
// Example:
//   JsonPositions positions = JsonPositions::Index(text);
//   TextPosition at = positions.Locate("/states/3/names/vi");  // {12, 31}
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace motcua {

struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;

  friend bool operator==(const TextPosition&, const TextPosition&) = default;
};

// The line and column of byte `offset` of `text` (clamped to its end).
TextPosition PositionOfByte(std::string_view text, std::size_t offset);

// One reference token of a JSON pointer (RFC 6901): "~" becomes "~0" and "/"
// becomes "~1".
std::string EscapePointerToken(std::string_view token);

// nlohmann's message for a parse error without its exception id and position:
// "[json.exception.parse_error.101] parse error at line 1, column 2: syntax
// error ..." -> "syntax error ...".
std::string JsonParseErrorReason(const std::string& what);

class JsonPositions {
 public:
  static JsonPositions Index(std::string_view text, std::size_t max_depth = 64);

  // Where the value `pointer` names starts, or its nearest ancestor's value;
  // the root's position for "" and for a text with no value at all.
  TextPosition Locate(const std::string& pointer) const;

  // Where the text stops being JSON (the byte the parser could not accept,
  // or the end of a text that ends too early), with the parser's reason;
  // nullopt for a valid JSON text.
  struct SyntaxError {
    TextPosition at;
    std::string reason;
  };
  const std::optional<SyntaxError>& syntax_error() const { return syntax_error_; }

 private:
  std::map<std::string, TextPosition> starts_;
  std::optional<SyntaxError> syntax_error_;
};

}  // namespace motcua
