// feed_payload_codec.h: the stored form of a national-sync feed entry's JSON
// payload in the SQLite store (issue 18: storage per dossier).
//
// A feed entry holds the national record as it was at its event, about 1.3 KB
// of JSON; most of it is the record's key names, which every entry repeats,
// and hex document ids. Stored compressed it takes about 600 bytes:
//
//   byte 0      format: 1 = one Zstandard frame (RFC 8878, libzstd) that
//               records the JSON's size, compressed with kFeedDictionary1
//               (feed_payload_codec.cc) as a raw-content dictionary
//   bytes 1..   the frame
//
// The dictionary is part of the format: once a release has written entries
// with it, it never changes. A better one gets format 2, and readers keep
// reading 1. Entries stored before compression are TEXT, and read as such.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "engine/domain/status.h"

namespace motcua {

// The largest payload DecompressFeedPayload returns (and CompressFeedPayload
// accepts): far above a usual national record, and a bound on what an entry
// edited into a decompression bomb can make a reader allocate. The outbox
// keeps a larger payload uncompressed (outbox_tables.h).
inline constexpr std::size_t kMaxFeedPayloadBytes = 1 << 20;

// `json` in the stored form above. kInvalidArgument when it is larger than
// kMaxFeedPayloadBytes; kInternal if libzstd fails (out of memory).
Result<std::string> CompressFeedPayload(std::string_view json);

// The JSON text of a stored payload from CompressFeedPayload. kInternal
// corrupt_row for anything else: another format byte, a frame that does not
// decompress or does not record its size, a size over the maximum, bytes
// after the frame.
Result<std::string> DecompressFeedPayload(std::string_view stored);

}  // namespace motcua
