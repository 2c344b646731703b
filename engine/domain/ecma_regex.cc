// ecma_regex.cc: a one-pass rewrite of ECMA-262 pattern syntax into RE2 syntax.
//
// The rewrite walks the pattern once, outside or inside a character class,
// and copies every byte that means the same in both dialects. RE2 and ECMA
// agree on literals, alternation, groups "(" and "(?:", quantifiers (greedy
// and lazy), anchors, \d \w \b and their negations, \t \n \v \f \r, \xHH and
// escaped punctuation. What differs is listed in ecma_regex.h.
#include "engine/domain/ecma_regex.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace motcua {
namespace {

// ECMA-262 WhiteSpace and LineTerminator, the code points \s matches, as
// ranges for the inside of an RE2 character class.
constexpr std::string_view kWhiteSpace =
    "\\t-\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}"
    "\\x{FEFF}";
// Every other code point: what \S matches, for use inside a class.
constexpr std::string_view kNotWhiteSpace =
    "\\x00-\\x08\\x0E-\\x1F!-\\x{9F}\\x{A1}-\\x{167F}\\x{1681}-\\x{1FFF}\\x{200B}-\\x{2027}"
    "\\x{202A}-\\x{202E}\\x{2030}-\\x{205E}\\x{2060}-\\x{2FFF}\\x{3001}-\\x{FEFE}"
    "\\x{FF00}-\\x{10FFFF}";
// "." without the s flag: any code point but a line terminator.
constexpr std::string_view kDot = "[^\\n\\r\\x{2028}\\x{2029}]";
// ECMA's [^] (any code point) and [] (nothing at all); RE2 reads a "]" right
// after "[" or "[^" as a literal.
constexpr std::string_view kAnyCodePoint = "[\\x00-\\x{10FFFF}]";
constexpr std::string_view kNoCodePoint = "[^\\x00-\\x{10FFFF}]";

// General category values, long name then short name (Unicode's
// PropertyValueAliases.txt); ECMA accepts either, RE2 only the short one.
constexpr std::string_view kGeneralCategories[][2] = {
    {"Letter", "L"},
    {"Cased_Letter", "LC"},
    {"Uppercase_Letter", "Lu"},
    {"Lowercase_Letter", "Ll"},
    {"Titlecase_Letter", "Lt"},
    {"Modifier_Letter", "Lm"},
    {"Other_Letter", "Lo"},
    {"Mark", "M"},
    {"Nonspacing_Mark", "Mn"},
    {"Spacing_Mark", "Mc"},
    {"Enclosing_Mark", "Me"},
    {"Number", "N"},
    {"Decimal_Number", "Nd"},
    {"Letter_Number", "Nl"},
    {"Other_Number", "No"},
    {"Punctuation", "P"},
    {"Connector_Punctuation", "Pc"},
    {"Dash_Punctuation", "Pd"},
    {"Open_Punctuation", "Ps"},
    {"Close_Punctuation", "Pe"},
    {"Initial_Punctuation", "Pi"},
    {"Final_Punctuation", "Pf"},
    {"Other_Punctuation", "Po"},
    {"Symbol", "S"},
    {"Math_Symbol", "Sm"},
    {"Currency_Symbol", "Sc"},
    {"Modifier_Symbol", "Sk"},
    {"Other_Symbol", "So"},
    {"Separator", "Z"},
    {"Space_Separator", "Zs"},
    {"Line_Separator", "Zl"},
    {"Paragraph_Separator", "Zp"},
    {"Other", "C"},
    {"Control", "Cc"},
    {"Format", "Cf"},
    {"Surrogate", "Cs"},
    {"Private_Use", "Co"},
    {"Unassigned", "Cn"},
};

std::optional<std::string_view> ShortCategory(std::string_view name) {
  for (const auto& [long_name, short_name] : kGeneralCategories) {
    if (name == long_name || name == short_name) return short_name;
  }
  return std::nullopt;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string CodePoint(std::uint32_t code) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string digits;
  do {
    digits.insert(digits.begin(), kHex[code % 16]);
    code /= 16;
  } while (code != 0);
  return "\\x{" + digits + "}";
}

class Translator {
 public:
  explicit Translator(std::string_view source) : in_(source) {}

