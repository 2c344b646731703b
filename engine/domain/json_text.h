// json_text.h: JSON text written by hand, where building a nlohmann::json
// tree only to dump it would cost more than the text (a log line per request,
// a feed record per status change).
//
// What is written here is byte for byte what nlohmann's dump() writes for the
// same value (no indentation, ensure_ascii off), so readers and golden tests
// cannot tell the two apart. Objects written by hand must give their members
// in nlohmann's order: sorted by key, byte by byte.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace motcua {

// Appends `text` as a JSON string: quoted, with '"', '\\' and control
// characters escaped as dump() escapes them. Invalid UTF-8 is replaced by
// U+FFFD (nlohmann's error_handler_t::replace), never thrown.
void AppendJsonString(std::string& out, std::string_view text);

// Appends `texts` as a JSON array of strings, each as AppendJsonString writes it.
void AppendJsonStrings(std::string& out, const std::vector<std::string>& texts);

}  // namespace motcua
