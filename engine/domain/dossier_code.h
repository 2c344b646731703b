// dossier_code.h: national dossier codes, "{agency ID}-{yymmdd}-{sequence}".
//
// Example: "H15.50.05.13-261008-0975". The sequence counts dossiers received
// by one agency on one local day, starting at 1; it is zero-padded to
// `width` digits (4 for provinces, 6 or 7 for ministries) and may grow wider.
// Allocating the next sequence number is the store's job; this file only
// formats and parses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/domain/calendar.h"
#include "engine/domain/status.h"

namespace motcua {

struct DossierCode {
  std::string agency_id;
  LocalDate date;
  std::int64_t sequence = 0;
};

// True for a well-formed agency ID: letters, digits and dots, 1-40 chars,
// not starting or ending with a dot.
bool IsValidAgencyId(std::string_view agency_id);

// kInvalidArgument for an invalid agency ID, a sequence < 1 or width < 1.
Result<std::string> FormatDossierCode(const DossierCode& code, int width = 4);

// kInvalidArgument (pointer "") naming what is wrong with `text`.
Result<DossierCode> ParseDossierCode(std::string_view text);

}  // namespace motcua
