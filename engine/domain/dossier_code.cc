#include "engine/domain/dossier_code.h"

#include <cstddef>
#include <limits>
#include <optional>

namespace motcua {
namespace {

constexpr std::size_t kMaxAgencyIdLength = 40;
constexpr int kFirstYear = 2000;
constexpr int kLastYear = 2099;

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!IsDigit(c)) return false;
  }
  return true;
}

// The value of a non-empty run of decimal digits, or nullopt on overflow.
std::optional<std::int64_t> DigitsValue(std::string_view digits) {
  std::int64_t value = 0;
  for (char c : digits) {
    const std::int64_t digit = c - '0';
    if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

// True for a real calendar date the yymmdd field can express.
bool IsCodeDate(const LocalDate& date) {
  const int year = static_cast<int>(date.year());
  return date.ok() && year >= kFirstYear && year <= kLastYear;
}

Error InvalidCode(std::string message) {
  return Error(ErrorCode::kInvalidArgument, message, ErrorReason::kInvalidDossierCode,
               {FieldError{"", std::move(message)}});
}

void AppendTwoDigits(std::string& out, unsigned value) {
  out.push_back(static_cast<char>('0' + value / 10));
  out.push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

bool IsValidAgencyId(std::string_view agency_id) {
  if (agency_id.empty() || agency_id.size() > kMaxAgencyIdLength) return false;
  if (agency_id.front() == '.' || agency_id.back() == '.') return false;
  for (char c : agency_id) {
    if (!IsDigit(c) && !IsLetter(c) && c != '.') return false;
  }
  return true;
}

Result<std::string> FormatDossierCode(const DossierCode& code, int width) {
  if (!IsValidAgencyId(code.agency_id)) {
    return Error(ErrorCode::kInvalidArgument, "invalid agency ID '" + code.agency_id + "'",
                 ErrorReason::kInvalidDossierCode);
  }
  if (code.sequence < 1) {
    return Error(ErrorCode::kInvalidArgument, "sequence must be at least 1",
                 ErrorReason::kInvalidDossierCode);
  }
  if (width < 1) {
    return Error(ErrorCode::kInvalidArgument, "width must be at least 1",
                 ErrorReason::kInvalidDossierCode);
  }
  if (!IsCodeDate(code.date)) {
    return Error(ErrorCode::kInvalidArgument, "date must be a real date in 2000-2099",
                 ErrorReason::kInvalidDossierCode);
  }
  std::string out = code.agency_id;
  out.push_back('-');
  AppendTwoDigits(out, static_cast<unsigned>(static_cast<int>(code.date.year()) - kFirstYear));
  AppendTwoDigits(out, static_cast<unsigned>(code.date.month()));
  AppendTwoDigits(out, static_cast<unsigned>(code.date.day()));
  out.push_back('-');
  const std::string sequence = std::to_string(code.sequence);
  if (sequence.size() < static_cast<std::size_t>(width)) {
    out.append(static_cast<std::size_t>(width) - sequence.size(), '0');
  }
  out += sequence;
  return out;
}

Result<DossierCode> ParseDossierCode(std::string_view text) {
  // The agency ID never contains '-', but split on the last two so that the
  // message names the right part when it does.
  const std::size_t last = text.rfind('-');
  if (last == std::string_view::npos || last == 0) {
    return InvalidCode("expected {agency}-{yymmdd}-{sequence}");
  }
  const std::size_t middle = text.rfind('-', last - 1);
  if (middle == std::string_view::npos) {
    return InvalidCode("expected {agency}-{yymmdd}-{sequence}");
  }
  const std::string_view agency = text.substr(0, middle);
  const std::string_view date = text.substr(middle + 1, last - middle - 1);
  const std::string_view sequence = text.substr(last + 1);

  if (!IsValidAgencyId(agency)) {
    return InvalidCode("invalid agency ID '" + std::string(agency) + "'");
  }
  if (date.size() != 6 || !AllDigits(date)) {
    return InvalidCode("date must be six digits yymmdd");
  }
  const auto two = [&](std::size_t at) {
    return static_cast<unsigned>((date[at] - '0') * 10 + (date[at + 1] - '0'));
  };
  const LocalDate parsed_date{std::chrono::year{kFirstYear + static_cast<int>(two(0))},
                              std::chrono::month{two(2)}, std::chrono::day{two(4)}};
  if (!parsed_date.ok()) {
    return InvalidCode("date '" + std::string(date) + "' is not a real date");
  }
  if (!AllDigits(sequence)) {
    return InvalidCode("sequence must be digits");
  }
  const std::optional<std::int64_t> number = DigitsValue(sequence);
  if (!number.has_value()) return InvalidCode("sequence is too large");
  if (*number < 1) return InvalidCode("sequence must be at least 1");

  return DossierCode{std::string(agency), parsed_date, *number};
}

}  // namespace motcua
