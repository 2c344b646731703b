#include "engine/crypto/checkpoint_key.h"

#include <fcntl.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "engine/crypto/base64.h"
#include "engine/crypto/openssl_ptr.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

using ossl::PkeyPtr;

using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, ossl::Deleter<EVP_MD_CTX_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, ossl::Deleter<EVP_PKEY_CTX_free>>;

Error Untrusted(const std::string& why) {
  return Error(ErrorCode::kFailedPrecondition, "the checkpoint is not trustworthy: " + why,
               ErrorReason::kCheckpointUntrusted);
}

bool IsEd25519(const EVP_PKEY* key) {
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519;
}

std::string AlgorithmOf(const EVP_PKEY* key) {
  return IsEd25519(key) ? "Ed25519" : "ECDSA-SHA256";
}

// DER SubjectPublicKeyInfo of `key`.
std::string PublicDer(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0 || der == nullptr) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  return out;
}

// The digest the algorithm signs with: none for Ed25519.
const EVP_MD* DigestOf(const EVP_PKEY* key) {
  return IsEd25519(key) ? nullptr : EVP_sha256();
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kNotFound, "cannot read " + path);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

struct OpenSslCheckpointKey::Impl {
  PkeyPtr key;
  std::string public_der;
};

OpenSslCheckpointKey::OpenSslCheckpointKey(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OpenSslCheckpointKey::OpenSslCheckpointKey(OpenSslCheckpointKey&&) noexcept = default;
OpenSslCheckpointKey& OpenSslCheckpointKey::operator=(OpenSslCheckpointKey&&) noexcept = default;
OpenSslCheckpointKey::~OpenSslCheckpointKey() = default;

Result<OpenSslCheckpointKey> OpenSslCheckpointKey::Load(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    return Error(ErrorCode::kNotFound, "checkpoint key " + path + " does not exist");
  }
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
    return Error(ErrorCode::kInvalidArgument,
                 "checkpoint key " + path + " is readable by group or others; chmod 600 it");
  }
  ASSIGN_OR_RETURN(std::string pem, ReadWholeFile(path));
  ossl::BioPtr bio = ossl::ReadBio(pem);
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key || !(IsEd25519(key.get()) || EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC)) {
    return Error(ErrorCode::kInvalidArgument,
                 "checkpoint key " + path + " is not an unencrypted Ed25519 or EC private key" +
                     ossl::ErrorSuffix());
  }
  auto impl = std::make_unique<Impl>();
  impl->public_der = PublicDer(key.get());
  impl->key = std::move(key);
  return OpenSslCheckpointKey(std::move(impl));
}

Result<OpenSslCheckpointKey> OpenSslCheckpointKey::LoadOrCreate(const std::string& path) {
  struct stat info {};
  if (stat(path.c_str(), &info) == 0) return Load(path);
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!key) return Error(ErrorCode::kInternal, "cannot generate a key" + ossl::ErrorSuffix());
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return Error(ErrorCode::kUnavailable, "cannot create checkpoint key " + path);
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  const bool written =
      out && PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  const std::string pem = written ? ossl::BioContents(out.get()) : std::string();
  const bool saved = !pem.empty() &&
                     write(fd, pem.data(), pem.size()) == static_cast<ssize_t>(pem.size()) &&
                     fsync(fd) == 0;
  close(fd);
  if (!saved) return Error(ErrorCode::kUnavailable, "cannot write checkpoint key " + path);
  auto impl = std::make_unique<Impl>();
  impl->public_der = PublicDer(key.get());
  impl->key = std::move(key);
  OpenSslCheckpointKey created(std::move(impl));
  std::ofstream(path + ".pub", std::ios::binary | std::ios::trunc) << created.PublicKeyPem();
  return created;
}

std::string OpenSslCheckpointKey::algorithm() const {
  return AlgorithmOf(impl_->key.get());
}

std::string OpenSslCheckpointKey::key_id() const {
  return Sha256Hex(impl_->public_der);
}

std::string OpenSslCheckpointKey::public_key() const {
  return Base64Encode(impl_->public_der);
}

