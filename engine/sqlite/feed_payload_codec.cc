#include "engine/sqlite/feed_payload_codec.h"

#include <zlib.h>

#include <cstdint>
#include <string>

namespace motcua {
namespace {

constexpr unsigned char kFormatDeflateDictionary1 = 1;
constexpr std::size_t kHeaderBytes = 5;

// Format 1's dictionary: the national record's members (national_sync.h) as
// nlohmann::json writes them, in key order with empty values, so that every
// entry finds its key names here instead of spelling them out. Frozen: see
// the header.
constexpr std::string_view kFeedDictionary1 =
    R"({"dossier":{"ChuHoSo":"","DanhSachGiayToKetQua":[{"MaGiayTo":"","SoChuKy":1}],)"
    R"("DanhSachHoSoBoSung":[{"NgayBoSung":"","NgayYeuCau":"","NoiDungYeuCau":""}],)"
    R"("DanhSachLePhi":[{"KenhNop":1,"MaLePhi":"","MucPhi":1,"TenLePhi":""}],"DonViXuLy":"",)"
    R"("LoaiDoiTuong":1,"MaHoSo":"","MaTTHC":"","NgayHenTra":"","NgayKetThucXuLy":"",)"
    R"("NgayTiepNhan":"","NgayTra":"","TaiLieuNop":[{"MaGiayTo":"","MaTep":"","TenGiayTo":""}],)"
    R"("TrangThaiHoSo":1,"TrichYeuHoSo":""},"progress":{"ChucDanh":"","NgayBatDau":"",)"
    R"("NgayKetThucTheoQuyDinh":"","NguoiXuLy":"","NoiDungXuLy":"","PhongBanXuLy":"",)"
    R"("ThoiDiemXuLy":"","TrangThai":1}})";

const Bytef* DictionaryBytes() {
  return reinterpret_cast<const Bytef*>(kFeedDictionary1.data());
}

Error Corrupt(const std::string& why) {
  return Error(ErrorCode::kInternal, "stored feed payload " + why, ErrorReason::kCorruptRow);
}

// One deflate state per thread, reset for each payload: initializing one
// allocates about 270 KB, which would cost more than the compression.
struct Deflater {
  z_stream stream{};
  bool ready = false;
  Deflater() {
    // Level 1: the smallest output per microsecond at this size; the
    // dictionary gives most of the gain. Window 2^15, raw (negative bits).
    ready = deflateInit2(&stream, 1, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) == Z_OK;
  }
  ~Deflater() {
    if (ready) deflateEnd(&stream);
  }
};

struct Inflater {
  z_stream stream{};
  bool ready = false;
  Inflater() { ready = inflateInit2(&stream, -15) == Z_OK; }
  ~Inflater() {
    if (ready) inflateEnd(&stream);
  }
};

}  // namespace

Result<std::string> CompressFeedPayload(std::string_view json) {
  if (json.size() > kMaxFeedPayloadBytes) {
    return Error(ErrorCode::kInvalidArgument,
                 "feed payload of " + std::to_string(json.size()) + " bytes is over the " +
                     std::to_string(kMaxFeedPayloadBytes) + "-byte limit");
  }
  thread_local Deflater deflater;
  z_stream& z = deflater.stream;
  if (!deflater.ready || deflateReset(&z) != Z_OK ||
      deflateSetDictionary(&z, DictionaryBytes(), static_cast<uInt>(kFeedDictionary1.size())) !=
          Z_OK) {
    return Error(ErrorCode::kInternal, "zlib could not start compressing a feed payload");
  }
  const uLong bound = deflateBound(&z, static_cast<uLong>(json.size()));
  std::string stored(kHeaderBytes + bound, '\0');
  stored[0] = static_cast<char>(kFormatDeflateDictionary1);
  const auto length = static_cast<std::uint32_t>(json.size());
  for (std::size_t i = 0; i < 4; ++i) stored[1 + i] = static_cast<char>((length >> (8 * i)) & 0xff);
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(json.data()));
  z.avail_in = static_cast<uInt>(json.size());
  z.next_out = reinterpret_cast<Bytef*>(stored.data() + kHeaderBytes);
  z.avail_out = static_cast<uInt>(bound);
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
    return Error(ErrorCode::kInternal, "zlib could not compress a feed payload");
  }
  stored.resize(kHeaderBytes + z.total_out);
  return stored;
}

Result<std::string> DecompressFeedPayload(std::string_view stored) {
  if (stored.size() < kHeaderBytes) return Corrupt("is shorter than its header");
  if (static_cast<unsigned char>(stored[0]) != kFormatDeflateDictionary1) {
    return Corrupt("has unknown format " + std::to_string(static_cast<unsigned char>(stored[0])));
  }
  std::uint32_t length = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    length |= static_cast<std::uint32_t>(static_cast<unsigned char>(stored[1 + i])) << (8 * i);
  }
  if (length > kMaxFeedPayloadBytes) return Corrupt("claims more than the size limit");
  thread_local Inflater inflater;
  z_stream& z = inflater.stream;
  if (!inflater.ready || inflateReset(&z) != Z_OK ||
      inflateSetDictionary(&z, DictionaryBytes(), static_cast<uInt>(kFeedDictionary1.size())) !=
          Z_OK) {
    return Error(ErrorCode::kInternal, "zlib could not start reading a feed payload");
  }
  // One byte more than claimed, so that a stream longer than its header
  // says is caught rather than cut.
  std::string json(static_cast<std::size_t>(length) + 1, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stored.data() + kHeaderBytes));
  z.avail_in = static_cast<uInt>(stored.size() - kHeaderBytes);
  z.next_out = reinterpret_cast<Bytef*>(json.data());
  z.avail_out = static_cast<uInt>(json.size());
  const int inflated = inflate(&z, Z_FINISH);
  if (inflated != Z_STREAM_END) return Corrupt("does not inflate");
  if (z.total_out != length) return Corrupt("inflates to another length than it says");
  if (z.avail_in != 0) return Corrupt("has bytes after its stream");
  json.resize(length);
  return json;
}

}  // namespace motcua