  Result<std::string> Run() {
    while (pos_ < in_.size() && error_.empty()) {
      const char c = in_[pos_];
      if (c == '\\') {
        Escape();
      } else if (in_class_) {
        ClassCharacter(c);
      } else if (c == '[') {
        OpenClass();
      } else if (c == '.') {
        out_ += kDot;
        ++pos_;
      } else if (c == '(' && Peek(1) == '?') {
        Group();
      } else {
        out_ += c;
        ++pos_;
      }
    }
    if (!error_.empty()) return Error(ErrorCode::kInvalidArgument, error_);
    return out_;
  }

 private:
  char Peek(std::size_t ahead) const {
    return pos_ + ahead < in_.size() ? in_[pos_ + ahead] : '\0';
  }

  bool LookingAt(std::string_view text) const { return in_.substr(pos_, text.size()) == text; }

  void Refuse(std::string message) { error_ = std::move(message); }

  void ClassCharacter(char c) {
    if (c == ']') {
      in_class_ = false;
      out_ += ']';
    } else if (c == '[') {
      out_ += "\\[";  // literal in ECMA; RE2 would read "[:alpha:]" as a POSIX class
    } else {
      out_ += c;
    }
    ++pos_;
  }

  void OpenClass() {
    const bool negated = Peek(1) == '^';
    const std::size_t after = pos_ + (negated ? 2 : 1);
    if (after < in_.size() && in_[after] == ']') {
      out_ += negated ? kAnyCodePoint : kNoCodePoint;
      pos_ = after + 1;
      return;
    }
    out_ += negated ? "[^" : "[";
    in_class_ = true;
    pos_ = after;
  }

  // At "(?".
  void Group() {
    if (LookingAt("(?:")) {
      out_ += "(?:";
      pos_ += 3;
    } else if (LookingAt("(?=") || LookingAt("(?!")) {
      Refuse("lookahead " + std::string(in_.substr(pos_, 3)) + " is not supported");
    } else if (LookingAt("(?<=") || LookingAt("(?<!")) {
      Refuse("lookbehind " + std::string(in_.substr(pos_, 4)) + " is not supported");
    } else if (LookingAt("(?<")) {
      // A named group; motcua never reads captures, so a plain group will do.
      const std::size_t close = in_.find('>', pos_ + 3);
      if (close == std::string_view::npos || close == pos_ + 3) {
        Refuse("a named group (?<name> has no name or no closing >");
        return;
      }
      for (std::size_t i = pos_ + 3; i < close; ++i) {
        if (!IsAsciiAlnum(in_[i]) && in_[i] != '_' && in_[i] != '$') {
          Refuse("a group name may hold only letters, digits, _ and $");
          return;
        }
      }
      out_ += "(?:";
      pos_ = close + 1;
    } else {
      Refuse("\"" + std::string(in_.substr(pos_, 3)) +
             "\" is not an ECMA-262 group (inline flags and other (? forms are not supported)");
    }
  }

  // At "\".
  void Escape() {
    if (pos_ + 1 >= in_.size()) {
      Refuse("the pattern ends with a lone backslash");
      return;
    }
    const char e = in_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 't':
      case 'n':
      case 'v':
      case 'f':
      case 'r':
        out_ += '\\';
        out_ += e;
        return;
      case 's':
        out_ += in_class_ ? std::string(kWhiteSpace) : "[" + std::string(kWhiteSpace) + "]";
        return;
      case 'S':
        out_ += in_class_ ? std::string(kNotWhiteSpace) : "[^" + std::string(kWhiteSpace) + "]";
        return;
      case 'b':
        out_ += in_class_ ? "\\x08" : "\\b";  // [\b] is backspace
        return;
      case 'B':
        if (in_class_) return Refuse("\\B is not allowed inside a character class");
        out_ += "\\B";
        return;
      case '0':
        if (pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9') {
          return Refuse("octal escapes such as \\0" + std::string(1, in_[pos_]) +
                        " are not supported");
        }
        out_ += "\\x00";
        return;
      case 'k': return Refuse("backreferences (\\k<name>) are not supported");
      case 'x': {
        const int high = HexValue(Peek(0));
        const int low = HexValue(Peek(1));
        if (high < 0 || low < 0) return Refuse("\\x must be followed by two hex digits");
        out_ += CodePoint(static_cast<std::uint32_t>(high * 16 + low));
        pos_ += 2;
        return;
      }
      case 'u': return UnicodeEscape();
      case 'c': {
        const char letter = Peek(0);
        if (!((letter >= 'a' && letter <= 'z') || (letter >= 'A' && letter <= 'Z'))) {
          return Refuse("\\c must be followed by a letter");
        }
        out_ += CodePoint(static_cast<std::uint32_t>(letter % 32));
        ++pos_;
        return;
      }
      case 'p':
      case 'P': return PropertyEscape(e);
      default: break;
    }
    if (e >= '1' && e <= '9') {
      return Refuse("backreferences (\\" + std::string(1, e) + ") are not supported");
    }
    if (IsAsciiAlnum(e)) {
      return Refuse("\\" + std::string(1, e) + " is not an ECMA-262 escape");
    }
    // Escaped punctuation (or a byte of a non-ASCII character, which RE2 refuses).
    out_ += '\\';
    out_ += e;
  }

