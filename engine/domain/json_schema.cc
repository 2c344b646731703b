// json_schema.cc: a validator for the JSON Schema draft 2020-12 subset motcua needs.
//
// Supported keywords (anything else is a compile error):
//   core:        $schema, $id (annotation only; it does not change reference resolution),
//                $defs, $ref (local "#" and "#/json/pointer" references only; recursion allowed),
//                $comment
//   annotations: title, description, default, examples, deprecated, readOnly, writeOnly;
//                title and description may also be motcua's localized text, an object of
//                strings {"vi": .., "en": ..}; any keyword starting with "x-" (e.g. the
//                form keywords "x-widget" and "x-order", checked by the workflow linter)
//   any type:    type, enum, const
//   numbers:     multipleOf, maximum, exclusiveMaximum, minimum, exclusiveMinimum
//   strings:     maxLength, minLength (Unicode code points), pattern (ECMA-262, unanchored; see
//                ecma_regex.h for what is refused), format ("date", "date-time", "email", "uri"
//                are asserted, date and date-time as rfc3339.h reads them; others rejected)
//   arrays:      maxItems, minItems, uniqueItems, prefixItems, items, contains, minContains,
//                maxContains
//   objects:     maxProperties, minProperties, required, properties, patternProperties,
//                additionalProperties, propertyNames, dependentRequired
//   applicators: allOf, anyOf, oneOf, not, if, then, else
// Boolean schemas (true / false) are accepted wherever a schema is.
// Not supported: unevaluatedProperties, unevaluatedItems, dependentSchemas, $anchor,
// $dynamicRef, remote references, and the draft-7 forms (array "items", "definitions").
//
// Compile walks the schema once into a tree of SchemaNode; Validate only reads that tree, so a
// compiled schema is immutable and may be shared between threads.
//
// Costs are bounded whatever the schema and the instance (both may come from hostile hands: an
// admin's workflow, an applicant's form):
//   - patterns run on RE2, in time linear in the text and memory at most kPatternMemory each,
//     with at most kMaxPatterns distinct patterns in a schema; a pattern RE2 cannot run is a
//     compile error, never a slow match;
//   - a string over maxLength (or under minLength) is not matched against its pattern, and an
//     array over maxItems (an object over maxProperties) is reported for its size only, without
//     looking at its items (properties);
//   - uniqueItems hashes a canonical form of each item: linear, not quadratic;
//   - one Validate call takes at most kMaxValidationSteps steps (a schema applied to a value is
//     a step; long texts count more), which bounds schemas whose applicators and references
//     multiply the work (anyOf over $ref over anyOf ...). Past it, validation stops and reports
//     that the value is too complex to check, so the instance is never taken as valid;
//   - it reports at most kMaxErrors problems, and quotes at most kMaxQuoted bytes of a schema
//     value (const, enum, pattern) in a message.
#include "engine/domain/json_schema.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "engine/domain/ecma_regex.h"
#include "engine/domain/json_positions.h"
#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

// {"vi": "..", "en": ".."} and nothing else: the workflow linter decides
// which languages are required and that they are not empty.
bool IsLocalizedText(const nlohmann::json& value) {
  if (!value.is_object()) return false;
  for (const auto& [language, text] : value.items()) {
    if ((language != "vi" && language != "en") || !text.is_string()) return false;
  }
  return true;
}

using nlohmann::json;

// Deepest nesting of schemas inside a schema document that Compile accepts.
constexpr int kMaxSchemaDepth = 256;
// Most "$ref" hops on one evaluation path; bounds recursion on deep instances.
constexpr int kMaxReferenceDepth = 64;
// RE2's memory budget for one pattern (program and lazily built DFA). Enough for any ASCII
// pattern of sane size and for a name field such as ^[\p{L} ]{1,100}$ (about 2 MiB of program);
// [\p{L}]{1,1000} is too large, and the compile error says to use + and maxLength instead.
constexpr std::int64_t kPatternMemory = std::int64_t{4} << 20;
// Most distinct patterns (pattern and patternProperties) in one schema. With kPatternMemory this
// bounds one schema's regex memory at 256 MiB; real forms have a handful.
constexpr std::size_t kMaxPatterns = 64;
// Most steps of one Validate call; see the file comment.
constexpr std::uint64_t kMaxValidationSteps = 2'000'000;
// Bytes of text a pattern search may read per step.
constexpr std::uint64_t kBytesPerStep = 256;
// Most problems one Validate call reports (one more says that the list was cut).
constexpr std::size_t kMaxErrors = 200;
// Most bytes of a schema value quoted in one message.
constexpr std::size_t kMaxQuoted = 120;

enum TypeBit : unsigned {
  kNullType = 1u << 0,
  kBooleanType = 1u << 1,
  kObjectType = 1u << 2,
  kArrayType = 1u << 3,
  kNumberType = 1u << 4,
  kStringType = 1u << 5,
  kIntegerType = 1u << 6,
};

struct TypeName {
  std::string_view name;
  TypeBit bit;
  std::string_view phrase;  // "must be <phrase>"
};

// In the order type lists are phrased in messages ("must be a string or null").
constexpr TypeName kTypeNames[] = {
    {"string", kStringType, "a string"},
    {"number", kNumberType, "a number"},
    {"integer", kIntegerType, "an integer"},
    {"boolean", kBooleanType, "a boolean"},
    {"object", kObjectType, "an object"},
    {"array", kArrayType, "an array"},
    {"null", kNullType, "null"},
};

