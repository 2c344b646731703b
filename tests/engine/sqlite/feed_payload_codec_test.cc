// The stored form of feed payloads (feed_payload_codec.h): what the SQLite
// store writes for every national-sync entry, and reads back for the feed and
// its webhook. A format other releases must keep reading.
#include "engine/sqlite/feed_payload_codec.h"

#include <doctest/doctest.h>
#include <zstd.h>

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

TEST_CASE("feed payload codec: a frame the zstd command line made with the dictionary reads") {
  // `zstd -3 -D dictionary record.json` (with a checksum, at another level):
  // the format is a Zstandard frame and the dictionary, not this build's
  // choice of level or flags.
  const std::string stored = FromHex(
      "0128b52ffd245d0d020024033030302e312e4832362d3236313132302d3030303122c490c4836e67206bc3bd"
      "207468c6b0e1bb9d6e67207472c3ba227d7d0400c06682ce526c6961e510403f512a4f");
  Result<std::string> read = DecompressFeedPayload(stored);
  REQUIRE(read.ok());
  CHECK(
      *read ==
      R"({"dossier":{"MaHoSo":"000.00.01.H26-261120-0001","TrichYeuHoSo":"Đăng ký thường trú"}})");
}

TEST_CASE("feed payload codec: anything else stored there is a corrupt row, never a crash") {
  const std::string good = CompressFeedPayload(SampleRecord()).value();
  CheckCorrupt("");
  CheckCorrupt(std::string("\x01", 1));  // a format byte and nothing else
  std::string other_format = good;
  other_format[0] = 2;
  CheckCorrupt(other_format);
  CheckCorrupt(good.substr(0, good.size() / 2));  // cut short
  CheckCorrupt(good + "trailing");
  CheckCorrupt(good + good.substr(1));  // a second frame after the first
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(~flipped[good.size() / 2]);
  Result<std::string> read = DecompressFeedPayload(flipped);
  // A flipped byte either fails to decompress or decompresses to other bytes.
  CHECK((!read.ok() || *read != SampleRecord()));
  // Text stored where a payload belongs (a JSON body, as before compression).
  CheckCorrupt(SampleRecord());
  CheckCorrupt("\x01" + SampleRecord());
}

TEST_CASE("feed payload codec: sizes are bounded both ways") {
  const std::string huge(kMaxFeedPayloadBytes + 1, ' ');
  Result<std::string> refused = CompressFeedPayload(huge);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code() == ErrorCode::kInvalidArgument);
  CHECK(CompressFeedPayload(std::string(kMaxFeedPayloadBytes, ' ')).ok());

  // A frame of 64 MiB of zeros, made by the library itself: its header
  // says how large it is, and the reader refuses before allocating it.
  const std::string zeros(64u << 20, '\0');
  std::string bomb(ZSTD_compressBound(zeros.size()) + 1, '\0');
  bomb[0] = 1;
  const std::size_t written =
      ZSTD_compress(bomb.data() + 1, bomb.size() - 1, zeros.data(), zeros.size(), 1);
  REQUIRE_FALSE(ZSTD_isError(written));
  bomb.resize(1 + written);
  CHECK(bomb.size() < 64 * 1024);
  CheckCorrupt(bomb);
  // A frame that does not record its size (streamed) is refused too.
  ZSTD_CCtx* streaming = ZSTD_createCCtx();
  REQUIRE(streaming != nullptr);
  REQUIRE_FALSE(ZSTD_isError(ZSTD_CCtx_setParameter(streaming, ZSTD_c_contentSizeFlag, 0)));
  std::string unsized(ZSTD_compressBound(2) + 1, '\0');
  unsized[0] = 1;
  const std::size_t unsized_written =
      ZSTD_compress2(streaming, unsized.data() + 1, unsized.size() - 1, "{}", 2);
  ZSTD_freeCCtx(streaming);
  REQUIRE_FALSE(ZSTD_isError(unsized_written));
  unsized.resize(1 + unsized_written);
  CheckCorrupt(unsized);
}

}  // namespace
}  // namespace motcua
