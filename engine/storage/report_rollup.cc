#include "engine/storage/report_rollup.h"

#include <chrono>
#include <set>
#include <utility>

#include "engine/domain/rfc3339.h"
#include "engine/domain/status_macros.h"
#include "engine/storage/column_codec.h"

namespace motcua {
namespace {

// a / b rounded toward negative infinity (b > 0).
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if (a % b != 0 && a < 0) --q;
  return q;
}

// The bucket holding instant `t`.
std::int64_t RollupBucketOf(Instant t) {
  return FloorDiv(ToSeconds(t), kSecondsPerRollupBucket);
}

}  // namespace

Instant RollupBucketStart(std::int64_t bucket) {
  return FromSeconds(bucket * kSecondsPerRollupBucket);
}

RollupKey RollupKeyOf(const ReportFacts& facts) {
  return RollupKey{facts.agency, RollupBucketOf(facts.submitted_at), facts.procedure_code,
                   facts.submitted_month};
}

void AddToRollupSums(const ReportFacts& facts, RollupSums& sums) {
  CountSettledFacts(facts, sums[RollupKeyOf(facts)]);
}

std::vector<std::string> RollupDifferences(const RollupSums& stored, const RollupSums& from_facts,
                                           std::size_t max_lines) {
  static const ReportCounts kZero;
  auto counts_of = [](const RollupSums& sums, const RollupKey& key) -> const ReportCounts& {
    auto found = sums.find(key);
    return found == sums.end() ? kZero : found->second;
  };
  std::set<RollupKey> keys;  // of either, in order
  for (const auto& entry : stored) keys.insert(entry.first);
  for (const auto& entry : from_facts) keys.insert(entry.first);
  std::vector<std::string> lines;
  for (const RollupKey& key : keys) {
    const ReportCounts& kept = counts_of(stored, key);
    const ReportCounts& summed = counts_of(from_facts, key);
    if (kept == summed) continue;
    if (lines.size() >= max_lines) break;
    const std::chrono::year_month_day day{
        std::chrono::floor<std::chrono::days>(RollupBucketStart(key.bucket))};
    std::string line = "agency " + key.agency + ", day " + FormatRfc3339Date(day) + ", procedure " +
                       key.procedure_code + ", month " + key.submitted_month + ":";
    const char* separator = " ";
    for (const ReportCountField& field : ReportCountFields()) {
      if (kept.*field.member == summed.*field.member) continue;
      line += separator + std::string(field.name) + " " + std::to_string(kept.*field.member) +
              " stored, " + std::to_string(summed.*field.member) + " from the facts rows";
      separator = "; ";
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

std::vector<RollupChange> RollupChanges(const std::optional<ReportFacts>& previous,
                                        const ReportFacts& next) {
  RollupChange added{RollupKeyOf(next), {}};
  CountSettledFacts(next, added.delta);
  if (!previous) return {added};
  RollupChange removed{RollupKeyOf(*previous), {}};
  {
    ReportCounts counted;
    CountSettledFacts(*previous, counted);
    SubtractCounts(counted, removed.delta);
  }
  if (removed.key == added.key) {
    AddCounts(removed.delta, added.delta);
    if (added.delta == ReportCounts{}) return {};
    return {added};
  }
  if (removed.key < added.key) return {removed, added};
  return {added, removed};
}

Result<std::vector<ReportGroup>> RollupReport(
    const ReportQuery& query,
    const std::function<Status(Instant from, Instant to, ReportGroupMap& groups)>& count_rows,
    const std::function<Status(std::int64_t first, std::int64_t end, ReportGroupMap& groups)>&
        count_buckets) {
  // Whole buckets [first, end) inside [from, to); facts rows for the rest.
  const std::int64_t first = -FloorDiv(-ToSeconds(query.from), kSecondsPerRollupBucket);
  const std::int64_t end = RollupBucketOf(query.to);
  ReportGroupMap groups;
  if (first < end) {
    RETURN_IF_ERROR(count_rows(query.from, RollupBucketStart(first), groups));
    RETURN_IF_ERROR(count_buckets(first, end, groups));
    RETURN_IF_ERROR(count_rows(RollupBucketStart(end), query.to, groups));
  } else {
    RETURN_IF_ERROR(count_rows(query.from, query.to, groups));
  }
  std::vector<ReportGroup> result;
  for (auto& [key, counts] : groups) {
    if (counts.dossiers > 0) result.push_back(ReportGroup{key, counts});
  }
  return result;
}

const char* RollupGroupColumn(ReportGroupBy group_by) {
  switch (group_by) {
    case ReportGroupBy::kNone: return "CAST('' AS TEXT)";
    case ReportGroupBy::kProcedure: return "procedure_code";
    case ReportGroupBy::kAgency: return "agency";
    case ReportGroupBy::kMonth: return "submitted_month";
  }
  return "CAST('' AS TEXT)";
}

}  // namespace motcua