enum class Format { kNone, kDate, kDateTime, kEmail, kUri };

struct Pattern {
  std::string source;                     // as written in the schema (ECMA-262)
  std::shared_ptr<const re2::RE2> regex;  // its RE2 translation; shared by equal sources
};

// One compiled schema. A boolean schema sets only `boolean_schema`.
struct SchemaNode {
  std::optional<bool> boolean_schema;

  unsigned types = 0;  // bit set of TypeBit; 0 means no "type" keyword
  std::optional<std::vector<json>> enum_values;
  std::optional<json> const_value;

  std::optional<json> multiple_of;
  std::optional<json> maximum;
  std::optional<json> exclusive_maximum;
  std::optional<json> minimum;
  std::optional<json> exclusive_minimum;

  std::optional<std::uint64_t> max_length;
  std::optional<std::uint64_t> min_length;
  std::optional<Pattern> pattern;
  Format format = Format::kNone;

  std::optional<std::uint64_t> max_items;
  std::optional<std::uint64_t> min_items;
  bool unique_items = false;
  std::vector<const SchemaNode*> prefix_items;
  const SchemaNode* items = nullptr;
  const SchemaNode* contains = nullptr;
  std::optional<std::uint64_t> min_contains;
  std::optional<std::uint64_t> max_contains;

  std::optional<std::uint64_t> max_properties;
  std::optional<std::uint64_t> min_properties;
  std::vector<std::string> required;
  std::map<std::string, const SchemaNode*> properties;
  std::vector<std::pair<Pattern, const SchemaNode*>> pattern_properties;
  const SchemaNode* additional_properties = nullptr;
  const SchemaNode* property_names = nullptr;
  std::vector<std::pair<std::string, std::vector<std::string>>> dependent_required;

  std::vector<const SchemaNode*> all_of;
  std::vector<const SchemaNode*> any_of;
  std::vector<const SchemaNode*> one_of;
  const SchemaNode* not_schema = nullptr;
  const SchemaNode* if_schema = nullptr;
  const SchemaNode* then_schema = nullptr;
  const SchemaNode* else_schema = nullptr;

  const SchemaNode* ref = nullptr;  // resolved target of "$ref"
};

std::string ChildPointer(const std::string& parent, std::string_view token) {
  return parent + "/" + EscapePointerToken(token);
}

std::string ChildPointer(const std::string& parent, std::size_t index) {
  return parent + "/" + std::to_string(index);
}

std::string Plural(std::uint64_t count, std::string_view singular, std::string_view plural) {
  return std::to_string(count) + " " + std::string(count == 1 ? singular : plural);
}

bool IsIntegral(const json& value) {
  if (value.is_number_integer()) return true;
  if (!value.is_number_float()) return false;
  double d = value.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

// Three-way comparison of two JSON numbers: exact when both are integers, else as doubles.
int CompareNumbers(const json& a, const json& b) {
  if (a.is_number_integer() && b.is_number_integer()) {
    bool a_unsigned = a.is_number_unsigned();
    bool b_unsigned = b.is_number_unsigned();
    if (a_unsigned && b_unsigned) {
      auto x = a.get<std::uint64_t>();
      auto y = b.get<std::uint64_t>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (!a_unsigned && !b_unsigned) {
      auto x = a.get<std::int64_t>();
      auto y = b.get<std::int64_t>();
      return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a_unsigned) {  // b is signed
      auto y = b.get<std::int64_t>();
      if (y < 0) return 1;
      auto x = a.get<std::uint64_t>();
      auto uy = static_cast<std::uint64_t>(y);
      return x < uy ? -1 : (x > uy ? 1 : 0);
    }
    return -CompareNumbers(b, a);
  }
  double x = a.get<double>();
  double y = b.get<double>();
  return x < y ? -1 : (x > y ? 1 : 0);
}

std::uint64_t Magnitude(const json& integer) {
  if (integer.is_number_unsigned()) return integer.get<std::uint64_t>();
  auto value = integer.get<std::int64_t>();
  // Two's complement negation in unsigned arithmetic also handles INT64_MIN.
  return value < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(value)
                   : static_cast<std::uint64_t>(value);
}

bool IsMultipleOf(const json& value, const json& divisor) {
  if (value.is_number_integer() && divisor.is_number_integer()) {
    return Magnitude(value) % Magnitude(divisor) == 0;
  }
  double quotient = value.get<double>() / divisor.get<double>();
  if (!std::isfinite(quotient)) return false;
  // Tolerate the rounding of decimal fractions such as 0.0075 / 0.0001.
  return std::fabs(quotient - std::round(quotient)) <= 1e-9 * std::max(1.0, std::fabs(quotient));
}

// JSON equality where 1 == 1.0 (nlohmann's operator== already compares numbers by value).
bool JsonEqual(const json& a, const json& b) {
  return a == b;
}

// `text` cut to kMaxQuoted bytes, at a UTF-8 character boundary, with "..." when cut.
std::string Abbreviate(std::string text) {
  if (text.size() <= kMaxQuoted) return text;
  std::size_t cut = kMaxQuoted;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0u) == 0x80u) --cut;
  text.resize(cut);
  return text + "...";
}

// `value` as JSON text for a message, abbreviated.
std::string Quote(const json& value) {
  return Abbreviate(value.dump(-1, ' ', false, json::error_handler_t::replace));
}

