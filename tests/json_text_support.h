// json_text_support.h: what tests of JSON texts and their positions share.
#pragma once

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace motcua {

// {line, column} of byte `at` of `text`, 1-based, the column counted in
// Unicode characters as editors count it (an oracle independent of
// engine/domain/json_positions.h).
inline std::pair<std::size_t, std::size_t> LineColumnAt(const std::string& text, std::size_t at) {
  const std::size_t newline = at == 0 ? std::string::npos : text.rfind('\n', at - 1);
  const std::size_t line_start = newline == std::string::npos ? 0 : newline + 1;
  std::size_t column = 1;
  for (std::size_t i = line_start; i < at; ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  const auto lines = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at), '\n');
  return {static_cast<std::size_t>(lines) + 1, column};
}

// The member names of `object` in the order it holds them.
inline std::vector<std::string> MemberNames(const nlohmann::ordered_json& object) {
  std::vector<std::string> names;
  for (const auto& [name, unused] : object.items()) names.push_back(name);
  return names;
}

}  // namespace motcua
