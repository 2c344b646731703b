#include "engine/crypto/pki_demo.h"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <string>
#include <system_error>
#include <vector>

#include "engine/crypto/openssl_ptr.h"
#include "engine/domain/status_macros.h"

namespace motcua {
namespace {

Error Internal(const std::string& what) {
  return Error(ErrorCode::kInternal, what + ossl::ErrorSuffix());
}

int NoPassword(char*, int, int, void*) {
  return 0;
}

Result<std::string> PemOf(X509* cert) {
  ossl::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return Internal("cannot write certificate");
  return ossl::BioContents(bio.get());
}

Result<std::string> PemOf(EVP_PKEY* key) {
  ossl::BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio ||
      PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return Internal("cannot write private key");
  }
  return ossl::BioContents(bio.get());
}

// Adds the extension `nid` = `value` (OpenSSL config syntax) to `cert`.
Status AddExtension(X509* cert, X509V3_CTX* context, int nid, const std::string& value) {
  ossl::ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, context, nid, value.c_str()));
  if (!extension) {
    return Error(ErrorCode::kInvalidArgument, std::string("bad ") + OBJ_nid2sn(nid) + " \"" +
                                                  value + "\"" + ossl::ErrorSuffix());
  }
  if (X509_add_ext(cert, extension.get(), -1) != 1) return Internal("cannot add an extension");
  return {};
}

// Creates `path` with `mode` (fails if it exists) and writes `bytes`.
Status WriteNewFile(const std::string& path, const std::string& bytes, mode_t mode) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    return Error(ErrorCode::kUnavailable, path + ": cannot create: " + std::strerror(errno));
  }
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int saved = errno;
      close(fd);
      return Error(ErrorCode::kUnavailable, path + ": write failed: " + std::strerror(saved));
    }
    written += static_cast<std::size_t>(n);
  }
  if (close(fd) != 0) {
    return Error(ErrorCode::kUnavailable, path + ": close failed: " + std::strerror(errno));
  }
  return {};
}

}  // namespace

Result<CertifiedKey> IssueCertificate(const CertificateProfile& profile,
                                      const CertifiedKey* issuer) {
  ERR_clear_error();
  ossl::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ossl::X509Ptr cert(X509_new());
  if (!key || !cert) return Internal("cannot generate a key");

  ossl::X509Ptr issuer_cert;
  ossl::PkeyPtr issuer_key;
  if (issuer != nullptr) {
    ossl::BioPtr cert_bio = ossl::ReadBio(issuer->certificate_pem);
    ossl::BioPtr key_bio = ossl::ReadBio(issuer->private_key_pem);
    if (cert_bio) issuer_cert.reset(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr));
    if (key_bio) {
      issuer_key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassword, nullptr));
    }
    if (!issuer_cert || !issuer_key ||
        X509_check_private_key(issuer_cert.get(), issuer_key.get()) != 1) {
      return Error(
          ErrorCode::kInvalidArgument,
          "the issuer's certificate and key do not parse or do not match" + ossl::ErrorSuffix());
    }
  }

  ossl::NamePtr subject(X509_NAME_new());
  if (!subject) return Internal("out of memory");
  for (const auto& [field, value] : profile.subject) {
    if (X509_NAME_add_entry_by_txt(subject.get(), field.c_str(), MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0) != 1) {
      return Error(ErrorCode::kInvalidArgument,
                   "bad subject attribute " + field + "=" + value + ossl::ErrorSuffix());
    }
  }

  ossl::BignumPtr serial(BN_new());
  if (!serial || BN_rand(serial.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return Internal("cannot make a serial number");
  }
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_set_subject_name(cert.get(), subject.get()) != 1 ||
      X509_set_issuer_name(cert.get(), issuer_cert ? X509_get_subject_name(issuer_cert.get())
                                                   : subject.get()) != 1 ||
      ASN1_TIME_set(X509_getm_notBefore(cert.get()), ossl::ToTimeT(profile.not_before)) ==
          nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), ossl::ToTimeT(profile.not_after)) == nullptr ||
      X509_set_pubkey(cert.get(), key.get()) != 1) {
    return Internal("cannot fill in the certificate");
  }

  X509V3_CTX context;
  X509V3_set_ctx(&context, issuer_cert ? issuer_cert.get() : cert.get(), cert.get(), nullptr,
                 nullptr, 0);
  std::string constraints =
      profile.certificate_authority ? "critical,CA:TRUE" : "critical,CA:FALSE";
  if (profile.certificate_authority && profile.path_length >= 0) {
    constraints += ",pathlen:" + std::to_string(profile.path_length);
  }
  RETURN_IF_ERROR(AddExtension(cert.get(), &context, NID_basic_constraints, constraints));
  if (!profile.key_usage.empty()) {
    RETURN_IF_ERROR(
        AddExtension(cert.get(), &context, NID_key_usage, "critical," + profile.key_usage));
  }
  RETURN_IF_ERROR(AddExtension(cert.get(), &context, NID_subject_key_identifier, "hash"));
  if (issuer_cert) {
    RETURN_IF_ERROR(AddExtension(cert.get(), &context, NID_authority_key_identifier, "keyid"));
  }
  EVP_PKEY* signing_key = issuer_key ? issuer_key.get() : key.get();
  if (X509_sign(cert.get(), signing_key, EVP_sha256()) <= 0) return Internal("cannot sign");

  ASSIGN_OR_RETURN(std::string cert_pem, PemOf(cert.get()));
  ASSIGN_OR_RETURN(std::string key_pem, PemOf(key.get()));
  return CertifiedKey{std::move(cert_pem), std::move(key_pem)};
}

