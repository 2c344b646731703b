#include "engine/crypto/signed_data_certificates.h"

#include <doctest/doctest.h>
#include <openssl/pem.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "engine/crypto/openssl_cms.h"
#include "engine/crypto/pki_demo.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

constexpr std::string_view kContent = "QUYET DINH so 7/QD-UBND\n";

Instant Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

struct Signed {
  DemoPki pki = MakeDemoPki(Now()).value();
  // The leader's signature, carrying the leader's and the intermediate's
  // certificates.
  std::string der = SignDetached(kContent, pki.leader.private_key_pem, pki.leader.certificate_pem,
                                 pki.intermediate.certificate_pem)
                        .value();
};

// The DER of the first certificate in `pem`.
std::string DerOf(const std::string& pem) {
  ossl::BioPtr bio = ossl::ReadBio(pem);
  ossl::X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  REQUIRE(certificate != nullptr);
  unsigned char* der = nullptr;
  const int size = i2d_X509(certificate.get(), &der);
  REQUIRE(size > 0);
  std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return bytes;
}

TEST_CASE("signed data: the certificates split off are the included ones, and the rest parses") {
  Signed s;
  std::optional<ossl::SplitSignedData> split = ossl::SplitCertificates(s.der);
  REQUIRE(split.has_value());
  REQUIRE(split->certificates.size() == 2);
  // A SET OF, so in DER order rather than the signer's.
  const std::string leader = DerOf(s.pki.leader.certificate_pem);
  const std::string intermediate = DerOf(s.pki.intermediate.certificate_pem);
  CHECK(((split->certificates[0] == leader && split->certificates[1] == intermediate) ||
         (split->certificates[0] == intermediate && split->certificates[1] == leader)));
  // Shorter by the certificates (their field's header and lengths aside).
  const std::size_t certificates_size =
      split->certificates[0].size() + split->certificates[1].size();
  CHECK(split->without_certificates.size() < s.der.size() - certificates_size);
  CHECK(split->without_certificates.size() + certificates_size + 16 > s.der.size());

  const auto* begin = reinterpret_cast<const unsigned char*>(split->without_certificates.data());
  const unsigned char* next = begin;
  ossl::CmsPtr bare(
      d2i_CMS_ContentInfo(nullptr, &next, static_cast<long>(split->without_certificates.size())));
  REQUIRE(bare != nullptr);
  CHECK(next == begin + split->without_certificates.size());
  ossl::X509StackPtr none(CMS_get1_certs(bare.get()));
  CHECK((none == nullptr || sk_X509_num(none.get()) == 0));
  CHECK(sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(bare.get())) == 1);
}

TEST_CASE("signed data: a cached parse carries the same certificates, each parsed once") {
  Signed s;
  ossl::CertificateCache cache(8);
  ossl::CmsPtr first = ossl::ParseWithCachedCertificates(s.der, cache);
  REQUIRE(first != nullptr);
  CHECK(cache.size() == 2);
  ossl::X509StackPtr certificates(CMS_get1_certs(first.get()));
  REQUIRE(certificates != nullptr);
  REQUIRE(sk_X509_num(certificates.get()) == 2);
  ossl::X509Ptr leader = cache.Get(DerOf(s.pki.leader.certificate_pem));
  REQUIRE(leader != nullptr);
  CHECK(cache.size() == 2);
  // The very object the cache holds, not a new parse.
  const bool first_is_leader = X509_cmp(sk_X509_value(certificates.get(), 0), leader.get()) == 0;
  CHECK(sk_X509_value(certificates.get(), first_is_leader ? 0 : 1) == leader.get());

  ossl::CmsPtr second = ossl::ParseWithCachedCertificates(s.der, cache);
  REQUIRE(second != nullptr);
  CHECK(cache.size() == 2);
  // A full cache starts again rather than growing.
  ossl::CertificateCache small(1);
  CHECK(ossl::ParseWithCachedCertificates(s.der, small) != nullptr);
  CHECK(small.size() == 1);
}