// Appends a text to `out` that is equal for two values exactly when they are equal as JSON
// (numbers by mathematical value, so 1 and 1.0 agree; objects whatever their key order).
// Strings are length-prefixed, so no content can imitate structure.
void AppendCanonical(const json& value, std::string& out) {
  switch (value.type()) {
    case json::value_t::null: out += 'n'; return;
    case json::value_t::boolean: out += value.get<bool>() ? 't' : 'f'; return;
    case json::value_t::number_integer:
      out += 'i' + std::to_string(value.get<std::int64_t>());
      return;
    case json::value_t::number_unsigned:
      out += 'i' + std::to_string(value.get<std::uint64_t>());
      return;
    case json::value_t::number_float: {
      const double d = value.get<double>();
      // An integral double within the 64-bit ranges is written as that integer.
      if (IsIntegral(value) && d >= -9223372036854775808.0 && d < 18446744073709551616.0) {
        out += 'i' + (d < 0 ? std::to_string(static_cast<std::int64_t>(d))
                            : std::to_string(static_cast<std::uint64_t>(d)));
      } else {
        out += 'd' + value.dump();
      }
      return;
    }
    case json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      out += 's' + std::to_string(text.size()) + ':' + text;
      return;
    }
    case json::value_t::array:
      out += '[';
      for (const json& item : value) {
        AppendCanonical(item, out);
        out += ',';
      }
      out += ']';
      return;
    case json::value_t::object:
      out += '{';
      for (const auto& [key, item] : value.items()) {  // std::map: keys in sorted order
        out += std::to_string(key.size()) + ':' + key;
        AppendCanonical(item, out);
        out += ',';
      }
      out += '}';
      return;
    default: out += '?'; return;  // binary and discarded values do not come from JSON text
  }
}

std::uint64_t CountCodePoints(const std::string& text) {
  std::uint64_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xC0u) != 0x80u) ++count;
  }
  return count;
}

// ---- formats ---------------------------------------------------------------------------------

bool IsControlOrSpace(char c) {
  auto u = static_cast<unsigned char>(c);
  return u <= 0x20 || u == 0x7F;
}

