// ecma_regex.h: ECMA-262 regular expressions, as JSON Schema writes them, in RE2 syntax.
//
// JSON Schema's "pattern" and "patternProperties" are ECMA-262 regular
// expressions; motcua matches them with RE2, whose run time is linear in the
// text. TranslateEcmaRegex rewrites a pattern into RE2 syntax with the same
// meaning under the ECMA "u" flag (Unicode mode), or refuses it when it uses
// something RE2 cannot do in linear time or at all:
//   - refused: backreferences (\1, \k<name>), lookahead ((?=, (?!),
//     lookbehind ((?<=, (?<!), inline flags and other "(?" groups that ECMA
//     lacks, escapes ECMA does not define (\a, \z, \Q, ...), lone surrogates,
//     and property escapes RE2 does not know (\p{Script_Extensions=...});
//   - rewritten: "." (any code point but \n, \r, U+2028, U+2029), \s and \S
//     (ECMA's Unicode white space), \uXXXX, \u{X...}, surrogate pairs, \cX,
//     \0, [\b], the empty class [] and the full class [^], named groups
//     (?<name>...) (to plain groups: motcua never captures), long general
//     category names (\p{Letter} to \p{L}), \p{Script=X} and \p{gc=X};
//   - passed through: everything else (\d, \w, \b and their negations are
//     ASCII in both dialects; ^ and $ mean start and end of the text in both).
// The result is not known to compile: RE2 still has the last word (an
// unbalanced "(", a repetition over 1000, a program too large).
//
// Pure and I/O-free; the input is any byte string (non-ASCII bytes are copied
// as they are, so a UTF-8 pattern stays UTF-8).
//
// Example:
//   Result<std::string> re2_source = TranslateEcmaRegex("^\\p{Letter}+\\s\\d$");
//   // *re2_source == "^\\p{L}+[\\t-\\r \\x{A0}...]\\d$"
#pragma once

#include <string>
#include <string_view>

#include "engine/domain/status.h"

namespace motcua {

// The RE2 form of the ECMA-262 pattern `ecma`, or kInvalidArgument whose
// message says which feature is not supported (e.g. "lookahead (?= is not
// supported").
Result<std::string> TranslateEcmaRegex(std::string_view ecma);

}  // namespace motcua
