#include "engine/domain/json_text.h"

#include <cstddef>
#include <nlohmann/json.hpp>

namespace motcua {
namespace {

// The length of the well-formed UTF-8 sequence of two to four bytes that
// starts at text[at] (Unicode's table 3-7: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0 if none does. These are the sequences
// nlohmann's decoder accepts and dump() copies as they are.
std::size_t MultiByteSequenceLength(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const auto continues = [&](std::size_t k, unsigned char low, unsigned char high) {
    return k < text.size() && byte(k) >= low && byte(k) <= high;
  };
  const unsigned char lead = byte(at);
  if (lead >= 0xC2 && lead <= 0xDF) return continues(at + 1, 0x80, 0xBF) ? 2 : 0;
  if (lead >= 0xE0 && lead <= 0xEF) {
    const unsigned char low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned char high = lead == 0xED ? 0x9F : 0xBF;
    return continues(at + 1, low, high) && continues(at + 2, 0x80, 0xBF) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    const unsigned char low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned char high = lead == 0xF4 ? 0x8F : 0xBF;
    return continues(at + 1, low, high) && continues(at + 2, 0x80, 0xBF) &&
                   continues(at + 3, 0x80, 0xBF)
               ? 4
               : 0;
  }
  return 0;
}

// dump()'s escape of an ASCII character, or "" for one written as it is.
std::string_view EscapeOf(unsigned char c) {
  static constexpr std::string_view kControls[0x20] = {
      "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
      "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
      "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
      "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f"};
  if (c < 0x20) return kControls[c];
  if (c == '"') return "\\\"";
  if (c == '\\') return "\\\\";
  return {};
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  // Valid UTF-8 (nearly every text: codes, ids, times, Vietnamese names) is
  // written here: runs of bytes dump() copies, and dump()'s escapes between
  // them. Text with an invalid sequence goes through the library, whose
  // replacement of it is the contract.
  const std::size_t start = out.size();
  out += '"';
  std::size_t run = 0;  // the first byte not yet written
  std::size_t at = 0;
  while (at < text.size()) {
    const auto c = static_cast<unsigned char>(text[at]);
    if (c >= 0x80) {
      const std::size_t length = MultiByteSequenceLength(text, at);
      if (length == 0) {
        out.resize(start);
        out += nlohmann::json(std::string(text))
                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      at += length;
      continue;
    }
    if (const std::string_view escape = EscapeOf(c); !escape.empty()) {
      out.append(text, run, at - run);
      out += escape;
      run = at + 1;
    }
    ++at;
  }
  out.append(text, run, text.size() - run);
  out += '"';
}

void AppendJsonStrings(std::string& out, const std::vector<std::string>& texts) {
  out += '[';
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) out += ',';
    AppendJsonString(out, texts[i]);
  }
  out += ']';
}

}  // namespace motcua
