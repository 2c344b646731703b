// The stored form of feed payloads (feed_payload_codec.h): what the SQLite
// store writes for every national-sync entry, and reads back for the feed and
// its webhook. A format other releases must keep reading.
#include "engine/sqlite/feed_payload_codec.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace motcua {
namespace {

std::string FromHex(const std::string& hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return bytes;
}

// A national record as the feed carries it (national_sync.h).
std::string SampleRecord() {
  nlohmann::json record = {
      {"dossier",
       {{"ChuHoSo", "022064332355"},
        {"DanhSachGiayToKetQua", {{{"MaGiayTo", std::string(64, 'a')}, {"SoChuKy", 2}}}},
        {"DanhSachHoSoBoSung", nlohmann::json::array()},
        {"DanhSachLePhi", nlohmann::json::array()},
        {"DonViXuLy", "000.00.02.H26"},
        {"LoaiDoiTuong", 1},
        {"MaHoSo", "000.00.02.H26-251208-0001"},
        {"MaTTHC", "1.003677"},
        {"NgayHenTra", "20251209142239"},
        {"NgayKetThucXuLy", "20251209081420"},
        {"NgayTiepNhan", "20251208142239"},
        {"NgayTra", ""},
        {"TaiLieuNop",
         {{{"MaGiayTo", "declaration"},
           {"MaTep", "a7adcfb8fada3fb28cdee710c334337f5d56d30d28782e328ee208e9a69fba1f"},
           {"TenGiayTo", "Tờ khai thay đổi thông tin cư trú (mẫu CT01)"}}}},
        {"TrangThaiHoSo", 9},
        {"TrichYeuHoSo", "Khai báo tạm vắng"}}},
      {"progress",
       {{"ChucDanh", "system"},
        {"NgayBatDau", "20251209081420"},
        {"NgayKetThucTheoQuyDinh", "20251209142239"},
        {"NguoiXuLy", "system"},
        {"NoiDungXuLy", "Đóng dấu số của cơ quan"},
        {"PhongBanXuLy", "000.00.02.H26"},
        {"ThoiDiemXuLy", "20251209083627"},
        {"TrangThai", 9}}}};
  return record.dump();
}

void CheckCorrupt(const std::string& stored) {
  Result<std::string> read = DecompressFeedPayload(stored);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code() == ErrorCode::kInternal);
  CHECK(read.error().reason() == ErrorReason::kCorruptRow);
}

TEST_CASE("feed payload codec: a national record comes back byte for byte, in half the space") {
  const std::string record = SampleRecord();
  Result<std::string> stored = CompressFeedPayload(record);
  REQUIRE(stored.ok());
  CHECK(static_cast<unsigned char>((*stored)[0]) == 1);
  CHECK(stored->size() * 2 < record.size());
  Result<std::string> read = DecompressFeedPayload(*stored);
  REQUIRE(read.ok());
  CHECK(*read == record);
  // Again on the same thread: the reused zlib states start clean.
  for (const std::string& text : {std::string(), std::string("{}"), record + record}) {
    Result<std::string> again = DecompressFeedPayload(CompressFeedPayload(text).value());
    REQUIRE(again.ok());
    CHECK(*again == text);
  }
}

TEST_CASE("feed payload codec: entries written by another deflate with the same dictionary read") {
  // Made by Python's zlib (level 9, raw, the format-1 dictionary): the format
  // is DEFLATE and the dictionary, not this build's choice of level.
  const std::string stored = FromHex(
      "015d000000ab464e52f0e0353030d00321433d0f23335d2333434323035da0a0a11286e78e4c38d29c97ae"
      "907d78af4249c6b10d0f77cf05f24a8a0eef52aaad0500");
  Result<std::string> read = DecompressFeedPayload(stored);
  REQUIRE(read.ok());
  CHECK(
      *read ==
      R"({"dossier":{"MaHoSo":"000.00.01.H26-261120-0001","TrichYeuHoSo":"Đăng ký thường trú"}})");
}

TEST_CASE("feed payload codec: anything else stored there is a corrupt row, never a crash") {
  const std::string good = CompressFeedPayload(SampleRecord()).value();
  CheckCorrupt("");
  CheckCorrupt(std::string("\x01\x05\x00\x00", 4));  // shorter than its header
  std::string other_format = good;
  other_format[0] = 2;
  CheckCorrupt(other_format);
  CheckCorrupt(good.substr(0, good.size() / 2));  // cut short
  std::string longer_claim = good;
  longer_claim[1] = static_cast<char>(static_cast<unsigned char>(longer_claim[1]) + 1);
  CheckCorrupt(longer_claim);
  std::string shorter_claim = good;
  shorter_claim[1] = static_cast<char>(static_cast<unsigned char>(shorter_claim[1]) - 1);
  CheckCorrupt(shorter_claim);
  CheckCorrupt(good + "trailing");
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(~flipped[good.size() / 2]);
  Result<std::string> read = DecompressFeedPayload(flipped);
  // A flipped bit either fails to inflate or inflates to other bytes.
  CHECK((!read.ok() || *read != SampleRecord()));
  // Text stored where a payload belongs (a JSON body, as before compression).
  CheckCorrupt(SampleRecord());
}

TEST_CASE("feed payload codec: sizes are bounded both ways") {
  const std::string huge(kMaxFeedPayloadBytes + 1, ' ');
  Result<std::string> refused = CompressFeedPayload(huge);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kInvalidArgument);
  CHECK(CompressFeedPayload(std::string(kMaxFeedPayloadBytes, ' ')).ok());

  // A bomb: 64 MiB of zeros under a header claiming 100 bytes. The reader
  // stops at what the header allows.
  const std::string zeros(64u << 20, '\0');
  std::string bomb = CompressFeedPayload(std::string(kMaxFeedPayloadBytes, '\0')).value();
  bomb[1] = 100;
  bomb[2] = bomb[3] = bomb[4] = 0;
  CheckCorrupt(bomb);
  // A header claiming more than the maximum is refused before inflating.
  std::string claims_too_much = CompressFeedPayload("{}").value();
  claims_too_much[4] = 0x7f;
  CheckCorrupt(claims_too_much);
  CHECK(zeros.size() > kMaxFeedPayloadBytes);
}

}  // namespace
}  // namespace motcua
