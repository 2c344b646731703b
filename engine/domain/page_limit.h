// page_limit.h: the one rule for a page-size parameter (`limit`).
//
// Every listing has a PageLimitRule: the page size used when the caller names
// none, and the largest it may name. A limit is a whole number from 1 to that
// ceiling; anything else is kInvalidArgument "validation" at "/limit" with
// the message "must be a whole number from 1 to N". The API parses the query
// text with ParsePageLimit; the services check the number they are handed
// with CheckPageLimit under the same rule, so a caller that is not HTTP (the
// command line, a timer) gets the answer an HTTP client gets.
//
// The dossier store's listings take any limit of at least 1 and cut it at
// kStoreReadRule's ceiling (CapPageLimit): that bounds one read, whatever the
// caller; it is not a rule a client meets, since every listing's ceiling is
// lower. A limit below 1 gets the error above there too, so a bad limit has
// one answer wherever it is found.
//
// Example:
//   ASSIGN_OR_RETURN(int limit, ParsePageLimit(QueryValue(request, "limit"),
//                                              kDossierPageRule));
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "engine/domain/status.h"

namespace motcua {

struct PageLimitRule {
  int default_limit;
  int max_limit;
};

// Dossier lists and work queues (GET /v1/dossiers, /v1/queue).
inline constexpr PageLimitRule kDossierPageRule{50, 200};
// The sync feed and its dead letters (GET /v1/feed, /v1/feed/dead-letters).
inline constexpr PageLimitRule kFeedPageRule{100, 1000};
// One read of a dossier store listing (DossierStore, store.h), cut, never
// refused, above its ceiling.
inline constexpr PageLimitRule kStoreReadRule{1000, 1000};

// OK when 1 <= limit <= rule.max_limit; else the error of the file comment.
Status CheckPageLimit(std::int64_t limit, PageLimitRule rule);

// The limit written as `text` (decimal digits only), or rule.default_limit
// when there is no text; else the error of the file comment.
Result<int> ParsePageLimit(std::optional<std::string_view> text, PageLimitRule rule);

// `limit`, cut to rule.max_limit; below 1, the error of the file comment.
Result<int> CapPageLimit(std::int64_t limit, PageLimitRule rule);

}  // namespace motcua
