#include "engine/domain/json_text.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

namespace motcua {
namespace {

// What AppendJsonString promises to write: nlohmann's dump() of the string,
// with invalid UTF-8 replaced.
std::string DumpOf(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Appended(const std::string& text) {
  std::string out = "prefix,";
  AppendJsonString(out, text);
  return out;
}

TEST_CASE("json text: a string is written as dump() writes it, escapes and UTF-8 included") {
  const std::vector<std::string> texts = {
      "",
      "000.00.01.H26-261208-0750",
      "Khai báo tạm vắng",
      "Nguyễn Văn An \"quoted\" back\\slash",
      "tab\tnew\nline\rfeed\fback\b",
      std::string("nul \0 inside", 12),
      "\x01\x1f\x7f",
      "emoji \xF0\x9F\x98\x80 and U+10FFFF \xF4\x8F\xBF\xBF",
      "edges \xC2\x80 \xDF\xBF \xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80 \xF0\x90\x80\x80",
  };
  for (const std::string& text : texts) {
    CAPTURE(text);
    CHECK(Appended(text) == "prefix," + DumpOf(text));
  }
  for (int c = 0; c < 0x80; ++c) {
    const std::string one(1, static_cast<char>(c));
    CAPTURE(c);
    CHECK(Appended(one) == "prefix," + DumpOf(one));
  }
}

TEST_CASE("json text: a list of strings is written as dump() writes the array") {
  const std::vector<std::vector<std::string>> lists = {
      {}, {"receive"}, {"receive", "request_supplement", "Trả \"kết quả\""}, {"", "bad \xff"}};
  for (const std::vector<std::string>& list : lists) {
    std::string out = "prefix,";
    AppendJsonStrings(out, list);
    CHECK(out == "prefix," + nlohmann::json(list).dump(-1, ' ', false,
                                                       nlohmann::json::error_handler_t::replace));
  }
}

TEST_CASE("json text: invalid UTF-8 is replaced as dump() replaces it") {
  const std::vector<std::string> texts = {
      "lone continuation \x80",
      "overlong \xC0\x80 and \xC1\xBF",
      "overlong three \xE0\x80\x80",
      "surrogate \xED\xA0\x80",
      "above U+10FFFF \xF4\x90\x80\x80 \xF5\x80\x80\x80",
      "cut at the end \xE1\x80",
      "cut in the middle \xF0\x9F\x98 then text",
      "\xFF\xFE",
      "good \xC3\xA9 then bad \xC3",
  };
  for (const std::string& text : texts) {
    CAPTURE(text);
    const std::string written = Appended(text);
    CHECK(written == "prefix," + DumpOf(text));
    CHECK(written.find("\xEF\xBF\xBD") != std::string::npos);  // U+FFFD
  }
}

TEST_CASE("json text: random bytes are written as dump() writes them") {
  // Units drawn from the bytes where UTF-8's rules change: a single byte,
  // or a lead byte with up to three continuation bytes, so that valid and
  // invalid sequences of every length occur.
  const std::vector<unsigned char> singles = {0x00, 0x09, 0x1f, 0x20, 0x22, 0x41,
                                              0x5c, 0x7e, 0x7f, 0x80, 0xbf, 0xff};
  const std::vector<unsigned char> leads = {0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed,
                                            0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5};
  const std::vector<unsigned char> continuations = {0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0x41};
  std::mt19937 random(20261207);
  auto any_of = [&](const std::vector<unsigned char>& bytes) {
    return static_cast<char>(
        bytes[std::uniform_int_distribution<std::size_t>(0, bytes.size() - 1)(random)]);
  };
  auto below = [&](int n) { return std::uniform_int_distribution<int>(0, n - 1)(random); };
  int invalid = 0;
  int multi_byte = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    for (int units = below(6); units > 0; --units) {
      if (below(2) == 0) {
        text += any_of(singles);
      } else {
        text += any_of(leads);
        for (int n = below(4); n > 0; --n) text += any_of(continuations);
      }
    }
    const std::string expected = DumpOf(text);
    if (expected.find("\xEF\xBF\xBD") != std::string::npos) {
      ++invalid;
    } else if (std::any_of(text.begin(), text.end(), [](char c) { return c & 0x80; })) {
      ++multi_byte;
    }
    const std::string written = Appended(text);
    if (written != "prefix," + expected) {
      CAPTURE(text);
      CHECK(written == "prefix," + expected);
      break;
    }
  }
  // The draw reached both the library's replacement and valid sequences.
  CHECK(invalid > 1000);
  CHECK(multi_byte > 100);
}

}  // namespace
}  // namespace motcua
