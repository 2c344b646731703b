#include "engine/domain/json_positions.h"

#include <iterator>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace motcua {
namespace {

using nlohmann::json;

// A pointer into the text that reports how far nlohmann's lexer has read:
// the lexer holds a copy and advances it one byte at a time, and every copy
// writes the furthest offset it reached into the same counter. When a SAX
// callback runs, the counter is at the end of the token just parsed (one
// byte further after a number, which the lexer ends by reading past it).
class CountingIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator() = default;
  CountingIterator(const char* at, const char* begin, std::size_t* consumed)
      : at_(at), begin_(begin), consumed_(consumed) {}

  reference operator*() const { return *at_; }
  CountingIterator& operator++() {
    ++at_;
    *consumed_ = static_cast<std::size_t>(at_ - begin_);
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const CountingIterator& a, const CountingIterator& b) {
    return a.at_ == b.at_;
  }

 private:
  const char* at_ = nullptr;
  const char* begin_ = nullptr;
  std::size_t* consumed_ = nullptr;
};

bool IsJsonWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Records the start of every value. A value's first byte is found by
// scanning forward from where the previous token ended, over whitespace and
// at most one ':' or ',' separator.
class PositionRecorder final : public nlohmann::json_sax<json> {
 public:
  PositionRecorder(std::string_view text, const std::size_t& consumed,
                   std::map<std::string, TextPosition>& starts, std::size_t max_depth)
      : text_(text), consumed_(consumed), starts_(starts), max_depth_(max_depth) {}

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t) override { return Scalar(); }
  bool number_unsigned(number_unsigned_t) override { return Scalar(); }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool string(string_t&) override { return Scalar(); }
  bool binary(binary_t&) override { return Scalar(); }

  bool start_object(std::size_t) override { return Open(/*is_array=*/false); }
  bool key(string_t& name) override {
    open_.back().key = EscapePointerToken(name);
    scan_from_ = consumed_;
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(/*is_array=*/true); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::json::exception& ex) override {
    // `position` counts bytes read, 1-based: the byte the parser refused.
    error_ = JsonPositions::SyntaxError{At(position == 0 ? 0 : position - 1),
                                        JsonParseErrorReason(ex.what())};
    return false;
  }

  // The line and column of byte `offset`. The parser only moves forward, so
  // the cursor advances from where it last stood and the whole index costs
  // one pass over the text; an offset behind the cursor is counted afresh.
  TextPosition At(std::size_t offset) {
    if (offset > text_.size()) offset = text_.size();
    if (offset < cursor_offset_) {
      cursor_offset_ = 0;
      cursor_ = {};
    }
    const TextPosition step =
        PositionOfByte(text_.substr(cursor_offset_), offset - cursor_offset_);
    if (step.line > 1) {
      cursor_.line += step.line - 1;
      cursor_.column = step.column;
    } else {
      cursor_.column += step.column - 1;
    }
    cursor_offset_ = offset;
    return cursor_;
  }

  std::optional<JsonPositions::SyntaxError>& error() { return error_; }

 private:
  struct Container {
    std::string pointer;
    bool is_array = false;
    std::size_t next_index = 0;
    std::string key;  // the member being read, escaped
  };

  std::size_t ValueStart() const {
    std::size_t at = scan_from_;
    while (at < text_.size() && IsJsonWhitespace(text_[at])) ++at;
    if (at < text_.size() && (text_[at] == ':' || text_[at] == ',')) ++at;
    while (at < text_.size() && IsJsonWhitespace(text_[at])) ++at;
    return at;
  }

  // Records where the value now being read starts; returns its pointer.
  std::string Record() {
    std::string pointer;
    if (!open_.empty()) {
      Container& container = open_.back();
      pointer = container.pointer + "/" +
                (container.is_array ? std::to_string(container.next_index++) : container.key);
    }
    starts_.emplace(pointer, At(ValueStart()));
    return pointer;
  }

  bool Scalar() {
    Record();
    scan_from_ = consumed_;
    return true;
  }

  bool Open(bool is_array) {
    if (open_.size() >= max_depth_) {
      error_ = JsonPositions::SyntaxError{
          At(ValueStart()),
          "the JSON nests deeper than " + std::to_string(max_depth_) + " levels"};
      return false;
    }
    open_.push_back({.pointer = Record(), .is_array = is_array, .next_index = 0, .key = {}});
    scan_from_ = consumed_;
    return true;
  }

  bool Close() {
    open_.pop_back();
    scan_from_ = consumed_;
    return true;
  }

  std::string_view text_;
  const std::size_t& consumed_;
  std::map<std::string, TextPosition>& starts_;
  std::size_t max_depth_;
  std::size_t cursor_offset_ = 0;
  TextPosition cursor_;
  std::vector<Container> open_;
  std::size_t scan_from_ = 0;
  std::optional<JsonPositions::SyntaxError> error_;
};

}  // namespace

std::string EscapePointerToken(std::string_view token) {
  std::string escaped;
  escaped.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      escaped += "~0";
    } else if (c == '/') {
      escaped += "~1";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string JsonParseErrorReason(const std::string& what) {
  std::string reason = what;
  if (!reason.empty() && reason.front() == '[') {
    const std::size_t id_end = reason.find("] ");
    if (id_end != std::string::npos) reason.erase(0, id_end + 2);
  }
  if (reason.rfind("parse error", 0) == 0) {
    const std::size_t colon = reason.find(": ");
    if (colon != std::string::npos) reason.erase(0, colon + 2);
  }
  return reason;
}

TextPosition PositionOfByte(std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  TextPosition position;
  for (std::size_t i = 0; i < offset; ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      ++position.line;
      position.column = 1;
    } else if ((byte & 0xC0) != 0x80) {  // not a UTF-8 continuation byte
      ++position.column;
    }
  }
  return position;
}

JsonPositions JsonPositions::Index(std::string_view text, std::size_t max_depth) {
  JsonPositions positions;
  std::size_t consumed = 0;
  PositionRecorder recorder(text, consumed, positions.starts_, max_depth);
  const char* begin = text.data();
  try {
    json::sax_parse(CountingIterator(begin, begin, &consumed),
                    CountingIterator(begin + text.size(), begin, &consumed), &recorder);
  } catch (const nlohmann::json::exception& e) {
    recorder.error() = SyntaxError{recorder.At(consumed), JsonParseErrorReason(e.what())};
  }
  positions.syntax_error_ = std::move(recorder.error());
  return positions;
}

TextPosition JsonPositions::Locate(const std::string& pointer) const {
  std::string at = pointer;
  while (true) {
    auto found = starts_.find(at);
    if (found != starts_.end()) return found->second;
    if (at.empty()) return {};
    const std::size_t parent_end = at.rfind('/');
    at.erase(parent_end == std::string::npos ? 0 : parent_end);
  }
}

}  // namespace motcua
