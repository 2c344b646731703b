// national_sync.h: what the National Public Service Portal is told about a
// dossier, as plain JSON built from the workflow, the dossier and one event.
//
// Every status change of a dossier becomes one outbox row (store.h) whose
// payload is NationalSyncPayload: the dossier record ("dossier") and the
// progress record of the event that changed it ("progress"), with the field
// names the national portal uses (see DOMAIN.md). This file only maps values;
// it sends nothing and reads no clock.
//
// The payload is written as JSON text directly (json_text.h), the same bytes
// nlohmann's dump() would give: one is written per status change, on the
// thread that answers requests, and building the tree first cost more than
// the rest of a transition's request handling did. The two record functions
// give the same records as parsed JSON.
//
// Conventions of every record built here:
//  - instants are local Hanoi time (UTC+7, no daylight saving) formatted
//    `yyyyMMddHHmmss`, e.g. "20261120080000"; an instant that has not
//    happened yet (a dossier not received, not finished) is "".
//  - national status codes are integers 1-10; channel codes 1-3.
//
// Example:
//   std::string payload = NationalSyncPayload(workflow, dossier, dossier.history.back());
//   nlohmann::json::parse(payload)["dossier"]["TrangThaiHoSo"]  // e.g. 4
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/domain/clock.h"
#include "engine/domain/dossier.h"
#include "engine/domain/workflow.h"

namespace motcua {

// The outbox topic of national status changes.
inline constexpr const char* kDossierStatusTopic = "dossier.status";

// `t` in Hanoi local time as `yyyyMMddHHmmss`, e.g. 2026-11-20 01:00:00 UTC
// is "20261120080000".
std::string FormatNationalTime(Instant t);

// LoaiDoiTuong of an applicant: 1 for a citizen (a valid 12-digit citizen
// ID), 2 for a business (anything else, i.e. a tax code).
int ApplicantKind(const std::string& applicant_id);

// The dossier record (MaHoSo, MaTTHC, ChuHoSo, LoaiDoiTuong, TrichYeuHoSo,
// NgayTiepNhan, NgayHenTra, TrangThaiHoSo, NgayTra, NgayKetThucXuLy,
// DonViXuLy, TaiLieuNop, DanhSachLePhi, DanhSachHoSoBoSung,
// DanhSachGiayToKetQua) of `dossier` as it is now. `workflow` is the
// definition the dossier is pinned to; a state it does not define maps to
// status 1.
//  - TaiLieuNop: [{MaGiayTo: document key, TenGiayTo: its name in the
//    workflow ("" if not listed), MaTep: document id}], by key.
//  - DanhSachLePhi: [{MaLePhi, TenLePhi, MucPhi, KenhNop}] per workflow fee;
//    MucPhi is the online amount when the dossier was submitted online
//    (channel 2), else the desk amount; KenhNop is that channel code.
//  - DanhSachHoSoBoSung: one {NgayYeuCau, NoiDungYeuCau, NgayBoSung} per
//    entry into a supplement-requested state (status 5); NgayBoSung is the
//    next applicant supplement step's time, or "" while still waiting.
//  - DanhSachGiayToKetQua: [{MaGiayTo: result document id, SoChuKy: number of
//    signatures (and seals) over it}]: the dossier's result, then each
//    branch's sub-result of its latest fork run (fork.h), by branch id;
//    empty without any.
//  - NgayTra: when the dossier last entered a status-10 state (result
//    returned); NgayKetThucXuLy: the legal clock's finish.
nlohmann::json NationalDossierRecord(const Workflow& workflow, const Dossier& dossier);

// The progress record of `event` (normally dossier.history.back()):
//  - NguoiXuLy: the actor's user id; ChucDanh: the first of the actor's roles
//    that the action allows (else the actor's first role).
//  - ThoiDiemXuLy: the event's time; PhongBanXuLy: the actor's agency (the
//    dossier's agency for applicants and the system).
//  - NoiDungXuLy: the action's title (its name if the workflow has none),
//    then ": " and the payload's "comment" when there is one.
//  - TrangThai: the national status of the event's target state.
//  - NgayBatDau: when the dossier entered the state the event left (the
//    previous state-changing event; the event itself for the first). For an
//    event of a fork's branch, when that branch entered it: its previous
//    event, or the fork's entry for the branch's first state.
//  - NgayKetThucTheoQuyDinh: the appointment date (due date), "" if none.
nlohmann::json NationalProgressRecord(const Workflow& workflow, const Dossier& dossier,
                                      const DossierEvent& event);

// {"dossier": NationalDossierRecord, "progress": NationalProgressRecord} as
// JSON text, exactly as nlohmann's dump() writes it (keys sorted, no spaces,
// non-ASCII as UTF-8; invalid UTF-8 replaced by U+FFFD).
std::string NationalSyncPayload(const Workflow& workflow, const Dossier& dossier,
                                const DossierEvent& event);

}  // namespace motcua