// A deliberately simple check: local@domain, one "@", no spaces, a dotted domain.
bool IsEmail(std::string_view text) {
  std::size_t at = text.find('@');
  if (at == std::string_view::npos || text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  std::string_view local = text.substr(0, at);
  std::string_view domain = text.substr(at + 1);
  if (local.empty() || domain.empty()) return false;
  for (char c : text) {
    if (IsControlOrSpace(c)) return false;
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) {
    return false;
  }
  if (domain.find('.') == std::string_view::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  return true;
}

// scheme ":" rest, scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), rest non-empty and free
// of spaces and characters that RFC 3986 never allows unescaped.
bool IsUri(std::string_view text) {
  std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!is_alpha(text[0])) return false;
  for (std::size_t i = 1; i < colon; ++i) {
    char c = text[i];
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return false;
  }
  for (std::size_t i = colon + 1; i < text.size(); ++i) {
    char c = text[i];
    if (IsControlOrSpace(c) || std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// ---- compiling -------------------------------------------------------------------------------

// Walks a schema document once, building SchemaNodes and collecting every problem.
class SchemaCompiler {
 public:
  explicit SchemaCompiler(const json& document) : document_(document) {}

  // Compiles the schema at `pointer` (its location in the document). Always returns a node, even
  // when the schema has errors; the errors are collected in errors().
  SchemaNode* Compile(const json& schema, const std::string& pointer, int depth) {
    if (auto it = by_pointer_.find(pointer); it != by_pointer_.end()) return it->second;
    nodes_.push_back(std::make_unique<SchemaNode>());
    SchemaNode* node = nodes_.back().get();
    by_pointer_[pointer] = node;
    if (depth > kMaxSchemaDepth) {
      Fail(pointer, "is nested more than " + std::to_string(kMaxSchemaDepth) + " schemas deep");
      return node;
    }
    if (schema.is_boolean()) {
      node->boolean_schema = schema.get<bool>();
      return node;
    }
    if (!schema.is_object()) {
      Fail(pointer, "must be a schema (an object or a boolean)");
      return node;
    }
    for (const auto& [keyword, value] : schema.items()) {
      CompileKeyword(*node, schema, keyword, value, ChildPointer(pointer, keyword), depth);
    }
    return node;
  }

  // Resolves every "$ref" seen so far, compiling targets that are not yet compiled (which may
  // discover further references).
  void ResolveReferences() {
    for (std::size_t i = 0; i < pending_refs_.size(); ++i) {
      PendingRef pending = pending_refs_[i];  // copy: Compile below may grow the vector
      std::optional<std::string> target = ReferenceTarget(pending.reference, pending.pointer);
      if (!target) continue;
      if (auto it = by_pointer_.find(*target); it != by_pointer_.end()) {
        pending.node->ref = it->second;
        continue;
      }
      const json* located = Locate(*target);
      if (located == nullptr) {
        Fail(pending.pointer,
             "reference \"" + pending.reference + "\" does not resolve inside the schema");
        continue;
      }
      pending.node->ref = Compile(*located, *target, 0);
    }
  }

  std::vector<std::unique_ptr<SchemaNode>> TakeNodes() { return std::move(nodes_); }
  const std::vector<FieldError>& errors() const { return errors_; }

 private:
  struct PendingRef {
    SchemaNode* node;
    std::string reference;
    std::string pointer;  // of the "$ref" keyword, for errors
  };

  void Fail(std::string pointer, std::string message) {
    errors_.push_back(FieldError{std::move(pointer), std::move(message)});
  }

  void CompileKeyword(SchemaNode& node, const json& schema, const std::string& keyword,
                      const json& value, const std::string& pointer, int depth) {
    const int child_depth = depth + 1;
    if (keyword == "$schema" || keyword == "$id" || keyword == "$comment") {
      if (!value.is_string()) Fail(pointer, "must be a string");
    } else if (keyword == "title" || keyword == "description") {
      if (!value.is_string() && !IsLocalizedText(value)) {
        Fail(pointer, "must be a string or an object of strings {\"vi\": .., \"en\": ..}");
      }
    } else if (keyword.rfind("x-", 0) == 0) {
      // An extension annotation: any value.
    } else if (keyword == "default") {
      // Any value.
    } else if (keyword == "examples") {
      if (!value.is_array()) Fail(pointer, "must be an array");
    } else if (keyword == "deprecated" || keyword == "readOnly" || keyword == "writeOnly" ||
               keyword == "uniqueItems") {
      if (!value.is_boolean()) {
        Fail(pointer, "must be true or false");
      } else if (keyword == "uniqueItems") {
        node.unique_items = value.get<bool>();
      }
    } else if (keyword == "$defs") {
      CompileSchemaMap(value, pointer, child_depth);
    } else if (keyword == "$ref") {
      if (!value.is_string()) {
        Fail(pointer, "must be a string");
      } else {
        pending_refs_.push_back(PendingRef{&node, value.get<std::string>(), pointer});
      }
    } else if (keyword == "type") {
      CompileType(node, value, pointer);
    } else if (keyword == "enum") {
      if (!value.is_array()) {
        Fail(pointer, "must be an array");
      } else {
        node.enum_values = value.get<std::vector<json>>();
      }
    } else if (keyword == "const") {
      node.const_value = value;
    } else if (keyword == "multipleOf") {
      if (!value.is_number() || CompareNumbers(value, json(0)) <= 0) {
        Fail(pointer, "must be a number greater than 0");
      } else {
        node.multiple_of = value;
      }
    } else if (keyword == "maximum" || keyword == "exclusiveMaximum" || keyword == "minimum" ||
               keyword == "exclusiveMinimum") {
      if (!value.is_number()) {
        Fail(pointer, "must be a number");
      } else if (keyword == "maximum") {
        node.maximum = value;
      } else if (keyword == "exclusiveMaximum") {
        node.exclusive_maximum = value;
      } else if (keyword == "minimum") {
        node.minimum = value;
      } else {
        node.exclusive_minimum = value;
      }
    } else if (keyword == "maxLength") {
      node.max_length = Count(value, pointer);
    } else if (keyword == "minLength") {
      node.min_length = Count(value, pointer);
    } else if (keyword == "maxItems") {
      node.max_items = Count(value, pointer);
    } else if (keyword == "minItems") {
      node.min_items = Count(value, pointer);
    } else if (keyword == "maxProperties") {
      node.max_properties = Count(value, pointer);
    } else if (keyword == "minProperties") {
      node.min_properties = Count(value, pointer);
    } else if (keyword == "minContains") {
      node.min_contains = Count(value, pointer);
    } else if (keyword == "maxContains") {
      node.max_contains = Count(value, pointer);
    } else if (keyword == "pattern") {
      node.pattern = CompilePattern(value, pointer);
    } else if (keyword == "format") {
      CompileFormat(node, value, pointer);
    } else if (keyword == "items") {
      node.items = Compile(value, pointer, child_depth);
    } else if (keyword == "prefixItems") {
      node.prefix_items = CompileSchemaArray(value, pointer, child_depth);
    } else if (keyword == "contains") {
      node.contains = Compile(value, pointer, child_depth);
    } else if (keyword == "required") {
      node.required = StringSet(value, pointer);
    } else if (keyword == "properties") {
      for (auto& [name, child] : CompileSchemaMap(value, pointer, child_depth)) {
        node.properties[name] = child;
      }
    } else if (keyword == "patternProperties") {
      CompilePatternProperties(node, value, pointer, child_depth);
    } else if (keyword == "additionalProperties") {
      node.additional_properties = Compile(value, pointer, child_depth);
    } else if (keyword == "propertyNames") {
      node.property_names = Compile(value, pointer, child_depth);
    } else if (keyword == "dependentRequired") {
      if (!value.is_object()) {
        Fail(pointer, "must be an object");
      } else {
        for (const auto& [name, names] : value.items()) {
          node.dependent_required.emplace_back(name, StringSet(names, ChildPointer(pointer, name)));
        }
      }
    } else if (keyword == "allOf") {
      node.all_of = CompileSchemaArray(value, pointer, child_depth);
    } else if (keyword == "anyOf") {
      node.any_of = CompileSchemaArray(value, pointer, child_depth);
    } else if (keyword == "oneOf") {
      node.one_of = CompileSchemaArray(value, pointer, child_depth);
    } else if (keyword == "not") {
      node.not_schema = Compile(value, pointer, child_depth);
    } else if (keyword == "if") {
      node.if_schema = Compile(value, pointer, child_depth);
    } else if (keyword == "then" || keyword == "else") {
      // Compiled even without "if" so that their errors are reported; ignored when validating.
      const SchemaNode* child = Compile(value, pointer, child_depth);
      if (schema.contains("if")) (keyword == "then" ? node.then_schema : node.else_schema) = child;
    } else {
      Fail(pointer, "keyword \"" + keyword + "\" is not supported");
    }
  }

  void CompileType(SchemaNode& node, const json& value, const std::string& pointer) {
    auto bit_of = [](const json& name) -> unsigned {
      if (!name.is_string()) return 0;
      for (const TypeName& type : kTypeNames) {
        if (name.get<std::string>() == type.name) return type.bit;
      }
      return 0;
    };
    constexpr const char* kMessage =
        "must be a type name (null, boolean, object, array, number, string, integer) or a "
        "non-empty array of distinct type names";
    if (value.is_string()) {
      node.types = bit_of(value);
      if (node.types == 0) Fail(pointer, kMessage);
      return;
    }
    if (!value.is_array() || value.empty()) {
      Fail(pointer, kMessage);
      return;
    }
    for (const json& name : value) {
      unsigned bit = bit_of(name);
      if (bit == 0 || (node.types & bit) != 0) {
        Fail(pointer, kMessage);
        return;
      }
      node.types |= bit;
    }
  }

  void CompileFormat(SchemaNode& node, const json& value, const std::string& pointer) {
    if (!value.is_string()) {
      Fail(pointer, "must be a string");
      return;
    }
    const auto& name = value.get_ref<const std::string&>();
    if (name == "date") {
      node.format = Format::kDate;
    } else if (name == "date-time") {
      node.format = Format::kDateTime;
    } else if (name == "email") {
      node.format = Format::kEmail;
    } else if (name == "uri") {
      node.format = Format::kUri;
    } else {
      Fail(pointer, "format \"" + name + "\" is not supported (use date, date-time, email or uri)");
    }
  }

  void CompilePatternProperties(SchemaNode& node, const json& value, const std::string& pointer,
                                int depth) {
    if (!value.is_object()) {
      Fail(pointer, "must be an object");
      return;
    }
    for (const auto& [source, child] : value.items()) {
      std::string child_pointer = ChildPointer(pointer, source);
      std::optional<Pattern> pattern = CompilePattern(json(source), child_pointer);
      const SchemaNode* compiled = Compile(child, child_pointer, depth);
      if (pattern) node.pattern_properties.emplace_back(std::move(*pattern), compiled);
    }
  }

  // The pattern `value`, translated from ECMA-262 and compiled with RE2, or nullopt with an error
  // at `pointer` when it is not a string, uses a feature RE2 lacks, or does not compile.
  std::optional<Pattern> CompilePattern(const json& value, const std::string& pointer) {
    if (!value.is_string()) {
      Fail(pointer, "must be a string");
      return std::nullopt;
    }
    const auto& source = value.get_ref<const std::string&>();
    if (auto it = patterns_.find(source); it != patterns_.end()) return Pattern{source, it->second};
    if (patterns_.size() >= kMaxPatterns) {
      Fail(pointer, "is one pattern too many: a schema may have at most " +
                        std::to_string(kMaxPatterns) + " distinct patterns");
      return std::nullopt;
    }
    const std::string quoted = Quote(json(source));
    Result<std::string> translated = TranslateEcmaRegex(source);
    if (!translated.ok()) {
      Fail(pointer, quoted + " is not supported: " + translated.error().message());
      return std::nullopt;
    }
    RE2::Options options;
    options.set_encoding(RE2::Options::EncodingUTF8);
    options.set_max_mem(kPatternMemory);
    options.set_never_capture(true);
    options.set_log_errors(false);
    auto regex = std::make_shared<const re2::RE2>(*translated, options);
    if (regex->error_code() == RE2::ErrorPatternTooLarge) {
      Fail(pointer, quoted +
                        " is too large for the linear-time matcher: write a counted repetition "
                        "such as {1,100} as + or * and bound the length with maxLength");
      return std::nullopt;
    }
    if (!regex->ok()) {
      Fail(pointer, quoted + " is not a valid regular expression: " + regex->error());
      return std::nullopt;
    }
    patterns_.emplace(source, regex);
    return Pattern{source, std::move(regex)};
  }

  std::optional<std::uint64_t> Count(const json& value, const std::string& pointer) {
    if (value.is_number_unsigned()) return value.get<std::uint64_t>();
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0) {
      return static_cast<std::uint64_t>(value.get<std::int64_t>());
    }
    if (value.is_number_float() && IsIntegral(value) && value.get<double>() >= 0 &&
        value.get<double>() < 9.0e18) {
      return static_cast<std::uint64_t>(value.get<double>());
    }
    Fail(pointer, "must be a non-negative integer");
    return std::nullopt;
  }

  std::vector<std::string> StringSet(const json& value, const std::string& pointer) {
    std::vector<std::string> strings;
    std::set<std::string_view> seen;  // views into `value`, which outlives this call
    bool valid = value.is_array();
    if (valid) {
      for (const json& item : value) {
        if (!item.is_string() || !seen.insert(item.get_ref<const std::string&>()).second) {
          valid = false;
          break;
        }
        strings.push_back(item.get<std::string>());
      }
    }
    if (!valid) {
      Fail(pointer, "must be an array of distinct strings");
      return {};
    }
    return strings;
  }

  std::vector<const SchemaNode*> CompileSchemaArray(const json& value, const std::string& pointer,
                                                    int depth) {
    std::vector<const SchemaNode*> schemas;
    if (!value.is_array() || value.empty()) {
      Fail(pointer, "must be a non-empty array of schemas");
      return schemas;
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      schemas.push_back(Compile(value[i], ChildPointer(pointer, i), depth));
    }
    return schemas;
  }

  std::vector<std::pair<std::string, const SchemaNode*>> CompileSchemaMap(
      const json& value, const std::string& pointer, int depth) {
    std::vector<std::pair<std::string, const SchemaNode*>> schemas;
    if (!value.is_object()) {
      Fail(pointer, "must be an object whose values are schemas");
      return schemas;
    }
    for (const auto& [name, child] : value.items()) {
      schemas.emplace_back(name, Compile(child, ChildPointer(pointer, name), depth));
    }
    return schemas;
  }

  // The document pointer a local reference names, or nullopt (with an error) if it is not one.
  std::optional<std::string> ReferenceTarget(const std::string& reference,
                                             const std::string& pointer) {
    if (reference.empty() || reference[0] != '#') {
      Fail(pointer, "reference \"" + reference +
                        "\" is not supported: only local references starting with \"#\" are");
      return std::nullopt;
    }
    std::string target;  // the fragment, percent-decoded (RFC 3986)
    for (std::size_t i = 1; i < reference.size(); ++i) {
      auto hex = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
      };
      if (reference[i] == '%' && i + 2 < reference.size() && hex(reference[i + 1]) >= 0 &&
          hex(reference[i + 2]) >= 0) {
        target += static_cast<char>(hex(reference[i + 1]) * 16 + hex(reference[i + 2]));
        i += 2;
      } else {
        target += reference[i];
      }
    }
    if (!target.empty() && target[0] != '/') {
      Fail(pointer, "reference \"" + reference +
                        "\" is not supported: only JSON pointer fragments (\"#/...\") are");
      return std::nullopt;
    }
    return target;
  }

  const json* Locate(const std::string& target) const {
    try {
      json::json_pointer location(target);
      if (!document_.contains(location)) return nullptr;
      return &document_.at(location);
    } catch (const json::exception&) {
      return nullptr;
    }
  }

  const json& document_;
  std::vector<std::unique_ptr<SchemaNode>> nodes_;
  std::map<std::string, SchemaNode*> by_pointer_;
  std::vector<PendingRef> pending_refs_;
  std::map<std::string, std::shared_ptr<const re2::RE2>> patterns_;  // by ECMA source
  std::vector<FieldError> errors_;
};

// ---- validating ------------------------------------------------------------------------------

std::string TypePhrase(unsigned types) {
  std::vector<std::string_view> phrases;
  for (const TypeName& type : kTypeNames) {
    // "integer" adds nothing when "number" is also allowed.
    if (type.bit == kIntegerType && (types & kNumberType) != 0) continue;
    if ((types & type.bit) != 0) phrases.push_back(type.phrase);
  }
  std::string text = "must be ";
  for (std::size_t i = 0; i < phrases.size(); ++i) {
    if (i > 0) text += (i + 1 == phrases.size()) ? " or " : ", ";
    text += phrases[i];
  }
  return text;
}

bool HasType(const json& instance, unsigned types) {
  switch (instance.type()) {
    case json::value_t::null: return (types & kNullType) != 0;
    case json::value_t::boolean: return (types & kBooleanType) != 0;
    case json::value_t::object: return (types & kObjectType) != 0;
    case json::value_t::array: return (types & kArrayType) != 0;
    case json::value_t::string: return (types & kStringType) != 0;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float:
      return (types & kNumberType) != 0 || ((types & kIntegerType) != 0 && IsIntegral(instance));
    default: return false;
  }
}

// Thrown inside a Validate call to stop it: the step budget or the error list is full. Never
// escapes JsonSchema::Validate.
struct StopValidating {};

// What one Validate call has spent; shared by the validators it nests (anyOf, not, ...).
struct Budget {
  std::uint64_t steps = 0;
};

class Validator {
 public:
  // A validator that collects every error in `errors` (at most kMaxErrors when `top_level`)
  // or, when `first_error_only`, stops looking once it has one.
  Validator(std::vector<FieldError>& errors, Budget& budget, bool first_error_only,
            bool top_level = false)
      : errors_(errors),
        budget_(budget),
        first_error_only_(first_error_only),
        top_level_(top_level) {}

  void Validate(const SchemaNode& node, const json& instance, const std::string& pointer,
                int ref_depth) {
    if (first_error_only_ && !errors_.empty()) return;
    Spend(1);
    if (node.boolean_schema) {
      if (!*node.boolean_schema) Fail(pointer, "is not allowed");
      return;
    }
    if (node.ref != nullptr) {
      if (ref_depth >= kMaxReferenceDepth) {
        Fail(pointer, "is nested too deeply to check (more than " +
                          std::to_string(kMaxReferenceDepth) + " schema references)");
        return;
      }
      Validate(*node.ref, instance, pointer, ref_depth + 1);
    }
    if (node.types != 0 && !HasType(instance, node.types)) Fail(pointer, TypePhrase(node.types));
    if (node.enum_values) CheckEnum(*node.enum_values, instance, pointer);
    if (node.const_value && !JsonEqual(*node.const_value, instance)) {
      Fail(pointer, "must be equal to " + Quote(*node.const_value));
    }
    if (instance.is_number()) CheckNumber(node, instance, pointer);
    if (instance.is_string()) CheckString(node, instance.get_ref<const std::string&>(), pointer);
    if (instance.is_array()) CheckArray(node, instance, pointer, ref_depth);
    if (instance.is_object()) CheckObject(node, instance, pointer, ref_depth);
    CheckApplicators(node, instance, pointer, ref_depth);
  }

 private:
  void Spend(std::uint64_t steps) {
    budget_.steps += steps;
    if (budget_.steps > kMaxValidationSteps) throw StopValidating{};
  }

  void Fail(const std::string& pointer, std::string message) {
    if (top_level_ && errors_.size() == kMaxErrors) throw StopValidating{};  // one too many
    errors_.push_back(FieldError{pointer, std::move(message)});
  }

  bool Matches(const SchemaNode& node, const json& instance, const std::string& pointer,
               int ref_depth) {
    std::vector<FieldError> scratch;
    Validator(scratch, budget_, /*first_error_only=*/true)
        .Validate(node, instance, pointer, ref_depth);
    return scratch.empty();
  }

  // Unanchored search, as JSON Schema requires; linear in the text.
  bool Search(const Pattern& pattern, const std::string& text) {
    Spend(1 + text.size() / kBytesPerStep);
    return RE2::PartialMatch(text, *pattern.regex);
  }

  void CheckEnum(const std::vector<json>& values, const json& instance,
                 const std::string& pointer) {
    Spend(values.size());
    for (const json& value : values) {
      if (JsonEqual(value, instance)) return;
    }
    std::string message = "must be one of: ";
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (i > 0) message += ", ";
      if (message.size() > 4 * kMaxQuoted) {
        message += "... (" + std::to_string(values.size() - i) + " more)";
        break;
      }
      message += Quote(values[i]);
    }
    Fail(pointer, std::move(message));
  }

  void CheckNumber(const SchemaNode& node, const json& instance, const std::string& pointer) {
    if (node.multiple_of && !IsMultipleOf(instance, *node.multiple_of)) {
      Fail(pointer, "must be a multiple of " + Quote(*node.multiple_of));
    }
    if (node.maximum && CompareNumbers(instance, *node.maximum) > 0) {
      Fail(pointer, "must be at most " + Quote(*node.maximum));
    }
    if (node.exclusive_maximum && CompareNumbers(instance, *node.exclusive_maximum) >= 0) {
      Fail(pointer, "must be less than " + Quote(*node.exclusive_maximum));
    }
    if (node.minimum && CompareNumbers(instance, *node.minimum) < 0) {
      Fail(pointer, "must be at least " + Quote(*node.minimum));
    }
    if (node.exclusive_minimum && CompareNumbers(instance, *node.exclusive_minimum) <= 0) {
      Fail(pointer, "must be greater than " + Quote(*node.exclusive_minimum));
    }
  }

  void CheckString(const SchemaNode& node, const std::string& text, const std::string& pointer) {
    bool length_ok = true;
    if (node.max_length || node.min_length) {
      Spend(text.size() / kBytesPerStep);
      std::uint64_t length = CountCodePoints(text);
      if (node.max_length && length > *node.max_length) {
        length_ok = false;
        Fail(pointer,
             "must be at most " + Plural(*node.max_length, "character", "characters") + " long");
      }
      if (node.min_length && length < *node.min_length) {
        length_ok = false;
        Fail(pointer,
             "must be at least " + Plural(*node.min_length, "character", "characters") + " long");
      }
    }
    // A text of the wrong length is not searched: it is already refused, and maxLength is
    // what keeps a pattern's work small.
    if (length_ok && node.pattern && !Search(*node.pattern, text)) {
      Fail(pointer, "must match the pattern " + Abbreviate(node.pattern->source));
    }
    switch (node.format) {
      case Format::kNone: break;
      case Format::kDate:
        if (!ParseRfc3339Date(text)) Fail(pointer, "must be a valid date (YYYY-MM-DD)");
        break;
      case Format::kDateTime:
        if (!ParseRfc3339DateTime(text)) {
          Fail(pointer, "must be a valid date-time (RFC 3339, e.g. 2025-01-31T08:00:00+07:00)");
        }
        break;
      case Format::kEmail:
        if (!IsEmail(text)) Fail(pointer, "must be a valid email address");
        break;
      case Format::kUri:
        if (!IsUri(text)) Fail(pointer, "must be a valid URI (scheme:rest)");
        break;
    }
  }

  void CheckArray(const SchemaNode& node, const json& instance, const std::string& pointer,
                  int ref_depth) {
    const std::size_t size = instance.size();
    if (node.max_items && size > *node.max_items) {
      // Reported for its size only: its items are not looked at.
      Fail(pointer, "must have at most " + Plural(*node.max_items, "item", "items"));
      return;
    }
    if (node.min_items && size < *node.min_items) {
      Fail(pointer, "must have at least " + Plural(*node.min_items, "item", "items"));
    }
    if (node.unique_items) CheckUnique(instance, pointer);
    for (std::size_t i = 0; i < size; ++i) {
      const SchemaNode* item_schema =
          i < node.prefix_items.size() ? node.prefix_items[i] : node.items;
      if (item_schema != nullptr) {
        Validate(*item_schema, instance[i], ChildPointer(pointer, i), ref_depth);
      }
    }
    if (node.contains != nullptr) {
      std::uint64_t matches = 0;
      for (std::size_t i = 0; i < size; ++i) {
        if (Matches(*node.contains, instance[i], ChildPointer(pointer, i), ref_depth)) ++matches;
      }
      std::uint64_t minimum = node.min_contains.value_or(1);
      if (matches < minimum) {
        Fail(pointer,
             "must contain at least " + Plural(minimum, "item", "items") + " of the required form");
      }
      if (node.max_contains && matches > *node.max_contains) {
        Fail(pointer, "must contain at most " + Plural(*node.max_contains, "item", "items") +
                          " of the restricted form");
      }
    }
  }

  // Linear: each item's canonical text goes into a hash map.
  void CheckUnique(const json& instance, const std::string& pointer) {
    std::unordered_map<std::string, std::size_t> first_seen;
    first_seen.reserve(instance.size());
    for (std::size_t i = 0; i < instance.size(); ++i) {
      std::string key;
      AppendCanonical(instance[i], key);
      Spend(1 + key.size() / kBytesPerStep);
      auto [it, inserted] = first_seen.emplace(std::move(key), i);
      if (!inserted) {
        Fail(pointer, "must not contain duplicate items (items " + std::to_string(it->second) +
                          " and " + std::to_string(i) + " are equal)");
        return;
      }
    }
  }

  void CheckObject(const SchemaNode& node, const json& instance, const std::string& pointer,
                   int ref_depth) {
    const std::size_t size = instance.size();
    if (node.max_properties && size > *node.max_properties) {
      // Reported for its size only: its properties are not looked at.
      Fail(pointer, "must have at most " + Plural(*node.max_properties, "property", "properties"));
      return;
    }
    if (node.min_properties && size < *node.min_properties) {
      Fail(pointer, "must have at least " + Plural(*node.min_properties, "property", "properties"));
    }
    Spend(node.required.size());
    for (const std::string& name : node.required) {
      if (!instance.contains(name)) Fail(ChildPointer(pointer, name), "is required");
    }
    for (const auto& [name, names] : node.dependent_required) {
      if (!instance.contains(name)) continue;
      Spend(names.size());
      for (const std::string& needed : names) {
        if (!instance.contains(needed)) {
          Fail(ChildPointer(pointer, needed), "is required when \"" + name + "\" is present");
        }
      }
    }
    for (const auto& [name, value] : instance.items()) {
      const std::string child_pointer = ChildPointer(pointer, name);
      bool evaluated = false;
      if (auto it = node.properties.find(name); it != node.properties.end()) {
        evaluated = true;
        Validate(*it->second, value, child_pointer, ref_depth);
      }
      for (const auto& [pattern, schema] : node.pattern_properties) {
        if (Search(pattern, name)) {
          evaluated = true;
          Validate(*schema, value, child_pointer, ref_depth);
        }
      }
      if (!evaluated && node.additional_properties != nullptr) {
        Validate(*node.additional_properties, value, child_pointer, ref_depth);
      }
      if (node.property_names != nullptr) {
        std::vector<FieldError> name_errors;
        Validator(name_errors, budget_, first_error_only_)
            .Validate(*node.property_names, json(name), child_pointer, ref_depth);
        for (FieldError& error : name_errors) {
          Fail(child_pointer, "has a name that " + error.message);
        }
      }
    }
  }

  void CheckApplicators(const SchemaNode& node, const json& instance, const std::string& pointer,
                        int ref_depth) {
    for (const SchemaNode* schema : node.all_of) Validate(*schema, instance, pointer, ref_depth);
    if (!node.any_of.empty()) {
      bool any = false;
      for (const SchemaNode* schema : node.any_of) {
        if (Matches(*schema, instance, pointer, ref_depth)) {
          any = true;
          break;
        }
      }
      if (!any) Fail(pointer, "must match at least one of the allowed forms");
    }
    if (!node.one_of.empty()) {
      int matches = 0;
      for (const SchemaNode* schema : node.one_of) {
        if (Matches(*schema, instance, pointer, ref_depth) && ++matches > 1) break;
      }
      if (matches != 1) Fail(pointer, "must match exactly one of the allowed forms");
    }
    if (node.not_schema != nullptr && Matches(*node.not_schema, instance, pointer, ref_depth)) {
      Fail(pointer, "must not match the disallowed form");
    }
    if (node.if_schema != nullptr) {
      const SchemaNode* branch = Matches(*node.if_schema, instance, pointer, ref_depth)
                                     ? node.then_schema
                                     : node.else_schema;
      if (branch != nullptr) Validate(*branch, instance, pointer, ref_depth);
    }
  }

  std::vector<FieldError>& errors_;
  Budget& budget_;
  const bool first_error_only_;
  const bool top_level_;
};

}  // namespace

