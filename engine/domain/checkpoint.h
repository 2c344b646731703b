// checkpoint.h: signed checkpoints of the audit chain heads, so that edits
// made later by someone who can write the database are detectable.
//
// The audit chain (engine/sqlite/audit_chain.h) links each dossier's events
// with SHA-256, but without a key: whoever can edit the database can also
// recompute it, or cut off a dossier's last events. A checkpoint, in the
// spirit of the signed tree heads of Certificate Transparency (RFC 6962),
// records every dossier's chain head (code, version = number of events, hash
// of the last event) at one moment, signed with a key the database does not
// hold, and is kept outside the database (an append-only file, the sync
// feed). Later, `motcua audit verify --checkpoint FILE` finds a dossier whose
// version fell below the checkpoint's (truncation), a dossier that vanished,
// and a chain whose hash at the checkpointed version differs (a rewrite).
//
// Format, one JSON object (in a file: one object per line, newest last):
//   {"format": "motcua-checkpoint/1",
//    "issued_at": 1795136400,            UTC seconds
//    "dossiers": 2, "events": 7,         heads counted, sum of their versions
//    "root": "<sha256 hex>",             SHA-256 of CheckpointHeadsText(heads)
//    "heads": [{"dossier": "000.00.01.H26-261122-0001", "version": 3,
//               "head": "<sha256 hex>"}, ...],   ascending by dossier code
//    "algorithm": "Ed25519" | "ECDSA-SHA256",
//    "key_id": "<sha256 hex of the public key's SubjectPublicKeyInfo DER>",
//    "public_key": "<base64 of that DER>",
//    "signature": "<base64>"}            over CheckpointSignedText
// The signature covers the root, so it covers the heads; "heads" may be left
// out where only the commitment matters (the copy on the sync feed).
//
// Pure: no I/O, no cryptography (callers hash and sign).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/status.h"

namespace motcua {

inline constexpr const char* kCheckpointFormat = "motcua-checkpoint/1";
// The sync feed topic of checkpoint copies (without their heads).
inline constexpr const char* kCheckpointTopic = "audit.checkpoint";

// The head of one dossier's chain: its number of events and the hash of the
// last one.
struct ChainHead {
  std::string dossier_code;
  std::int64_t version = 0;
  std::string head;
};

struct Checkpoint {
  Instant issued_at;
  std::int64_t dossiers = 0;
  std::int64_t events = 0;
  std::string root;
  std::vector<ChainHead> heads;  // ascending by dossier code; may be empty in a feed copy
  std::string algorithm;
  std::string key_id;
  std::string public_key;  // base64 DER SubjectPublicKeyInfo
  std::string signature;   // base64
};

// The text whose SHA-256 is the root: one line "CODE VERSION HEAD\n" per
// head, in the order given (callers sort by code).
std::string CheckpointHeadsText(const std::vector<ChainHead>& heads);

// A checkpoint of `heads` (sorted here by code) at `issued_at`, with its
// counts and the given root, not yet signed.
Checkpoint UnsignedCheckpoint(std::vector<ChainHead> heads, Instant issued_at, std::string root);

// The exact bytes that are signed: the canonical JSON (sorted keys, no
// spaces) of format, issued_at, dossiers, events, root, algorithm, key_id.
std::string CheckpointSignedText(const Checkpoint& checkpoint);

// The JSON form above; `with_heads` false leaves "heads" out.
nlohmann::json CheckpointToJson(const Checkpoint& checkpoint, bool with_heads = true);
// kInvalidArgument "invalid_checkpoint", naming the field, unless `json` is a
// checkpoint of this format with every field well-formed and the counts
// agreeing with the heads (when present).
Result<Checkpoint> CheckpointFromJson(const nlohmann::json& json);

// Signs checkpoints with a key the database does not hold (engine/crypto
// provides one). Implementations are thread-safe.
class CheckpointSigner {
 public:
  virtual ~CheckpointSigner() = default;
  virtual std::string algorithm() const = 0;
  virtual std::string key_id() const = 0;
  virtual std::string public_key() const = 0;  // base64 DER SubjectPublicKeyInfo
  // The base64 signature of `text`.
  virtual Result<std::string> Sign(const std::string& text) const = 0;
};

}  // namespace motcua
