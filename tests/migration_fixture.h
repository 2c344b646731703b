// migration_fixture.h: version 2 of the bundled permanent-residence workflow
// (1.004222) for the migration tests of every layer (issue 21): state
// in_review renamed under_review (every reference follows), and an optional
// document added. Everything else is version 1's.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tests/source_tree.h"

namespace motcua {

inline constexpr const char* kPermanentResidenceFile =
    "workflows/1.004222-permanent-residence.json";

inline nlohmann::json PermanentResidenceV2() {
  std::string text = LoadJson(kPermanentResidenceFile).dump();
  const std::string from = "\"in_review\"";
  const std::string to = "\"under_review\"";
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  nlohmann::json v2 = nlohmann::json::parse(text);
  v2["procedure"]["documents"].push_back(
      {{"key", "household_book_copy"},
       {"name", "Copy of the household registration book"},
       {"names", {{"vi", "Bản sao sổ hộ khẩu"}, {"en", "Copy of the household registration book"}}},
       {"required", false},
       {"electronic_copy", true}});
  return v2;
}

}  // namespace motcua