Result<std::string> IssueCrl(const CertifiedKey& issuer,
                             const std::vector<std::string>& revoked_certificate_pems,
                             Instant this_update, Instant next_update) {
  ERR_clear_error();
  ossl::BioPtr cert_bio = ossl::ReadBio(issuer.certificate_pem);
  ossl::BioPtr key_bio = ossl::ReadBio(issuer.private_key_pem);
  ossl::X509Ptr issuer_cert(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)
                                     : nullptr);
  ossl::PkeyPtr issuer_key(
      key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassword, nullptr) : nullptr);
  if (!issuer_cert || !issuer_key) {
    return Error(ErrorCode::kInvalidArgument,
                 "the CRL issuer's certificate or key does not parse" + ossl::ErrorSuffix());
  }
  std::unique_ptr<X509_CRL, ossl::Deleter<X509_CRL_free>> crl(X509_CRL_new());
  ossl::TimePtr last(ASN1_TIME_set(nullptr, ossl::ToTimeT(this_update)));
  ossl::TimePtr next(ASN1_TIME_set(nullptr, ossl::ToTimeT(next_update)));
  if (!crl || !last || !next || X509_CRL_set_version(crl.get(), 1) != 1 ||
      X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer_cert.get())) != 1 ||
      X509_CRL_set1_lastUpdate(crl.get(), last.get()) != 1 ||
      X509_CRL_set1_nextUpdate(crl.get(), next.get()) != 1) {
    return Internal("cannot fill in the CRL");
  }
  for (const std::string& pem : revoked_certificate_pems) {
    ossl::BioPtr bio = ossl::ReadBio(pem);
    ossl::X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert) {
      return Error(ErrorCode::kInvalidArgument,
                   "a revoked certificate does not parse" + ossl::ErrorSuffix());
    }
    X509_REVOKED* entry = X509_REVOKED_new();
    if (entry == nullptr ||
        X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(cert.get())) != 1 ||
        X509_REVOKED_set_revocationDate(entry, last.get()) != 1 ||
        X509_CRL_add0_revoked(crl.get(), entry) != 1) {
      X509_REVOKED_free(entry);
      return Internal("cannot add a revoked certificate");
    }
  }
  if (X509_CRL_sort(crl.get()) != 1 ||
      X509_CRL_sign(crl.get(), issuer_key.get(), EVP_sha256()) <= 0) {
    return Internal("cannot sign the CRL");
  }
  ossl::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509_CRL(out.get(), crl.get()) != 1) {
    return Internal("cannot write the CRL");
  }
  return ossl::BioContents(out.get());
}

