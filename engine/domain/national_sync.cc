#include "engine/domain/national_sync.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "engine/domain/fork.h"
#include "engine/domain/identity.h"
#include "engine/domain/json_text.h"
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

// Writes a comma-separated JSON list: an array's elements, or (opened with
// '{' and closed with '}') an object's members. Opens now, closes when it
// goes.
class ListText {
 public:
  explicit ListText(std::string& out, char open = '[', char close = ']')
      : out_(out), close_(close) {
    out_ += open;
  }
  ~ListText() { out_ += close_; }
  ListText(const ListText&) = delete;
  ListText& operator=(const ListText&) = delete;

  // Where the next element is to be appended.
  std::string& Next() {
    if (!first_) out_ += ',';
    first_ = false;
    return out_;
  }

 private:
  std::string& out_;
  const char close_;
  bool first_ = true;
};

// Writes one JSON object member by member, in the order given: nlohmann's
// order (sorted by key), so that the text is what dump() would write
// (json_text.h).
class ObjectText {
 public:
  explicit ObjectText(std::string& out) : members_(out, '{', '}') {}

  // The member's name; its value is to be appended next.
  std::string& Key(std::string_view key) {
    std::string& out = members_.Next();
    AppendJsonString(out, key);
    out += ':';
    return out;
  }
  void Text(std::string_view key, std::string_view value) { AppendJsonString(Key(key), value); }
  void Integer(std::string_view key, std::int64_t value) { Key(key) += std::to_string(value); }

 private:
  ListText members_;
};

void AppendSubmittedDocuments(std::string& out, const Workflow& workflow, const Dossier& dossier) {
  ListText documents(out);
  for (const auto& [key, id] : dossier.documents) {
    const RequiredDocument* known = workflow.procedure.FindDocument(key);
    ObjectText document(documents.Next());
    document.Text("MaGiayTo", key);
    document.Text("MaTep", id);
    document.Text("TenGiayTo", known ? known->name : std::string());
  }
}

void AppendFees(std::string& out, const Workflow& workflow, const Dossier& dossier) {
  const bool online = SubmissionChannel(dossier) == Channel::kOnline;
  ListText fees(out);
  for (const Fee& fee : workflow.procedure.fees) {
    ObjectText entry(fees.Next());
    entry.Integer("KenhNop", static_cast<int>(online ? Channel::kOnline : Channel::kDesk));
    entry.Text("MaLePhi", fee.key);
    entry.Integer("MucPhi", online ? fee.online_amount : fee.desk_amount);
    entry.Text("TenLePhi", fee.name);
  }
}

// The event's comment, viewed in its payload; empty if it has none.
std::string_view CommentOf(const DossierEvent& event) {
  auto comment = event.payload.find("comment");
  return comment != event.payload.end() && comment->is_string()
             ? std::string_view(comment->get_ref<const std::string&>())
             : std::string_view();
}

void AppendSupplements(std::string& out, const Workflow& workflow, const Dossier& dossier) {
  ListText supplements(out);
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
    ObjectText supplement(supplements.Next());
    supplement.Text("NgayBoSung", answered);
    supplement.Text("NgayYeuCau", FormatNationalTime(event.at));
    supplement.Text("NoiDungYeuCau", CommentOf(event));
  }
}

