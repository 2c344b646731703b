#include "engine/sqlite/feed_payload_codec.h"

#include <zstd.h>

#include <string>

namespace motcua {
namespace {

constexpr unsigned char kFormatZstdDictionary1 = 1;

// Level 1: the fastest of libzstd's regular levels. The dictionary gives
// most of the gain at this size; higher levels save a few percent more for
// twice the time on the thread that answers requests.
constexpr int kCompressionLevel = 1;

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

Error Corrupt(const std::string& why) {
  return Error(ErrorCode::kInternal, "stored feed payload " + why, ErrorReason::kCorruptRow);
}

// The digested dictionary, made once and shared by every thread (libzstd
// only reads it); null if libzstd could not allocate it. Text that does not
// start with Zstandard's dictionary magic number is raw content.
const ZSTD_CDict* CompressionDictionary() {
  static const ZSTD_CDict* const dictionary =
      ZSTD_createCDict(kFeedDictionary1.data(), kFeedDictionary1.size(), kCompressionLevel);
  return dictionary;
}

const ZSTD_DDict* DecompressionDictionary() {
  static const ZSTD_DDict* const dictionary =
      ZSTD_createDDict(kFeedDictionary1.data(), kFeedDictionary1.size());
  return dictionary;
}

// One context per thread: making one allocates more than a payload's worth.
struct CompressionContext {
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ~CompressionContext() { ZSTD_freeCCtx(context); }
};
struct DecompressionContext {
  ZSTD_DCtx* context = ZSTD_createDCtx();
  ~DecompressionContext() { ZSTD_freeDCtx(context); }
};

}  // namespace

Result<std::string> CompressFeedPayload(std::string_view json) {
  if (json.size() > kMaxFeedPayloadBytes) {
    return Error(ErrorCode::kInvalidArgument,
                 "feed payload of " + std::to_string(json.size()) + " bytes is over the " +
                     std::to_string(kMaxFeedPayloadBytes) + "-byte limit");
  }
  thread_local CompressionContext compression;
  const ZSTD_CDict* dictionary = CompressionDictionary();
  if (compression.context == nullptr || dictionary == nullptr) {
    return Error(ErrorCode::kInternal, "libzstd could not start compressing a feed payload");
  }
  const std::size_t bound = ZSTD_compressBound(json.size());
  std::string stored(1 + bound, '\0');
  stored[0] = static_cast<char>(kFormatZstdDictionary1);
  // ZSTD_compress_usingCDict records the content size in the frame header
  // (and no checksum: SQLite's pages and the JSON parse catch damage).
  const std::size_t written = ZSTD_compress_usingCDict(compression.context, stored.data() + 1,
                                                       bound, json.data(), json.size(), dictionary);
  if (ZSTD_isError(written)) {
    return Error(ErrorCode::kInternal, std::string("libzstd could not compress a feed payload: ") +
                                           ZSTD_getErrorName(written));
  }
  stored.resize(1 + written);
  return stored;
}

Result<std::string> DecompressFeedPayload(std::string_view stored) {
  if (stored.empty()) return Corrupt("is empty");
  if (static_cast<unsigned char>(stored[0]) != kFormatZstdDictionary1) {
    return Corrupt("has unknown format " + std::to_string(static_cast<unsigned char>(stored[0])));
  }
  const std::string_view frame = stored.substr(1);
  // The frame must be the whole rest, and say how large its content is.
  const std::size_t frame_size = ZSTD_findFrameCompressedSize(frame.data(), frame.size());
  if (ZSTD_isError(frame_size)) return Corrupt("is not a whole Zstandard frame");
  if (frame_size != frame.size()) return Corrupt("has bytes after its frame");
  const unsigned long long size = ZSTD_getFrameContentSize(frame.data(), frame.size());
  if (size == ZSTD_CONTENTSIZE_UNKNOWN || size == ZSTD_CONTENTSIZE_ERROR) {
    return Corrupt("does not record its size");
  }
  if (size > kMaxFeedPayloadBytes) return Corrupt("claims more than the size limit");
  thread_local DecompressionContext decompression;
  const ZSTD_DDict* dictionary = DecompressionDictionary();
  if (decompression.context == nullptr || dictionary == nullptr) {
    return Error(ErrorCode::kInternal, "libzstd could not start reading a feed payload");
  }
  std::string json(static_cast<std::size_t>(size), '\0');
  const std::size_t read = ZSTD_decompress_usingDDict(
      decompression.context, json.data(), json.size(), frame.data(), frame.size(), dictionary);
  if (ZSTD_isError(read)) return Corrupt("does not decompress");
  if (read != size) return Corrupt("decompresses to another size than it says");
  return json;
}

}  // namespace motcua
