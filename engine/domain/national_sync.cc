#include "engine/domain/national_sync.h"

#include <chrono>
#include <optional>

#include "engine/domain/fork.h"
#include "engine/domain/identity.h"
#include "engine/domain/rfc3339.h"

namespace motcua {
namespace {

using nlohmann::json;

constexpr std::chrono::hours kHanoiOffset{7};

NationalStatus StatusOfState(const Workflow& workflow, const std::string& state_id) {
  const State* state = workflow.FindState(state_id);
  return state == nullptr ? NationalStatus::kSubmitted : state->status;
}

std::string OptionalNationalTime(const std::optional<Instant>& t) {
  return t ? FormatNationalTime(*t) : std::string();
}

// The channel of the submission step, if recorded.
std::optional<Channel> SubmissionChannel(const Dossier& dossier) {
  for (const DossierEvent& event : dossier.history) {
    if (event.step == ApplicantStep::kSubmission) return event.channel;
  }
  return std::nullopt;
}

json SubmittedDocuments(const Workflow& workflow, const Dossier& dossier) {
  json documents = json::array();
  for (const auto& [key, id] : dossier.documents) {
    const RequiredDocument* known = workflow.procedure.FindDocument(key);
    documents.push_back(
        {{"MaGiayTo", key}, {"TenGiayTo", known ? known->name : std::string()}, {"MaTep", id}});
  }
  return documents;
}

json Fees(const Workflow& workflow, const Dossier& dossier) {
  const bool online = SubmissionChannel(dossier) == Channel::kOnline;
  json fees = json::array();
  for (const Fee& fee : workflow.procedure.fees) {
    fees.push_back({{"MaLePhi", fee.key},
                    {"TenLePhi", fee.name},
                    {"MucPhi", online ? fee.online_amount : fee.desk_amount},
                    {"KenhNop", static_cast<int>(online ? Channel::kOnline : Channel::kDesk)}});
  }
  return fees;
}

std::string CommentOf(const DossierEvent& event) {
  auto comment = event.payload.find("comment");
  return comment != event.payload.end() && comment->is_string() ? comment->get<std::string>()
                                                                : std::string();
}

json Supplements(const Workflow& workflow, const Dossier& dossier) {
  json supplements = json::array();
  const std::vector<DossierEvent>& history = dossier.history;
  for (std::size_t i = 0; i < history.size(); ++i) {
    const DossierEvent& event = history[i];
    if (IsBookkeepingEvent(event) ||
        StatusOfState(workflow, event.to_state) != NationalStatus::kSupplementRequested ||
        StatusOfState(workflow, event.from_state) == NationalStatus::kSupplementRequested) {
      continue;
    }
    std::string answered;
    for (std::size_t j = i + 1; j < history.size(); ++j) {
      if (history[j].step == ApplicantStep::kSupplement) {
        answered = FormatNationalTime(history[j].at);
        break;
      }
    }
    supplements.push_back({{"NgayYeuCau", FormatNationalTime(event.at)},
                           {"NoiDungYeuCau", CommentOf(event)},
                           {"NgayBoSung", answered}});
  }
  return supplements;
}

json Results(const Workflow& workflow, const Dossier& dossier) {
  json results = json::array();
  // The signatures (and seals) of `branch` (empty: the dossier's) over `id`.
  auto result = [&](const std::string& id, const std::string& branch) {
    int signatures = 0;
    for (const SignatureEvidence& evidence : dossier.result_signatures) {
      if (evidence.document_id == id && evidence.branch == branch) ++signatures;
    }
    results.push_back({{"MaGiayTo", id}, {"SoChuKy", signatures}});
  };
  if (dossier.result_document) result(*dossier.result_document, "");
  if (const std::optional<ForkRun> run = LatestForkRun(workflow, dossier)) {
    for (const auto& [branch, sub_result] : BranchResultsIn(dossier, *run)) {
      result(sub_result.document, branch);
    }
  }
  return results;
}

std::optional<Instant> ReturnedAt(const Workflow& workflow, const Dossier& dossier) {
  std::optional<Instant> returned;
  for (const DossierEvent& event : dossier.history) {
    if (!IsBookkeepingEvent(event) &&
        StatusOfState(workflow, event.to_state) == NationalStatus::kResultReturned &&
        StatusOfState(workflow, event.from_state) != NationalStatus::kResultReturned) {
      returned = event.at;
    }
  }
  return returned;
}

}  // namespace

std::string FormatNationalTime(Instant t) {
  // yyyyMMddHHmmss of the legal (UTC+7) wall clock, written digit by digit:
  // every feed record carries several.
  const auto local = std::chrono::floor<std::chrono::seconds>(t) + kHanoiOffset;
  const auto day = std::chrono::floor<std::chrono::days>(local);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss time{local - day};
  std::string text(14, '0');
  auto put = [&](std::size_t at, std::size_t width, long long value) {
    for (std::size_t i = at + width; i-- > at; value /= 10)
      text[i] = static_cast<char>('0' + value % 10);
  };
  const int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) {  // never in practice: the digits of the RFC 3339 form
    std::string digits = FormatRfc3339DateTime(t, kHanoiOffset);
    std::erase_if(digits, [](char c) { return c < '0' || c > '9'; });
    digits.resize(14);
    return digits;
  }
  put(0, 4, year);
  put(4, 2, static_cast<unsigned>(date.month()));
  put(6, 2, static_cast<unsigned>(date.day()));
  put(8, 2, time.hours().count());
  put(10, 2, time.minutes().count());
  put(12, 2, time.seconds().count());
  return text;
}

