#include "engine/domain/report_query.h"

namespace motcua {

const char* ReportGroupByName(ReportGroupBy group_by) {
  switch (group_by) {
    case ReportGroupBy::kNone: return "none";
    case ReportGroupBy::kProcedure: return "procedure";
    case ReportGroupBy::kAgency: return "agency";
    case ReportGroupBy::kMonth: return "month";
  }
  return "none";
}

std::optional<ReportGroupBy> ReportGroupByFromName(const std::string& name) {
  for (ReportGroupBy group_by : {ReportGroupBy::kNone, ReportGroupBy::kProcedure,
                                 ReportGroupBy::kAgency, ReportGroupBy::kMonth}) {
    if (name == ReportGroupByName(group_by)) return group_by;
  }
  return std::nullopt;
}

std::string ReportGroupKey(const ReportFacts& facts, ReportGroupBy group_by) {
  switch (group_by) {
    case ReportGroupBy::kNone: return "";
    case ReportGroupBy::kProcedure: return facts.procedure_code;
    case ReportGroupBy::kAgency: return facts.agency;
    case ReportGroupBy::kMonth: return facts.submitted_month;
  }
  return "";
}

bool MatchesReportQuery(const ReportFacts& facts, const ReportQuery& query) {
  if (query.agency && facts.agency != *query.agency) return false;
  if (query.procedure_code && facts.procedure_code != *query.procedure_code) return false;
  return facts.submitted_at >= query.from && facts.submitted_at < query.to;
}

bool IsOpenInProgress(const ReportFacts& facts) {
  return facts.received_at.has_value() && !facts.finished_at.has_value() &&
         !facts.counts_late_in_index;
}

bool IsOverdueAt(const ReportFacts& facts, Instant now) {
  return !facts.paused_at && facts.due_at && *facts.due_at < now;
}

void JudgeOverdue(std::int64_t overdue, ReportCounts& counts) {
  counts.in_progress_on_time -= overdue;
  counts.in_progress_overdue += overdue;
}

void CountFacts(const ReportFacts& facts, Instant now, ReportCounts& counts) {
  CountSettledFacts(facts, counts);
  if (IsOpenInProgress(facts) && IsOverdueAt(facts, now)) JudgeOverdue(1, counts);
}

void CountSettledFacts(const ReportFacts& facts, ReportCounts& counts) {
  ++counts.dossiers;
  const bool finished = facts.finished_at.has_value();
  if (finished) ++counts.finished;
  if (facts.received_at) {
    ++counts.received;
    if (finished) {
      if (facts.counts_late_in_index) {
        ++counts.finished_late;
      } else {
        ++counts.finished_on_time;
        if (facts.timeliness == Timeliness::kEarly) ++counts.finished_early;
      }
    } else {
      ++(facts.counts_late_in_index ? counts.in_progress_overdue : counts.in_progress_on_time);
    }
  }
  if (facts.submitted_online) ++counts.submitted_online;
  if (facts.fully_online) ++counts.fully_online;
  if (facts.fee_bearing) {
    ++counts.fee_bearing;
    if (facts.paid_online) ++counts.paid_online;
  }
  if (finished && facts.has_result) {
    ++counts.results;
    if (facts.electronic_result) ++counts.electronic_results;
  }
  counts.documents_total += facts.documents_total;
  counts.documents_digitized += facts.documents_digitized;
  counts.documents_reused += facts.documents_reused;
  if (facts.population_data) ++counts.population_data;
  if (facts.outcome) {
    switch (*facts.outcome) {
      case ReportOutcome::kApproved: ++counts.approved; break;
      case ReportOutcome::kRefused: ++counts.refused; break;
      case ReportOutcome::kNotReceived: ++counts.not_received; break;
      case ReportOutcome::kWithdrawn: ++counts.withdrawn; break;
      case ReportOutcome::kStopped: ++counts.stopped; break;
    }
  }
  if (facts.rating) {
    ++counts.ratings;
    counts.rating_sum += *facts.rating;
    if (*facts.rating >= kSatisfiedFromScore) ++counts.ratings_satisfied;
  }
}

const std::vector<ReportCountField>& ReportCountFields() {
#define MOTCUA_COUNT_FIELD(name) \
  ReportCountField {             \
#name, &ReportCounts::name   \
  }
  static const std::vector<ReportCountField> fields{
      MOTCUA_COUNT_FIELD(dossiers),
      MOTCUA_COUNT_FIELD(received),
      MOTCUA_COUNT_FIELD(finished),
      MOTCUA_COUNT_FIELD(finished_early),
      MOTCUA_COUNT_FIELD(finished_on_time),
      MOTCUA_COUNT_FIELD(finished_late),
      MOTCUA_COUNT_FIELD(in_progress_on_time),
      MOTCUA_COUNT_FIELD(in_progress_overdue),
      MOTCUA_COUNT_FIELD(submitted_online),
      MOTCUA_COUNT_FIELD(fully_online),
      MOTCUA_COUNT_FIELD(fee_bearing),
      MOTCUA_COUNT_FIELD(paid_online),
      MOTCUA_COUNT_FIELD(results),
      MOTCUA_COUNT_FIELD(electronic_results),
      MOTCUA_COUNT_FIELD(documents_total),
      MOTCUA_COUNT_FIELD(documents_digitized),
      MOTCUA_COUNT_FIELD(documents_reused),
      MOTCUA_COUNT_FIELD(population_data),
      MOTCUA_COUNT_FIELD(approved),
      MOTCUA_COUNT_FIELD(refused),
      MOTCUA_COUNT_FIELD(not_received),
      MOTCUA_COUNT_FIELD(withdrawn),
      MOTCUA_COUNT_FIELD(stopped),
      MOTCUA_COUNT_FIELD(ratings),
      MOTCUA_COUNT_FIELD(rating_sum),
      MOTCUA_COUNT_FIELD(ratings_satisfied),
  };
#undef MOTCUA_COUNT_FIELD
  return fields;
}

void AddCounts(const ReportCounts& counts, ReportCounts& into) {
  for (const ReportCountField& field : ReportCountFields()) {
    into.*field.member += counts.*field.member;
  }
}

void SubtractCounts(const ReportCounts& counts, ReportCounts& into) {
  for (const ReportCountField& field : ReportCountFields()) {
    into.*field.member -= counts.*field.member;
  }
}

ReportCounts SumCounts(const std::vector<ReportGroup>& groups) {
  ReportCounts total;
  for (const ReportGroup& group : groups) AddCounts(group.counts, total);
  return total;
}

bool MatchesBranchReportQuery(const BranchReportFacts& facts, const BranchReportQuery& query) {
  if (facts.agency != query.agency) return false;
  if (query.procedure_code && facts.procedure_code != *query.procedure_code) return false;
  return facts.started_at >= query.from && facts.started_at < query.to;
}

void CountBranchFacts(const BranchReportFacts& facts, Instant now, BranchReportCounts& counts) {
  ++counts.branches;
  if (facts.finished_at) {
    ++counts.finished;
    ++(facts.late ? counts.finished_late : counts.finished_on_time);
  } else {
    const bool overdue = facts.late || (facts.due_at && *facts.due_at < now);
    ++(overdue ? counts.in_progress_overdue : counts.in_progress_on_time);
  }
  if (facts.outcome == ReportOutcome::kApproved) ++counts.approved;
  if (facts.outcome == ReportOutcome::kRefused) ++counts.refused;
}

}  // namespace motcua
