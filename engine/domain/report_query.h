// report_query.h: aggregated counts over report facts (report_facts.h).
//
// The store answers a ReportQuery with one ReportCounts per group
// (DossierStore::AggregateReport). `CountFacts` is the reference definition
// of every count: the in-memory store uses it as is, the SQLite store
// computes the same numbers in SQL, and the store contract test checks that
// they agree.
//
// Which dossiers: those of `agency` (every agency when empty, for callers
// entitled to that; the report service never asks for it today) submitted
// in [from, to), optionally of one procedure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/report_facts.h"

namespace motcua {

enum class ReportGroupBy {
  kNone,       // one group, key ""
  kProcedure,  // key: procedure code
  kAgency,     // key: agency ID
  kMonth,      // key: "YYYY-MM" of submission in legal time (UTC+7)
};
const char* ReportGroupByName(ReportGroupBy group_by);  // "none", "procedure", "agency", "month"
std::optional<ReportGroupBy> ReportGroupByFromName(const std::string& name);

struct ReportQuery {
  std::optional<std::string> agency;  // empty: every agency
  std::optional<std::string> procedure_code;
  Instant from;  // submitted_at >= from
  Instant to;    // submitted_at < to
  ReportGroupBy group_by = ReportGroupBy::kNone;
  // Dossiers in progress with a due date before `now` (and not paused) count
  // as overdue.
  Instant now;
};

// Counts of one group. The four timeliness counts partition `received`:
// finished_on_time + finished_late + in_progress_on_time +
// in_progress_overdue == received.
struct ReportCounts {
  std::int64_t dossiers = 0;          // submitted in the period
  std::int64_t received = 0;          // ... and received (the legal clock started)
  std::int64_t finished = 0;          // ... processing ended (any dossier, received or not)
  std::int64_t finished_early = 0;    // received, finished early
  std::int64_t finished_on_time = 0;  // received, finished early or on time, not late in the index
  std::int64_t finished_late = 0;     // received, finished, counts late in the index
  std::int64_t in_progress_on_time = 0;
  // Received, not finished, and late: counts_late_in_index, or not paused
  // and due_at < now.
  std::int64_t in_progress_overdue = 0;
  std::int64_t submitted_online = 0;
  std::int64_t fully_online = 0;
  std::int64_t fee_bearing = 0;
  std::int64_t paid_online = 0;  // fee-bearing and paid online
  std::int64_t results = 0;      // finished with a result document
  std::int64_t electronic_results = 0;
  std::int64_t documents_total = 0;
  std::int64_t documents_digitized = 0;
  std::int64_t documents_reused = 0;
  std::int64_t population_data = 0;  // dossiers using the population database
  std::int64_t approved = 0;
  std::int64_t refused = 0;
  std::int64_t not_received = 0;
  std::int64_t withdrawn = 0;
  std::int64_t stopped = 0;
  std::int64_t ratings = 0;  // dossiers with a rating
  std::int64_t rating_sum = 0;
  std::int64_t ratings_satisfied = 0;  // rating >= kSatisfiedFromScore

  friend bool operator==(const ReportCounts&, const ReportCounts&) = default;
};

struct ReportGroup {
  std::string key;  // see ReportGroupBy
  ReportCounts counts;
};

// The group key of `facts` under `group_by`.
std::string ReportGroupKey(const ReportFacts& facts, ReportGroupBy group_by);

// True when `facts` falls under `query`'s filter (group_by aside).
bool MatchesReportQuery(const ReportFacts& facts, const ReportQuery& query);

// Adds one dossier's facts to `counts`, judging in-progress dossiers at `now`.
// The same as CountSettledFacts, then JudgeOverdue if IsOverdueAt(now).
void CountFacts(const ReportFacts& facts, Instant now, ReportCounts& counts);

// CountFacts split in the part that changes only when a dossier's facts
// change, and the part that changes with the passage of time alone, for
// stores that keep counts pre-summed:
//  - CountSettledFacts counts an "open" dossier (IsOpenInProgress) as
//    in_progress_on_time;
//  - at query time, every open dossier that IsOverdueAt(now) is moved to
//    in_progress_overdue with JudgeOverdue.
void CountSettledFacts(const ReportFacts& facts, ReportCounts& counts);
// Received, not finished, and not already late in the index: whether it is
// overdue depends on "now".
bool IsOpenInProgress(const ReportFacts& facts);
// An open dossier is overdue at `now` when it is not paused and its due date
// is before `now`.
bool IsOverdueAt(const ReportFacts& facts, Instant now);
// Moves `overdue` open dossiers from in_progress_on_time to
// in_progress_overdue.
void JudgeOverdue(std::int64_t overdue, ReportCounts& counts);

// Every member of ReportCounts with its name (the member's name), in member
// order: stores name their columns after it, and arithmetic over counts
// iterates it.
struct ReportCountField {
  const char* name;
  std::int64_t ReportCounts::*member;
};
const std::vector<ReportCountField>& ReportCountFields();

// into += counts (AddCounts) or into -= counts (SubtractCounts), member by
// member.
void AddCounts(const ReportCounts& counts, ReportCounts& into);
void SubtractCounts(const ReportCounts& counts, ReportCounts& into);

// Sum of `groups` (a total row).
ReportCounts SumCounts(const std::vector<ReportGroup>& groups);

// The work an agency did on fork branches (BranchReportFacts) of dossiers,
// whoever received them: those branches `agency` handles that started in
// [from, to), optionally of one procedure.
struct BranchReportQuery {
  std::string agency;
  std::optional<std::string> procedure_code;
  Instant from;
  Instant to;
  Instant now;  // running branches with a due date before it count as overdue
};

// Counts over such branches. The four timeliness counts partition
// `branches`: finished_on_time + finished_late + in_progress_on_time +
// in_progress_overdue == branches.
struct BranchReportCounts {
  std::int64_t branches = 0;
  std::int64_t finished = 0;
  std::int64_t finished_on_time = 0;
  std::int64_t finished_late = 0;
  std::int64_t in_progress_on_time = 0;
  std::int64_t in_progress_overdue = 0;  // late, or not ended and due before `now`
  std::int64_t approved = 0;
  std::int64_t refused = 0;

  friend bool operator==(const BranchReportCounts&, const BranchReportCounts&) = default;
};

// True when `facts` falls under `query`.
bool MatchesBranchReportQuery(const BranchReportFacts& facts, const BranchReportQuery& query);
// Adds one branch's facts to `counts`, judging a running branch at `now`:
// the reference definition the stores compute.
void CountBranchFacts(const BranchReportFacts& facts, Instant now, BranchReportCounts& counts);

}  // namespace motcua
