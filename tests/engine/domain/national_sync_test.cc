#include "engine/domain/national_sync.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>

#include "tests/source_tree.h"

namespace motcua {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kCitizen = "001090012345";
constexpr const char* kAgency = "000.00.01.H26";
constexpr const char* kDeclaration =
    "1111111111111111111111111111111111111111111111111111111111111111";
constexpr const char* kResult = "2222222222222222222222222222222222222222222222222222222222222222";

// 2026-03-02 01:00:00 UTC = 08:00 in Hanoi.
Instant At(std::chrono::minutes plus) {
  return Instant{std::chrono::sys_days{2026y / 3 / 2}} + 1h + plus;
}

Workflow PermanentResidence() {
  return BundledWorkflow("workflows/1.004222-permanent-residence.json");
}

DossierEvent Event(const std::string& action, const std::string& from, const std::string& to,
                   Actor actor, Instant at, json payload = json::object()) {
  DossierEvent event;
  event.action = action;
  event.from_state = from;
  event.to_state = to;
  event.actor = std::move(actor);
  event.at = at;
  event.payload = std::move(payload);
  return event;
}

// Submitted online, received, paid, supplement asked and answered, result
// signed and returned.
Dossier ReturnedDossier() {
  const Actor applicant{kCitizen, {"applicant"}, ""};
  const Actor clerk{"clerk-1", {"auditor", "reception_clerk"}, kAgency};
  const Actor specialist{"spec-1", {"specialist"}, kAgency};
  Dossier d;
  d.code = "000.00.01.H26-260302-0001";
  d.procedure_code = "1.004222";
  d.applicant_id = kCitizen;
  d.agency = kAgency;
  d.state = "returned";
  d.documents = {{"declaration", kDeclaration}};
  d.result_document = kResult;
  SignatureEvidence leader;
  leader.document_id = kResult;
  SignatureEvidence seal;
  seal.document_id = kResult;
  seal.seal = true;
  SignatureEvidence older;
  older.document_id = kDeclaration;  // over an earlier result: not counted
  d.result_signatures = {leader, seal, older};
  d.clock.received_at = At(10min);
  d.clock.due_at = At(24h * 9);
  d.clock.finished_at = At(24h * 3);
  DossierEvent submit = Event("submit", "", "submitted", applicant, At(0min));
  submit.step = ApplicantStep::kSubmission;
  submit.channel = Channel::kOnline;
  d.history.push_back(submit);
  d.history.push_back(Event("receive", "submitted", "awaiting_fee", clerk, At(10min)));
  d.history.push_back(Event("claim", "awaiting_fee", "awaiting_fee", clerk, At(11min)));
  d.history.push_back(Event("pay_fee", "awaiting_fee", "in_review", applicant, At(20min)));
  d.history.push_back(Event("request_supplement", "in_review", "supplement_requested", specialist,
                            At(24h), {{"comment", "thiếu giấy tờ"}}));
  DossierEvent answer =
      Event("submit_supplement", "supplement_requested", "in_review", applicant, At(26h));
  answer.step = ApplicantStep::kSupplement;
  answer.channel = Channel::kOnline;
  d.history.push_back(answer);
  d.history.push_back(Event("sign_result", "awaiting_signature", "result_ready",
                            {"leader-1", {"leader"}, kAgency}, At(24h * 3)));
  d.history.push_back(Event("return_result", "result_ready", "returned", clerk, At(24h * 4),
                            {{"comment", "trả qua bưu điện"}}));
  return d;
}

TEST_CASE("national sync: a progress step starts when its state was last entered before it") {
  const Workflow workflow = PermanentResidence();
  Dossier d = ReturnedDossier();
  // in_review was entered twice: at payment (20 min) and when the
  // supplement came back (26 h). Asking for the supplement left the first
  // stay; the later entry does not count for it.
  const json asked = NationalProgressRecord(workflow, d, d.history[4]);
  CHECK(asked["NoiDungXuLy"] == "Ask for a supplement: thiếu giấy tờ");
  CHECK(asked["NgayBatDau"] == "20260302082000");
  // A step that left the second stay starts at the second entry.
  d.history.push_back(Event("propose_result", "in_review", "awaiting_signature",
                            {"spec-1", {"specialist"}, kAgency}, At(24h * 5)));
  const json proposed = NationalProgressRecord(workflow, d, d.history.back());
  CHECK(proposed["NgayBatDau"] == "20260303100000");
  // An event dated before an earlier one in the history (a clock set back)
  // looks only at what came before that earlier one.
  d.history.push_back(Event("propose_result", "in_review", "awaiting_signature",
                            {"spec-1", {"specialist"}, kAgency}, At(25h)));
  const json back_dated = NationalProgressRecord(workflow, d, d.history.back());
  CHECK(back_dated["NgayBatDau"] == "20260302082000");
}

TEST_CASE("national sync: times are Hanoi local yyyyMMddHHmmss") {
  struct Case {
    Instant at;
    const char* expected;
  };
  const Case cases[] = {
      {At(0min), "20260302080000"},
      {Instant{std::chrono::sys_days{2026y / 12 / 31}} + 17h + 5min + 9s, "20270101000509"},
      {Instant{std::chrono::sys_days{2024y / 2 / 28}} + 16h + 59min + 59s, "20240228235959"},
  };
  for (const Case& c : cases) CHECK(FormatNationalTime(c.at) == c.expected);
}

TEST_CASE("national sync: applicant kind is 1 for a citizen ID, 2 otherwise") {
  CHECK(ApplicantKind(kCitizen) == 1);
  CHECK(ApplicantKind("0101234567") == 2);    // a tax code
  CHECK(ApplicantKind("999090012345") == 2);  // not a province code
}

TEST_CASE("national sync: the dossier record carries every national field") {
  const Workflow workflow = PermanentResidence();
  const json record = NationalDossierRecord(workflow, ReturnedDossier());
  CHECK(record["MaHoSo"] == "000.00.01.H26-260302-0001");
  CHECK(record["MaTTHC"] == "1.004222");
  CHECK(record["ChuHoSo"] == kCitizen);
  CHECK(record["LoaiDoiTuong"] == 1);
  CHECK(record["TrichYeuHoSo"] == workflow.procedure.name);
  CHECK(record["NgayTiepNhan"] == "20260302081000");
  CHECK(record["NgayHenTra"] == "20260311080000");
  CHECK(record["TrangThaiHoSo"] == 10);
  CHECK(record["NgayTra"] == "20260306080000");
  CHECK(record["NgayKetThucXuLy"] == "20260305080000");
  CHECK(record["DonViXuLy"] == kAgency);
  CHECK(record["TaiLieuNop"] ==
        json::parse(R"([{"MaGiayTo":"declaration","MaTep":")" + std::string(kDeclaration) +
                    R"(","TenGiayTo":")" + workflow.procedure.documents[0].name + R"("}])"));
  // Submitted online: the online amount.
  CHECK(record["DanhSachLePhi"] ==
        json::parse(R"([{"MaLePhi":"registration","TenLePhi":"Registration fee","MucPhi":10000,
                        "KenhNop":2}])"));
  CHECK(record["DanhSachHoSoBoSung"] ==
        json::parse(R"([{"NgayYeuCau":"20260303080000","NoiDungYeuCau":"thiếu giấy tờ",
                        "NgayBoSung":"20260303100000"}])"));
  CHECK(record["DanhSachGiayToKetQua"] ==
        json::parse(R"([{"MaGiayTo":")" + std::string(kResult) + R"(","SoChuKy":2}])"));
}

