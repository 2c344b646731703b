// report_rollup.h: the pre-summed report counts both SQL stores keep next to
// their report_facts rows, and how a report period splits over them.
//
// A roll-up row holds CountSettledFacts (report_query.h) summed over the
// dossiers of one agency, procedure, legal month of submission and "bucket":
// the UTC day of submission, submitted_at / 86400 rounded down. A report over
// [from, to) then reads:
//  - the roll-up for the whole buckets inside [from, to);
//  - facts rows, counted one by one (CountFacts), for the partial buckets at
//    either end;
//  - over the whole buckets, the open dossiers (IsOpenInProgress) overdue at
//    the query's "now", which JudgeOverdue moves to in_progress_overdue.
// Its answer equals CountFacts over every matching facts row.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/report_facts.h"
#include "engine/domain/report_query.h"
#include "engine/domain/status.h"

namespace motcua {

inline constexpr std::int64_t kSecondsPerRollupBucket = 86400;

// The first instant of `bucket`.
Instant RollupBucketStart(std::int64_t bucket);

// The conditions of IsOpenInProgress in SQL, word for word as the WHERE
// clause of both stores' partial index report_facts_open (SQLite 0008,
// PostgreSQL 0020), so that their planners use it.
inline constexpr const char* kOpenInProgressSql =
    "received_at IS NOT NULL AND finished_at IS NULL AND counts_late_in_index = 0";

// The roll-up row a facts row counts in.
struct RollupKey {
  std::string agency;
  std::int64_t bucket = 0;
  std::string procedure_code;
  std::string submitted_month;

  friend auto operator<=>(const RollupKey&, const RollupKey&) = default;
};

RollupKey RollupKeyOf(const ReportFacts& facts);

// What one roll-up row gains (members may be negative).
struct RollupChange {
  RollupKey key;
  ReportCounts delta;
};

// The roll-up changes when a dossier's facts row goes from `previous` (none:
// the dossier had no row) to `next`: none when nothing counted changed, one
// when both count in the same row, else the subtraction from the previous
// row and the addition to the next, by key (an order every writer shares).
std::vector<RollupChange> RollupChanges(const std::optional<ReportFacts>& previous,
                                        const ReportFacts& next);

// Roll-up rows by key: as stored, or as facts rows sum to them.
using RollupSums = std::map<RollupKey, ReportCounts>;

// Adds `facts` to the roll-up row it counts in (CountSettledFacts), as a
// store does when it builds its roll-up from the facts rows.
void AddToRollupSums(const ReportFacts& facts, RollupSums& sums);

// Where `stored` differs from `from_facts`, the roll-up the facts rows sum
// to: one line per key, e.g. "agency A, day 2026-12-01, procedure 1.004222,
// month 2026-12: late 3 stored, 1 from the facts rows", by key, at most
// `max_lines`. A row of zeros counts as no row.
std::vector<std::string> RollupDifferences(const RollupSums& stored, const RollupSums& from_facts,
                                           std::size_t max_lines);

// Counts by group key, as a store sums them before answering.
using ReportGroupMap = std::map<std::string, ReportCounts>;

// The report over `query` as the header describes, from the store's two
// readers: `count_rows(from, to, groups)` adds CountFacts over the facts rows
// submitted in [from, to) (nothing when to <= from), and
// `count_buckets(first, end, groups)` adds the roll-up over whole buckets
// [first, end), then judges the open dossiers submitted in them that are
// overdue at query.now. Returns the groups with at least one dossier, by key.
Result<std::vector<ReportGroup>> RollupReport(
    const ReportQuery& query,
    const std::function<Status(Instant from, Instant to, ReportGroupMap& groups)>& count_rows,
    const std::function<Status(std::int64_t first, std::int64_t end, ReportGroupMap& groups)>&
        count_buckets);

// The SQL expression of `group_by`'s key over a facts or roll-up row (an
// empty text for kNone), valid in SQLite and PostgreSQL alike.
const char* RollupGroupColumn(ReportGroupBy group_by);

}  // namespace motcua
