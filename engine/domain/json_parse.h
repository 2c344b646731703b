// json_parse.h: the one parser for JSON text that comes from outside.
//
// Every JSON text the engine did not build itself in this process (request
// bodies, workflow and calendar files, gateway callbacks, rows read back from
// the database) is parsed here, under explicit limits. nlohmann's own DOM
// parser has none: a 200 KB body of 100,000 nested arrays parses fine, and
// the copy constructor and destructor of that value then recurse once per
// level until the stack overflows. ParseJson counts the nesting while it
// parses (nlohmann's SAX interface, which itself does not recurse) and stops
// at the first array or object deeper than the limit, so a value deeper than
// the limit is never built, copied or destroyed.
//
// Contract (what a fuzzer may rely on):
//   - any byte string is accepted as input; ParseJson never throws, never
//     recurses per nesting level, and returns either a value or an Error;
//   - a returned value has at most limits.max_depth nested levels (a scalar
//     has depth 0, `[]` and `{}` depth 1, `[[1]]` depth 2);
//   - the input must be exactly one RFC 8259 JSON text (surrounding
//     whitespace allowed; no comments, no trailing data); strings must be
//     valid UTF-8; numbers that overflow a double are errors;
//   - duplicate object keys: the last one wins (as nlohmann's parser).
// Errors, all kInvalidArgument, each with its reason:
//   "json_too_large"  text.size() > limits.max_bytes; the message names the
//                     limit ("the JSON text is larger than 1048576 bytes");
//   "json_too_deep"   an array or object nested deeper than limits.max_depth;
//                     the message names the limit ("the JSON nests deeper
//                     than 64 levels");
//   "invalid_json"    not JSON; the message names the line and column of the
//                     byte that broke it, e.g. "line 3, column 14: syntax
//                     error while parsing object - unexpected '}'".
//
// Thread safety: ParseJson is a pure function.
//
// Example:
//   // An error is a 400 naming the limit or the line.
//   ASSIGN_OR_RETURN(nlohmann::json body, ParseJson(request.body, kRequestJsonLimits));
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string_view>

#include "engine/domain/status.h"

namespace motcua {

struct JsonLimits {
  // The deepest nesting of arrays and objects accepted.
  std::size_t max_depth = 64;
  // The longest text accepted, in bytes.
  std::size_t max_bytes = 16 * 1024 * 1024;
};

// Request bodies and gateway callbacks: no form needs more than a few levels,
// and JSON bodies are small (documents are uploaded as raw bytes instead).
inline constexpr JsonLimits kRequestJsonLimits{.max_depth = 64, .max_bytes = 1024 * 1024};

// Workflow definitions and calendar files (the bundled ones nest 7 levels at
// most and are under 10 KB).
inline constexpr JsonLimits kFileJsonLimits{.max_depth = 64, .max_bytes = 4 * 1024 * 1024};

// JSON the engine stored itself and reads back: request values wrapped in a
// few more levels (events, history), never anything that was refused above.
// Still bounded, so a row edited behind the engine's back cannot crash it.
inline constexpr JsonLimits kStoredJsonLimits{.max_depth = 128, .max_bytes = 64 * 1024 * 1024};

// Parses `text` as one JSON value within `limits`; see the file comment.
Result<nlohmann::json> ParseJson(std::string_view text, JsonLimits limits = {});

// ParseJson, keeping object members in the order the text writes them
// (duplicate keys: the last value wins, at the first key's place).
Result<nlohmann::ordered_json> ParseOrderedJson(std::string_view text, JsonLimits limits = {});

}  // namespace motcua