TEST_CASE("national sync: a fresh desk dossier has empty dates, desk fees and empty lists") {
  const Workflow workflow = PermanentResidence();
  Dossier d;
  d.code = "000.00.01.H26-260302-0002";
  d.procedure_code = "1.004222";
  d.applicant_id = "0101234567";
  d.agency = kAgency;
  d.state = "submitted";
  DossierEvent submit =
      Event("submit", "", "submitted", {"clerk-1", {"reception_clerk"}, kAgency}, At(0min));
  submit.step = ApplicantStep::kSubmission;
  submit.channel = Channel::kDesk;
  d.history.push_back(submit);
  const json record = NationalDossierRecord(workflow, d);
  CHECK(record["LoaiDoiTuong"] == 2);
  CHECK(record["TrangThaiHoSo"] == 1);
  for (const char* date : {"NgayTiepNhan", "NgayHenTra", "NgayTra", "NgayKetThucXuLy"}) {
    CHECK(record[date] == "");
  }
  CHECK(record["DanhSachLePhi"][0]["MucPhi"] == 20000);
  CHECK(record["DanhSachLePhi"][0]["KenhNop"] == 1);
  CHECK(record["TaiLieuNop"] == json::array());
  CHECK(record["DanhSachHoSoBoSung"] == json::array());
  CHECK(record["DanhSachGiayToKetQua"] == json::array());
  const json progress = NationalProgressRecord(workflow, d, d.history.back());
  CHECK(progress["NgayBatDau"] == "20260302080000");  // the creating event starts itself
  CHECK(progress["TrangThai"] == 1);
  CHECK(progress["NgayKetThucTheoQuyDinh"] == "");
}