namespace {

// Whether `user_id` may name an extra demo signer (see MakeDemoPki).
bool IsDemoSignerId(const std::string& user_id) {
  if (user_id.empty() || user_id.size() > 64 || user_id.front() == '.') return false;
  return std::all_of(user_id.begin(), user_id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

}  // namespace

Result<DemoPki> MakeDemoPki(Instant now, const std::vector<std::string>& signers) {
  using std::chrono::days;
  using std::chrono::hours;
  const Instant start = now - hours(1);
  const std::string signing = "digitalSignature,nonRepudiation";
  const std::string ca = "keyCertSign,cRLSign";

  ASSIGN_OR_RETURN(CertifiedKey root,
                   IssueCertificate({{{"O", "demo agency"}, {"CN", "motcua Demo Root CA"}},
                                     start,
                                     now + days(3653),
                                     true,
                                     -1,
                                     ca}));
  ASSIGN_OR_RETURN(CertifiedKey intermediate,
                   IssueCertificate({{{"O", "demo agency"}, {"CN", "motcua Demo Intermediate CA"}},
                                     start,
                                     now + days(1826),
                                     true,
                                     0,
                                     ca},
                                    &root));
  ASSIGN_OR_RETURN(CertifiedKey leader, IssueCertificate({{{"O", "demo agency"},
                                                           {"CN", "Demo Leader"},
                                                           {"serialNumber", "leader1"},
                                                           {"UID", "leader1"}},
                                                          start,
                                                          now + days(730),
                                                          false,
                                                          -1,
                                                          signing},
                                                         &intermediate));
  ASSIGN_OR_RETURN(
      CertifiedKey seal,
      IssueCertificate({{{"O", "demo agency"}}, start, now + days(730), false, -1, signing},
                       &intermediate));
  DemoPki pki{std::move(root), std::move(intermediate), std::move(leader), std::move(seal), {}};
  std::set<std::string> seen{"leader1"};
  for (const std::string& id : signers) {
    if (!IsDemoSignerId(id) || !seen.insert(id).second) {
      return Error(ErrorCode::kInvalidArgument,
                   "signer \"" + id +
                       "\" must be a new user id of 1 to 64 letters, digits, '.', "
                       "'_' or '-'");
    }
    ASSIGN_OR_RETURN(CertifiedKey signer,
                     IssueCertificate({{{"O", "demo agency"}, {"CN", id}, {"UID", id}},
                                       start,
                                       now + days(730),
                                       false,
                                       -1,
                                       signing},
                                      &pki.intermediate));
    pki.signers.emplace_back(id, std::move(signer));
  }
  return pki;
}

Status WriteDemoPki(const std::string& dir, Instant now, const std::vector<std::string>& signers) {
  namespace fs = std::filesystem;
  ASSIGN_OR_RETURN(DemoPki pki, MakeDemoPki(now, signers));
  struct File {
    std::string name;
    const std::string& bytes;
    mode_t mode;
  };
  std::vector<File> files = {
      {"root-ca.pem", pki.root.certificate_pem, 0644},
      {"root-ca.key", pki.root.private_key_pem, 0600},
      {"intermediate-ca.pem", pki.intermediate.certificate_pem, 0644},
      {"intermediate-ca.key", pki.intermediate.private_key_pem, 0600},
      {"leader.pem", pki.leader.certificate_pem, 0644},
      {"leader.key", pki.leader.private_key_pem, 0600},
      {"agency-seal.pem", pki.agency_seal.certificate_pem, 0644},
      {"agency-seal.key", pki.agency_seal.private_key_pem, 0600},
      {"chain.pem", pki.intermediate.certificate_pem, 0644},
  };
  for (const auto& [id, signer] : pki.signers) {
    files.push_back({"signer-" + id + ".pem", signer.certificate_pem, 0644});
    files.push_back({"signer-" + id + ".key", signer.private_key_pem, 0600});
  }
  std::error_code error;
  fs::create_directories(dir, error);
  if (error) return Error(ErrorCode::kUnavailable, dir + ": cannot create: " + error.message());
  for (const File& file : files) {
    const fs::path path = fs::path(dir) / file.name;
    if (fs::exists(fs::symlink_status(path, error))) {
      return Error(ErrorCode::kFailedPrecondition, path.string() + " exists already");
    }
  }
  std::vector<fs::path> written;
  for (const File& file : files) {
    const fs::path path = fs::path(dir) / file.name;
    Status status = WriteNewFile(path.string(), file.bytes, file.mode);
    if (!status.ok()) {
      for (const fs::path& done : written) fs::remove(done, error);  // all or nothing
      return status;
    }
    written.push_back(path);
  }
  return {};
}

}  // namespace motcua
