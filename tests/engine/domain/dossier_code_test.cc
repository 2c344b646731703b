#include "engine/domain/dossier_code.h"

#include <doctest/doctest.h>

#include <string>

namespace motcua {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

LocalDate Date(int y, unsigned m, unsigned d) {
  return LocalDate{year{y}, month{m}, day{d}};
}

TEST_CASE("dossier_code: formats the documented example") {
  Result<std::string> code = FormatDossierCode({"H15.50.05.13", Date(2026, 10, 8), 975});
  REQUIRE(code.ok());
  CHECK(*code == "H15.50.05.13-261008-0975");
}

TEST_CASE("dossier_code: pads to the width and grows past it") {
  struct Case {
    std::int64_t sequence;
    int width;
    const char* expected;
  };
  const Case cases[] = {
      {1, 4, "000.00.01.H26-260105-0001"},
      {12345, 4, "000.00.01.H26-260105-12345"},
      {42, 7, "000.00.01.H26-260105-0000042"},
      {7, 1, "000.00.01.H26-260105-7"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.expected);
    Result<std::string> code =
        FormatDossierCode({"000.00.01.H26", Date(2026, 1, 5), c.sequence}, c.width);
    REQUIRE(code.ok());
    CHECK(*code == c.expected);
  }
}

TEST_CASE("dossier_code: format rejects bad agency, sequence, width and date") {
  CHECK(FormatDossierCode({"", Date(2026, 1, 5), 1}).error().code() == ErrorCode::kInvalidArgument);
  CHECK(FormatDossierCode({".H26", Date(2026, 1, 5), 1}).error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(FormatDossierCode({"H26", Date(2026, 1, 5), 0}).error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(FormatDossierCode({"H26", Date(2026, 1, 5), 1}, 0).error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(FormatDossierCode({"H26", Date(1999, 12, 31), 1}).error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(FormatDossierCode({"H26", Date(2100, 1, 1), 1}).error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(FormatDossierCode({"H26", Date(2026, 2, 30), 1}).error().code() ==
        ErrorCode::kInvalidArgument);
  CHECK(FormatDossierCode({"H26", Date(2099, 12, 31), 1}).ok());
}

TEST_CASE("dossier_code: parses the documented example") {
  Result<DossierCode> code = ParseDossierCode("H15.50.05.13-261008-0975");
  REQUIRE(code.ok());
  CHECK(code->agency_id == "H15.50.05.13");
  CHECK(code->date == Date(2026, 10, 8));
  CHECK(code->sequence == 975);
}

TEST_CASE("dossier_code: parses ministry-width sequences and leap days") {
  Result<DossierCode> code = ParseDossierCode("000.00.01.G01-280229-0001234");
  REQUIRE(code.ok());
  CHECK(code->agency_id == "000.00.01.G01");
  CHECK(code->date == Date(2028, 2, 29));
  CHECK(code->sequence == 1234);
}

TEST_CASE("dossier_code: parse rejects malformed codes with pointer \"\"") {
  const char* bad[] = {
      "",
      "H26",
      "H26-260105",
      "-260105-0001",                     // empty agency
      "H26.-260105-0001",                 // agency ends with a dot
      "H_26-260105-0001",                 // character outside the agency alphabet
      "A-B-260105-0001",                  // '-' inside the agency
      "H26-2601050-0001",                 // date too long
      "H26-26015-0001",                   // date too short
      "H26-26a105-0001",                  // date not digits
      "H26-270229-0001",                  // 2027 is not a leap year
      "H26-261301-0001",                  // month 13
      "H26-260100-0001",                  // day 0
      "H26-260105-",                      // empty sequence
      "H26-260105-00a1",                  // sequence not digits
      "H26-260105-0000",                  // sequence 0
      "H26-260105-99999999999999999999",  // overflow
  };
  for (const char* text : bad) {
    CAPTURE(text);
    Result<DossierCode> code = ParseDossierCode(text);
    REQUIRE_FALSE(code.ok());
    CHECK(code.error().code() == ErrorCode::kInvalidArgument);
    REQUIRE(code.error().fields().size() == 1);
    CHECK(code.error().fields()[0].pointer == "");
  }
}

TEST_CASE("dossier_code: agency ids") {
  CHECK(IsValidAgencyId("000.00.01.H26"));
  CHECK(IsValidAgencyId("H15.50.05.13"));
  CHECK(IsValidAgencyId("a"));
  CHECK(IsValidAgencyId(std::string(40, 'A')));
  CHECK_FALSE(IsValidAgencyId(std::string(41, 'A')));
  CHECK_FALSE(IsValidAgencyId(""));
  CHECK_FALSE(IsValidAgencyId(".H26"));
  CHECK_FALSE(IsValidAgencyId("H26."));
  CHECK_FALSE(IsValidAgencyId("H 26"));
  CHECK_FALSE(IsValidAgencyId("H-26"));
}

TEST_CASE("dossier_code: format then parse gives the same code") {
  const DossierCode original{"000.00.01.H26", Date(2026, 11, 22), 31};
  Result<std::string> text = FormatDossierCode(original, 6);
  REQUIRE(text.ok());
  CHECK(*text == "000.00.01.H26-261122-000031");
  Result<DossierCode> back = ParseDossierCode(*text);
  REQUIRE(back.ok());
  CHECK(back->agency_id == original.agency_id);
  CHECK(back->date == original.date);
  CHECK(back->sequence == original.sequence);
}

}  // namespace
}  // namespace motcua