int ApplicantKind(const std::string& applicant_id) {
  return IsValidCitizenId(applicant_id) ? 1 : 2;
}

json NationalDossierRecord(const Workflow& workflow, const Dossier& dossier) {
  return {{"MaHoSo", dossier.code},
          {"MaTTHC", dossier.procedure_code},
          {"ChuHoSo", dossier.applicant_id},
          {"LoaiDoiTuong", ApplicantKind(dossier.applicant_id)},
          {"TrichYeuHoSo", workflow.procedure.name},
          {"NgayTiepNhan", OptionalNationalTime(dossier.clock.received_at)},
          {"NgayHenTra", OptionalNationalTime(dossier.clock.due_at)},
          {"TrangThaiHoSo", static_cast<int>(StatusOfState(workflow, dossier.state))},
          {"NgayTra", OptionalNationalTime(ReturnedAt(workflow, dossier))},
          {"NgayKetThucXuLy", OptionalNationalTime(dossier.clock.finished_at)},
          {"DonViXuLy", dossier.agency},
          {"TaiLieuNop", SubmittedDocuments(workflow, dossier)},
          {"DanhSachLePhi", Fees(workflow, dossier)},
          {"DanhSachHoSoBoSung", Supplements(workflow, dossier)},
          {"DanhSachGiayToKetQua", Results(workflow, dossier)}};
}

json NationalProgressRecord(const Workflow& workflow, const Dossier& dossier,
                            const DossierEvent& event) {
  const Action* action = workflow.FindAction(event.action);
  std::string role = event.actor.roles.empty() ? std::string() : event.actor.roles.front();
  if (action != nullptr) {
    for (const std::string& candidate : event.actor.roles) {
      if (action->AllowsRole(candidate)) {
        role = candidate;
        break;
      }
    }
  }
  std::string content = action != nullptr && !action->title.empty() ? action->title : event.action;
  if (const std::string comment = CommentOf(event); !comment.empty()) content += ": " + comment;
  // The state the event left was entered by the latest earlier state change
  // of its lane: the dossier's own, or its branch's (fork.h), whose first
  // state was entered with the fork.
  const std::string lane = EventBranch(event);
  auto entered_left_state = [&](const DossierEvent& earlier) {
    if (IsBookkeepingEvent(earlier)) return false;
    const std::string earlier_lane = EventBranch(earlier);
    if (earlier_lane == lane) return earlier.to_state == event.from_state;
    if (lane.empty() || !earlier_lane.empty() || earlier.from_state == earlier.to_state) {
      return false;
    }
    const State* entered = workflow.FindState(earlier.to_state);
    if (entered == nullptr) return false;
    const BranchPositions started = StartBranches(*entered, earlier);  // empty without a fork
    auto branch = started.find(lane);
    return branch != started.end() && branch->second.state == event.from_state;
  };
  Instant started = event.at;
  for (const DossierEvent& earlier : dossier.history) {
    if (&earlier == &event || earlier.at > event.at) break;
    if (entered_left_state(earlier)) started = earlier.at;
  }
  return {{"NguoiXuLy", event.actor.user_id},
          {"ChucDanh", role},
          {"ThoiDiemXuLy", FormatNationalTime(event.at)},
          {"PhongBanXuLy", event.actor.agency.empty() ? dossier.agency : event.actor.agency},
          {"NoiDungXuLy", content},
          {"TrangThai", static_cast<int>(StatusOfState(workflow, event.to_state))},
          {"NgayBatDau", FormatNationalTime(started)},
          {"NgayKetThucTheoQuyDinh", OptionalNationalTime(dossier.clock.due_at)}};
}

json NationalSyncPayload(const Workflow& workflow, const Dossier& dossier,
                         const DossierEvent& event) {
  return {{"dossier", NationalDossierRecord(workflow, dossier)},
          {"progress", NationalProgressRecord(workflow, dossier, event)}};
}

}  // namespace motcua
