#include "engine/domain/json_parse.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace motcua {
namespace {

using nlohmann::json;

// nlohmann's messages read "[json.exception.parse_error.101] parse error at
// line 1, column 2: syntax error ..." or "[json.exception.out_of_range.406]
// number overflow ..."; the id and position are dropped (Located adds ours).
std::string ParseErrorReason(const std::string& what) {
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

// "line L, column C: reason" for the byte at 1-based `byte` (or one past the
// end when the text ended too early).
std::string Located(std::string_view text, std::size_t byte, const std::string& reason) {
  const std::size_t offset = std::min<std::size_t>(byte == 0 ? 0 : byte - 1, text.size());
  std::size_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(offset - line_start + 1) +
         ": " + reason;
}

// Builds the DOM like nlohmann's json_sax_dom_parser, but refuses to open an
// array or object deeper than the limit. `open_` holds the containers being
// filled, outermost first; its size is the current depth.
class BoundedDomBuilder final : public nlohmann::json_sax<json> {
 public:
  BoundedDomBuilder(std::string_view text, std::size_t max_depth)
      : text_(text), max_depth_(max_depth) {}

  bool null() override { return Add(json(nullptr)); }
  bool boolean(bool value) override { return Add(json(value)); }
  bool number_integer(number_integer_t value) override { return Add(json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return Add(json(value)); }
  bool number_float(number_float_t value, const string_t&) override { return Add(json(value)); }
  bool string(string_t& value) override { return Add(json(std::move(value))); }
  bool binary(binary_t& value) override { return Add(json::binary(std::move(value))); }

  bool start_object(std::size_t) override { return Open(json::object()); }
  bool key(string_t& name) override {
    pending_key_ = std::move(name);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(json::array()); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::json::exception& ex) override {
    error_ =
        Error(ErrorCode::kInvalidArgument, Located(text_, position, ParseErrorReason(ex.what())),
              ErrorReason::kInvalidJson);
    return false;
  }

  const std::optional<Error>& error() const { return error_; }
  json& root() { return root_; }

 private:
  // Puts `value` where the parser is: the root, the next array element, or
  // the member named by the last key. Returns where it went.
  json* Place(json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    json& container = *open_.back();
    if (container.is_array()) {
      container.push_back(std::move(value));
      return &container.back();
    }
    json& member = container[pending_key_];
    member = std::move(value);
    return &member;
  }

  bool Add(json value) {
    Place(std::move(value));
    return true;
  }

  bool Open(json empty_container) {
    if (open_.size() >= max_depth_) {
      error_ = Error(ErrorCode::kInvalidArgument,
                     "the JSON nests deeper than " + std::to_string(max_depth_) + " levels",
                     ErrorReason::kJsonTooDeep);
      return false;
    }
    open_.push_back(Place(std::move(empty_container)));
    return true;
  }

  bool Close() {
    open_.pop_back();
    return true;
  }

  std::string_view text_;
  std::size_t max_depth_;
  json root_;
  std::vector<json*> open_;
  std::string pending_key_;
  std::optional<Error> error_;
};

}  // namespace

Result<json> ParseJson(std::string_view text, JsonLimits limits) {
  if (text.size() > limits.max_bytes) {
    return Error(ErrorCode::kInvalidArgument,
                 "the JSON text is larger than " + std::to_string(limits.max_bytes) + " bytes",
                 ErrorReason::kJsonTooLarge);
  }
  BoundedDomBuilder builder(text, limits.max_depth);
  bool parsed = false;
  try {
    parsed = json::sax_parse(text.data(), text.data() + text.size(), &builder);
  } catch (const json::exception& e) {
    return Error(ErrorCode::kInvalidArgument, std::string("invalid JSON: ") + e.what(),
                 ErrorReason::kInvalidJson);
  }
  if (builder.error()) return *builder.error();
  if (!parsed) return Error(ErrorCode::kInvalidArgument, "invalid JSON", ErrorReason::kInvalidJson);
  return std::move(builder.root());
}

}  // namespace motcua