struct JsonSchema::Compiled {
  std::vector<std::unique_ptr<SchemaNode>> nodes;  // owns every node; nodes[0] is the root
};

Result<JsonSchema> JsonSchema::Compile(const nlohmann::json& schema) {
  SchemaCompiler compiler(schema);
  compiler.Compile(schema, "", 0);
  compiler.ResolveReferences();
  if (!compiler.errors().empty()) {
    return Error(ErrorCode::kInvalidArgument, "the JSON schema is not valid or not supported", {},
                 compiler.errors());
  }
  auto compiled = std::make_shared<Compiled>();
  compiled->nodes = compiler.TakeNodes();
  return JsonSchema(std::move(compiled));
}

std::vector<FieldError> JsonSchema::Validate(const nlohmann::json& instance) const {
  std::vector<FieldError> errors;
  Budget budget;
  try {
    Validator(errors, budget, /*first_error_only=*/false, /*top_level=*/true)
        .Validate(*compiled_->nodes.front(), instance, "", 0);
  } catch (const StopValidating&) {
    if (budget.steps > kMaxValidationSteps) {
      errors.push_back({"", "is too large or too complex to check against its schema (more than " +
                                std::to_string(kMaxValidationSteps) + " steps)"});
    } else {
      errors.push_back({"", "has more problems than the " + std::to_string(kMaxErrors) +
                                " listed; fix these first"});
    }
  }
  return errors;
}

}  // namespace motcua
