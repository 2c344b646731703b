#include "engine/domain/page_limit.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

Error LimitError(PageLimitRule rule) {
  const std::string expected = "must be a whole number from 1 to " + std::to_string(rule.max_limit);
  return Error(ErrorCode::kInvalidArgument, "limit " + expected, ErrorReason::kValidation,
               {FieldError{"/limit", expected}});
}

}  // namespace

Status CheckPageLimit(std::int64_t limit, PageLimitRule rule) {
  if (limit < 1 || limit > rule.max_limit) return LimitError(rule);
  return Status();
}

Result<int> ParsePageLimit(std::optional<std::string_view> text, PageLimitRule rule) {
  if (!text.has_value()) return rule.default_limit;
  std::int64_t limit = 0;
  const char* begin = text->data();
  const char* end = begin + text->size();
  auto [stop, error] = std::from_chars(begin, end, limit);
  // from_chars takes a leading '-': digits only, as the rule says.
  if (text->empty() || text->front() == '-' || error != std::errc() || stop != end) {
    return LimitError(rule);
  }
  RETURN_IF_ERROR(CheckPageLimit(limit, rule));
  return static_cast<int>(limit);
}

Result<int> CapPageLimit(std::int64_t limit, PageLimitRule rule) {
  if (limit < 1) return LimitError(rule);
  return static_cast<int>(std::min<std::int64_t>(limit, rule.max_limit));
}

}  // namespace motcua
