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

void CountFacts(const ReportFacts& facts, Instant now, ReportCounts& counts) {
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
      const bool overdue =
          facts.counts_late_in_index || (!facts.paused_at && facts.due_at && *facts.due_at < now);
      ++(overdue ? counts.in_progress_overdue : counts.in_progress_on_time);
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

ReportCounts SumCounts(const std::vector<ReportGroup>& groups) {
  ReportCounts total;
  for (const ReportGroup& group : groups) {
    const ReportCounts& c = group.counts;
    total.dossiers += c.dossiers;
    total.received += c.received;
    total.finished += c.finished;
    total.finished_early += c.finished_early;
    total.finished_on_time += c.finished_on_time;
    total.finished_late += c.finished_late;
    total.in_progress_on_time += c.in_progress_on_time;
    total.in_progress_overdue += c.in_progress_overdue;
    total.submitted_online += c.submitted_online;
    total.fully_online += c.fully_online;
    total.fee_bearing += c.fee_bearing;
    total.paid_online += c.paid_online;
    total.results += c.results;
    total.electronic_results += c.electronic_results;
    total.documents_total += c.documents_total;
    total.documents_digitized += c.documents_digitized;
    total.approved += c.approved;
    total.refused += c.refused;
    total.not_received += c.not_received;
    total.withdrawn += c.withdrawn;
    total.stopped += c.stopped;
    total.ratings += c.ratings;
    total.rating_sum += c.rating_sum;
    total.ratings_satisfied += c.ratings_satisfied;
  }
  return total;
}

}  // namespace motcua