std::string OpenSslCheckpointKey::PublicKeyPem() const {
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PUBKEY(out.get(), impl_->key.get()) != 1) return {};
  return ossl::BioContents(out.get());
}

Result<std::string> OpenSslCheckpointKey::Sign(const std::string& text) const {
  MdCtxPtr context(EVP_MD_CTX_new());
  std::size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(text.data());
  if (!context ||
      EVP_DigestSignInit(context.get(), nullptr, DigestOf(impl_->key.get()), nullptr,
                         impl_->key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length, data, text.size()) != 1) {
    return Error(ErrorCode::kInternal, "cannot sign the checkpoint" + ossl::ErrorSuffix());
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     data, text.size()) != 1) {
    return Error(ErrorCode::kInternal, "cannot sign the checkpoint" + ossl::ErrorSuffix());
  }
  signature.resize(length);
  return Base64Encode(signature);
}

std::string CheckpointRoot(const std::vector<ChainHead>& sorted_heads) {
  return Sha256Hex(CheckpointHeadsText(sorted_heads));
}

Result<Checkpoint> SignCheckpoint(std::vector<ChainHead> heads, Instant issued_at,
                                  const CheckpointSigner& signer) {
  Checkpoint checkpoint = UnsignedCheckpoint(std::move(heads), issued_at, "");
  checkpoint.root = CheckpointRoot(checkpoint.heads);
  checkpoint.algorithm = signer.algorithm();
  checkpoint.key_id = signer.key_id();
  checkpoint.public_key = signer.public_key();
  ASSIGN_OR_RETURN(std::string signature, signer.Sign(CheckpointSignedText(checkpoint)));
  checkpoint.signature = std::move(signature);
  return checkpoint;
}

Status VerifyCheckpoint(const Checkpoint& checkpoint,
                        const std::optional<std::string>& pinned_key_pem) {
  std::optional<std::string> der = Base64Decode(checkpoint.public_key);
  if (!der) return Untrusted("its public_key is not base64");
  if (Sha256Hex(*der) != checkpoint.key_id) return Untrusted("its key_id does not name its key");
  const auto* der_bytes = reinterpret_cast<const unsigned char*>(der->data());
  PkeyPtr key(d2i_PUBKEY(nullptr, &der_bytes, static_cast<long>(der->size())));
  if (!key) return Untrusted("its public_key is not a public key" + ossl::ErrorSuffix());
  if (checkpoint.algorithm != AlgorithmOf(key.get())) {
    return Untrusted("its algorithm does not match its key");
  }
  if (pinned_key_pem) {
    ossl::BioPtr bio = ossl::ReadBio(*pinned_key_pem);
    PkeyPtr pinned(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!pinned) {
      ossl::BioPtr again = ossl::ReadBio(*pinned_key_pem);
      ossl::X509Ptr certificate(again ? PEM_read_bio_X509(again.get(), nullptr, nullptr, nullptr)
                                      : nullptr);
      if (certificate) pinned.reset(X509_get_pubkey(certificate.get()));
    }
    ERR_clear_error();
    if (!pinned) return Untrusted("the pinned key is not a PEM public key or certificate");
    if (PublicDer(pinned.get()) != *der) return Untrusted("it is signed by another key");
  }
  std::optional<std::string> signature = Base64Decode(checkpoint.signature);
  if (!signature) return Untrusted("its signature is not base64");
  const std::string text = CheckpointSignedText(checkpoint);
  MdCtxPtr context(EVP_MD_CTX_new());
  const bool valid =
      context &&
      EVP_DigestVerifyInit(context.get(), nullptr, DigestOf(key.get()), nullptr, key.get()) == 1 &&
      EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature->data()),
                       signature->size(), reinterpret_cast<const unsigned char*>(text.data()),
                       text.size()) == 1;
  ERR_clear_error();
  if (!valid) return Untrusted("its signature does not verify");
  const bool lists_heads =
      static_cast<std::int64_t>(checkpoint.heads.size()) == checkpoint.dossiers;
  if (lists_heads && CheckpointRoot(checkpoint.heads) != checkpoint.root) {
    return Untrusted("its heads do not hash to its signed root");
  }
  return {};
}

}  // namespace motcua