void AppendResults(std::string& out, const Workflow& workflow, const Dossier& dossier) {
  ListText results(out);
  // The signatures (and seals) of `branch` (empty: the dossier's) over `id`.
  auto result = [&](const std::string& id, const std::string& branch) {
    int signatures = 0;
    for (const SignatureEvidence& evidence : dossier.result_signatures) {
      if (evidence.document_id == id && evidence.branch == branch) ++signatures;
    }
    ObjectText entry(results.Next());
    entry.Text("MaGiayTo", id);
    entry.Integer("SoChuKy", signatures);
  };
  if (dossier.result_document) result(*dossier.result_document, "");
  if (const std::optional<ForkRun> run = LatestForkRun(workflow, dossier)) {
    for (const auto& [branch, sub_result] : BranchResultsIn(dossier, *run)) {
      result(sub_result.document, branch);
    }
  }
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

namespace {

void AppendDossierRecord(std::string& out, const Workflow& workflow, const Dossier& dossier) {
  ObjectText record(out);
  record.Text("ChuHoSo", dossier.applicant_id);
  AppendResults(record.Key("DanhSachGiayToKetQua"), workflow, dossier);
  AppendSupplements(record.Key("DanhSachHoSoBoSung"), workflow, dossier);
  AppendFees(record.Key("DanhSachLePhi"), workflow, dossier);
  record.Text("DonViXuLy", dossier.agency);
  record.Integer("LoaiDoiTuong", ApplicantKind(dossier.applicant_id));
  record.Text("MaHoSo", dossier.code);
  record.Text("MaTTHC", dossier.procedure_code);
  record.Text("NgayHenTra", OptionalNationalTime(dossier.clock.due_at));
  record.Text("NgayKetThucXuLy", OptionalNationalTime(dossier.clock.finished_at));
  record.Text("NgayTiepNhan", OptionalNationalTime(dossier.clock.received_at));
  record.Text("NgayTra", OptionalNationalTime(ReturnedAt(workflow, dossier)));
  AppendSubmittedDocuments(record.Key("TaiLieuNop"), workflow, dossier);
  record.Integer("TrangThaiHoSo", static_cast<int>(StatusOfState(workflow, dossier.state)));
  record.Text("TrichYeuHoSo", workflow.procedure.name);
}

void AppendProgressRecord(std::string& out, const Workflow& workflow, const Dossier& dossier,
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
  if (const std::string_view comment = CommentOf(event); !comment.empty()) {
    content += ": ";
    content += comment;
  }
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
  // The latest such event among those before this one (the history up to
  // this event, or up to the first later one), found from the end: usually
  // a step or two back, where a forward walk tested every event.
  const EventHistory& history = dossier.history;
  std::size_t before = 0;
  while (before < history.size() && &history[before] != &event &&
         !(history[before].at > event.at)) {
    ++before;
  }
  Instant started = event.at;
  while (before > 0) {
    const DossierEvent& earlier = history[--before];
    if (entered_left_state(earlier)) {
      started = earlier.at;
      break;
    }
  }
  ObjectText record(out);
  record.Text("ChucDanh", role);
  record.Text("NgayBatDau", FormatNationalTime(started));
  record.Text("NgayKetThucTheoQuyDinh", OptionalNationalTime(dossier.clock.due_at));
  record.Text("NguoiXuLy", event.actor.user_id);
  record.Text("NoiDungXuLy", content);
  record.Text("PhongBanXuLy", event.actor.agency.empty() ? dossier.agency : event.actor.agency);
  record.Text("ThoiDiemXuLy", FormatNationalTime(event.at));
  record.Integer("TrangThai", static_cast<int>(StatusOfState(workflow, event.to_state)));
}

}  // namespace

json NationalDossierRecord(const Workflow& workflow, const Dossier& dossier) {
  std::string text;
  AppendDossierRecord(text, workflow, dossier);
  return json::parse(text);
}

json NationalProgressRecord(const Workflow& workflow, const Dossier& dossier,
                            const DossierEvent& event) {
  std::string text;
  AppendProgressRecord(text, workflow, dossier, event);
  return json::parse(text);
}

std::string NationalSyncPayload(const Workflow& workflow, const Dossier& dossier,
                                const DossierEvent& event) {
  std::string text;
  text.reserve(2048);
  {
    ObjectText payload(text);
    AppendDossierRecord(payload.Key("dossier"), workflow, dossier);
    AppendProgressRecord(payload.Key("progress"), workflow, dossier, event);
  }
  return text;
}

}  // namespace motcua
