// checkpoint_key.h: the key that signs audit checkpoints (checkpoint.h), and
// the check of a checkpoint's signature and root.
//
// A checkpoint key is an Ed25519 or EC private key in PEM (PKCS#8 or
// traditional), unencrypted. Ed25519 signs the text directly ("Ed25519"); EC
// keys sign its SHA-256 ("ECDSA-SHA256", DER signature). The key id is the
// SHA-256 (hex) of the public key's DER SubjectPublicKeyInfo.
//
// Example:
//   Result<OpenSslCheckpointKey> key = OpenSslCheckpointKey::LoadOrCreate("cp/checkpoint.key");
//   Result<Checkpoint> signed_one = SignCheckpoint(heads, now, *key);
//   Status ok = VerifyCheckpoint(*signed_one, std::nullopt);
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/domain/checkpoint.h"
#include "engine/domain/status.h"

namespace motcua {

class OpenSslCheckpointKey final : public CheckpointSigner {
 public:
  // Reads the private key at `path`. kInvalidArgument for a file that is not
  // an Ed25519 or EC private key, or is readable by group or others.
  static Result<OpenSslCheckpointKey> Load(const std::string& path);
  // Load, or when `path` does not exist, a new Ed25519 key written there
  // (mode 0600) with its public key in PEM at `path` + ".pub".
  static Result<OpenSslCheckpointKey> LoadOrCreate(const std::string& path);

  OpenSslCheckpointKey(OpenSslCheckpointKey&&) noexcept;
  OpenSslCheckpointKey& operator=(OpenSslCheckpointKey&&) noexcept;
  ~OpenSslCheckpointKey() override;

  std::string algorithm() const override;
  std::string key_id() const override;
  std::string public_key() const override;
  Result<std::string> Sign(const std::string& text) const override;
  // The public key in PEM, for auditors (`audit verify --key`).
  std::string PublicKeyPem() const;

 private:
  struct Impl;
  explicit OpenSslCheckpointKey(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// SHA-256 hex of CheckpointHeadsText(heads): a checkpoint's root.
std::string CheckpointRoot(const std::vector<ChainHead>& sorted_heads);

// A signed checkpoint of `heads` at `issued_at`.
Result<Checkpoint> SignCheckpoint(std::vector<ChainHead> heads, Instant issued_at,
                                  const CheckpointSigner& signer);

// kFailedPrecondition "checkpoint_untrusted" unless the checkpoint's signature
// verifies under its public key, its key id names that key, its root is the
// hash of its heads (when it lists them), and, when `pinned_key_pem` is given
// (a PEM public key or certificate), that key is the checkpoint's.
Status VerifyCheckpoint(const Checkpoint& checkpoint,
                        const std::optional<std::string>& pinned_key_pem);

}  // namespace motcua