TEST_CASE("signed data: a huge certificate is parsed but not kept") {
  TempDirectory dir;
  const std::string der_path = dir.File("big.der");
  // A self-signed certificate with a 20,000-byte comment extension.
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout '" +
      dir.File("big.key") + "' -subj /CN=big -addext \"nsComment=" + std::string(20000, 'a') +
      "\" -outform DER -out '" + der_path + "' >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  std::ifstream in(der_path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  const std::string big = bytes.str();
  REQUIRE(big.size() > ossl::CertificateCache::kMaxKeptBytes);

  ossl::CertificateCache cache(8);
  ossl::X509Ptr first = cache.Get(big);
  REQUIRE(first != nullptr);
  CHECK(cache.size() == 0);
  ossl::X509Ptr second = cache.Get(big);
  REQUIRE(second != nullptr);
  CHECK(second.get() != first.get());  // parsed again
  // A certificate of normal size is kept.
  Signed s;
  CHECK(cache.Get(DerOf(s.pki.leader.certificate_pem)) != nullptr);
  CHECK(cache.size() == 1);
}

TEST_CASE("signed data: what is not one plain DER SignedData with certificates does not split") {
  Signed s;
  CHECK_FALSE(ossl::SplitCertificates("").has_value());
  CHECK_FALSE(ossl::SplitCertificates("not DER").has_value());
  CHECK_FALSE(ossl::SplitCertificates(s.der + std::string(1, '\0')).has_value());
  CHECK_FALSE(ossl::SplitCertificates(s.der.substr(0, s.der.size() - 1)).has_value());
  CHECK_FALSE(ossl::SplitCertificates(std::string(64, '\x30')).has_value());
  // A certificate is DER, but not a ContentInfo.
  CHECK_FALSE(ossl::SplitCertificates(DerOf(s.pki.leader.certificate_pem)).has_value());
  // Indefinite length (BER) on the outer SEQUENCE: parsed whole, as before.
  const std::size_t header =
      (static_cast<unsigned char>(s.der[1]) & 0x80) != 0 ? 2 + (s.der[1] & 0x7f) : 2;
  const std::string ber = "\x30\x80" + s.der.substr(header) + std::string(2, '\0');
  CHECK_FALSE(ossl::SplitCertificates(ber).has_value());
  OpenSslSignatureVerifier verifier(TrustStore::FromPem(s.pki.root.certificate_pem).value());
  CHECK(verifier.VerifyDetached(ber, kContent).ok());

  std::optional<ossl::SplitSignedData> split = ossl::SplitCertificates(s.der);
  REQUIRE(split.has_value());
  const std::string inner = split->without_certificates;
  // A SignedData without certificates has nothing to split.
  CHECK_FALSE(ossl::SplitCertificates(inner).has_value());
  ossl::CertificateCache cache(8);
  CHECK(ossl::ParseWithCachedCertificates(inner, cache) == nullptr);
  CHECK(cache.size() == 0);
  // A certificate's bytes that do not parse: no cached parse (the verifier
  // then parses the whole and says why).
  std::string broken = s.der;
  const std::size_t at = broken.find(split->certificates[0].substr(0, 8));
  REQUIRE(at != std::string::npos);
  broken[at + 4] = '\x05';  // the certificate's tbsCertificate tag
  CHECK(ossl::ParseWithCachedCertificates(broken, cache) == nullptr);
}

TEST_CASE("signed data: a certificate edited in the signature is a different certificate") {
  Signed s;
  OpenSslSignatureVerifier verifier(TrustStore::FromPem(s.pki.root.certificate_pem).value());
  REQUIRE(verifier.VerifyDetached(s.der, kContent).ok());
  // One bit of an included certificate's signature changed: it parses, is
  // cached under its own bytes, and does not chain.
  std::optional<ossl::SplitSignedData> split = ossl::SplitCertificates(s.der);
  REQUIRE(split.has_value());
  const std::string certificate(split->certificates[0]);
  std::string forged = s.der;
  const std::size_t at = forged.find(certificate) + certificate.size() - 3;
  REQUIRE(at < forged.size());
  forged[at] = static_cast<char>(forged[at] ^ 0x01);
  Result<VerifiedSignature> refused = verifier.VerifyDetached(forged, kContent);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().reason() == ErrorReason::kUntrustedCertificate);
  // The genuine one still verifies after the forged one was seen.
  CHECK(verifier.VerifyDetached(s.der, kContent).ok());
}

}  // namespace
}  // namespace motcua