  // After "\u": XXXX, a surrogate pair \uHHHH\uLLLL, or {X...}.
  void UnicodeEscape() {
    if (Peek(0) == '{') {
      const std::size_t close = in_.find('}', pos_);
      if (close == std::string_view::npos || close == pos_ + 1 || close - pos_ > 9) {
        return Refuse("\\u{...} must hold 1 to 8 hex digits");
      }
      std::uint32_t code = 0;
      for (std::size_t i = pos_ + 1; i < close; ++i) {
        const int digit = HexValue(in_[i]);
        if (digit < 0) return Refuse("\\u{...} must hold 1 to 8 hex digits");
        code = code * 16 + static_cast<std::uint32_t>(digit);
      }
      pos_ = close + 1;
      return AppendCodePoint(code);
    }
    std::optional<std::uint32_t> code = FourHexDigits(pos_);
    if (!code) return Refuse("\\u must be followed by four hex digits or {hex digits}");
    pos_ += 4;
    if (*code >= 0xD800 && *code <= 0xDBFF && LookingAt("\\u")) {
      std::optional<std::uint32_t> low = FourHexDigits(pos_ + 2);
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        pos_ += 6;
        return AppendCodePoint(0x10000 + ((*code - 0xD800) << 10) + (*low - 0xDC00));
      }
    }
    AppendCodePoint(*code);
  }

  std::optional<std::uint32_t> FourHexDigits(std::size_t at) const {
    if (at + 4 > in_.size()) return std::nullopt;
    std::uint32_t code = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
      const int digit = HexValue(in_[i]);
      if (digit < 0) return std::nullopt;
      code = code * 16 + static_cast<std::uint32_t>(digit);
    }
    return code;
  }

  void AppendCodePoint(std::uint32_t code) {
    if (code > 0x10FFFF) return Refuse("a code point may not exceed U+10FFFF");
    if (code >= 0xD800 && code <= 0xDFFF) {
      return Refuse("a lone surrogate (\\u" + CodePoint(code).substr(3) +
                    ") never matches UTF-8 text");
    }
    out_ += CodePoint(code);
  }

  // After "\p" or "\P": {Name}, {General_Category=Name}, {gc=Name}, {Script=Name} or {sc=Name}.
  void PropertyEscape(char p) {
    const std::size_t close = in_.find('}', pos_);
    if (Peek(0) != '{' || close == std::string_view::npos) {
      return Refuse("\\" + std::string(1, p) + " must be followed by {property}");
    }
    const std::string_view body = in_.substr(pos_ + 1, close - pos_ - 1);
    pos_ = close + 1;
    const std::size_t equals = body.find('=');
    std::string name;
    if (equals == std::string_view::npos) {
      if (body == "Any") {
        name = "Any";
      } else if (std::optional<std::string_view> category = ShortCategory(body)) {
        name = *category;
      }
    } else {
      const std::string_view key = body.substr(0, equals);
      const std::string_view value = body.substr(equals + 1);
      if (key == "General_Category" || key == "gc") {
        if (std::optional<std::string_view> category = ShortCategory(value)) name = *category;
      } else if ((key == "Script" || key == "sc") && !value.empty()) {
        for (char c : value) {
          if (!IsAsciiAlnum(c) && c != '_') return Refuse("a script name has only letters and _");
        }
        name = value;  // RE2 refuses a script it does not know
      }
    }
    if (name.empty()) {
      return Refuse("the property \\" + std::string(1, p) + "{" + std::string(body) +
                    "} is not supported (use a general category such as L or Letter, or "
                    "Script=Name)");
    }
    out_ += '\\';
    out_ += p;
    out_ += "{" + name + "}";
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  bool in_class_ = false;
  std::string out_;
  std::string error_;
};

}  // namespace

Result<std::string> TranslateEcmaRegex(std::string_view ecma) {
  return Translator(ecma).Run();
}

}  // namespace motcua
