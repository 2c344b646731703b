#include "engine/domain/json_text.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace motcua {

void AppendJsonString(std::string& out, std::string_view text) {
  // Printable ASCII without quotes or backslashes (codes, ids, times) goes
  // as it is; anything else through the library, which knows every escape.
  const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
    return c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
  });
  if (plain) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  out += nlohmann::json(std::string(text))
             .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace motcua