TEST_CASE("national sync: the progress record names actor, role, agency, content and times") {
  const Workflow workflow = PermanentResidence();
  const Dossier d = ReturnedDossier();
  const json progress = NationalProgressRecord(workflow, d, d.history.back());
  CHECK(progress["NguoiXuLy"] == "clerk-1");
  CHECK(progress["ChucDanh"] == "reception_clerk");  // the role the action allows
  CHECK(progress["ThoiDiemXuLy"] == "20260306080000");
  CHECK(progress["PhongBanXuLy"] == kAgency);
  CHECK(progress["NoiDungXuLy"] == "Return the result: trả qua bưu điện");
  CHECK(progress["TrangThai"] == 10);
  CHECK(progress["NgayBatDau"] == "20260305080000");  // entered result_ready at signing
  CHECK(progress["NgayKetThucTheoQuyDinh"] == "20260311080000");

  // An applicant has no agency: the dossier's is reported.
  const json paid = NationalProgressRecord(workflow, d, d.history[3]);
  CHECK(paid["PhongBanXuLy"] == kAgency);
  CHECK(paid["ChucDanh"] == "applicant");
  CHECK(paid["NoiDungXuLy"] == "Pay the fee");
  CHECK(paid["NgayBatDau"] == "20260302081000");  // entered awaiting_fee at reception, not claim

  const json payload = json::parse(NationalSyncPayload(workflow, d, d.history.back()));
  CHECK(payload["dossier"] == NationalDossierRecord(workflow, d));
  CHECK(payload["progress"] == progress);
}

TEST_CASE("national sync: the payload's text is what nlohmann's dump() writes for it") {
  // Written by hand (json_text.h): the members must come in dump()'s order
  // and every string must be escaped as dump() escapes it, so that the text
  // is the canonical form of what it parses to.
  const Workflow workflow = PermanentResidence();
  Dossier d = ReturnedDossier();
  for (std::size_t i = 0; i < d.history.size(); ++i) {
    const std::string text = NationalSyncPayload(workflow, d, d.history[i]);
    CAPTURE(text);
    CHECK(text == json::parse(text).dump());
  }

  // Quotes, backslashes, control characters and Vietnamese, in the applicant,
  // a comment and a document key.
  d.applicant_id = "0101234567\"quoted\"";
  d.history.Mutable()[4].payload = {{"comment", "dòng 1\ndòng 2\t\x01 \\ hết"}};
  d.documents["ghi chú\x7f"] = "abc";
  const std::string text = NationalSyncPayload(workflow, d, d.history[4]);
  CAPTURE(text);
  CHECK(text == json::parse(text).dump());
  const json parsed = json::parse(text);
  CHECK(parsed["dossier"]["ChuHoSo"] == "0101234567\"quoted\"");
  CHECK(parsed["dossier"]["LoaiDoiTuong"] == 2);
  CHECK(parsed["dossier"]["DanhSachHoSoBoSung"][0]["NoiDungYeuCau"] ==
        "dòng 1\ndòng 2\t\x01 \\ hết");
  CHECK(parsed["progress"]["NoiDungXuLy"] == "Ask for a supplement: dòng 1\ndòng 2\t\x01 \\ hết");

  // Invalid UTF-8 (only an edit behind the engine's back puts it there) is
  // replaced, never thrown.
  d.history.Mutable()[4].payload = {{"comment", std::string("bad \xff byte")}};
  const std::string replaced = NationalSyncPayload(workflow, d, d.history[4]);
  CHECK(json::parse(replaced)["progress"]["NoiDungXuLy"] ==
        "Ask for a supplement: bad \xef\xbf\xbd byte");
}

}  // namespace
}  // namespace motcua
