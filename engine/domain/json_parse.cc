#include "engine/domain/json_parse.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/domain/json_positions.h"

namespace motcua {
namespace {

using nlohmann::json;

// "line L, column C: reason" for the byte at 1-based `byte` (or one past the
// end when the text ended too early).
std::string Located(std::string_view text, std::size_t byte, const std::string& reason) {
  const TextPosition at = PositionOfByte(text, byte == 0 ? 0 : byte - 1);
  return "line " + std::to_string(at.line) + ", column " + std::to_string(at.column) + ": " +
         reason;
}

// Builds the DOM like nlohmann's json_sax_dom_parser, but refuses to open an
// array or object deeper than the limit. `open_` holds the containers being
// filled, outermost first; its size is the current depth.
template <typename Json>
class BoundedDomBuilder final : public nlohmann::json_sax<Json> {
 public:
  using number_integer_t = typename Json::number_integer_t;
  using number_unsigned_t = typename Json::number_unsigned_t;
  using number_float_t = typename Json::number_float_t;
  using string_t = typename Json::string_t;
  using binary_t = typename Json::binary_t;

  BoundedDomBuilder(std::string_view text, std::size_t max_depth)
      : text_(text), max_depth_(max_depth) {}

  bool null() override { return Add(Json(nullptr)); }
  bool boolean(bool value) override { return Add(Json(value)); }
  bool number_integer(number_integer_t value) override { return Add(Json(value)); }
  bool number_unsigned(number_unsigned_t value) override { return Add(Json(value)); }
  bool number_float(number_float_t value, const string_t&) override { return Add(Json(value)); }
  bool string(string_t& value) override { return Add(Json(std::move(value))); }
  bool binary(binary_t& value) override { return Add(Json::binary(std::move(value))); }

  bool start_object(std::size_t) override { return Open(Json::object()); }
  bool key(string_t& name) override {
    pending_key_ = std::move(name);
    return true;
  }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(Json::array()); }
  bool end_array() override { return Close(); }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::json::exception& ex) override {
    error_ =
        Error(ErrorCode::kInvalidArgument,
              Located(text_, position, JsonParseErrorReason(ex.what())), ErrorReason::kInvalidJson);
    return false;
  }

  const std::optional<Error>& error() const { return error_; }
  Json& root() { return root_; }

 private:
  // Puts `value` where the parser is: the root, the next array element, or
  // the member named by the last key. Returns where it went.
  Json* Place(Json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json& container = *open_.back();
    if (container.is_array()) {
      container.push_back(std::move(value));
      return &container.back();
    }
    Json& member = container[pending_key_];
    member = std::move(value);
    return &member;
  }

  bool Add(Json value) {
    Place(std::move(value));
    return true;
  }

  bool Open(Json empty_container) {
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
  Json root_;
  std::vector<Json*> open_;
  std::string pending_key_;
  std::optional<Error> error_;
};

template <typename Json>
Result<Json> ParseWithLimits(std::string_view text, JsonLimits limits) {
  if (text.size() > limits.max_bytes) {
    return Error(ErrorCode::kInvalidArgument,
                 "the JSON text is larger than " + std::to_string(limits.max_bytes) + " bytes",
                 ErrorReason::kJsonTooLarge);
  }
  BoundedDomBuilder<Json> builder(text, limits.max_depth);
  bool parsed = false;
  try {
    parsed = Json::sax_parse(text.data(), text.data() + text.size(), &builder);
  } catch (const nlohmann::json::exception& e) {
    return Error(ErrorCode::kInvalidArgument, std::string("invalid JSON: ") + e.what(),
                 ErrorReason::kInvalidJson);
  }
  if (builder.error()) return *builder.error();
  if (!parsed) return Error(ErrorCode::kInvalidArgument, "invalid JSON", ErrorReason::kInvalidJson);
  return std::move(builder.root());
}

}  // namespace

Result<json> ParseJson(std::string_view text, JsonLimits limits) {
  return ParseWithLimits<json>(text, limits);
}

Result<nlohmann::ordered_json> ParseOrderedJson(std::string_view text, JsonLimits limits) {
  return ParseWithLimits<nlohmann::ordered_json>(text, limits);
}

}  // namespace motcua
