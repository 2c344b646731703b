#include "engine/crypto/openssl_cms.h"

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/crypto/pki_demo.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/rfc3339.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

using std::chrono::days;
using std::chrono::hours;

Instant Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// Runs a shell command; its exit status, or -1 if it did not exit normally.
int Run(const std::string& command) {
  const int raw = std::system(command.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

std::string Quote(const std::string& path) {
  return "'" + path + "'";
}

// A result document, with a NUL and a non-UTF-8 byte: signatures cover bytes.
const std::string kResult =
    std::string("QUYET DINH so 123/QD-UBND: cap giay phep xay dung\n") + '\0' + "\xff binary";

// The demo PKI and a verifier that trusts its root.
struct Fixture {
  explicit Fixture(Instant pki_created = Now()) : now(pki_created) {}

  Instant now;  // when the demo PKI was made
  DemoPki pki = MakeDemoPki(now).value();
  OpenSslSignatureVerifier verifier{TrustStore::FromPem(pki.root.certificate_pem).value()};

  std::string SignAsLeader(std::string_view content) const {
    Result<std::string> der =
        SignDetached(content, pki.leader.private_key_pem, pki.leader.certificate_pem,
                     pki.intermediate.certificate_pem);
    REQUIRE(der.ok());
    return *der;
  }

  // A certificate issued by the demo intermediate.
  CertifiedKey Issue(Instant not_before, Instant not_after, const std::string& key_usage) const {
    Result<CertifiedKey> issued = IssueCertificate(
        {{{"CN", "Test Signer"}}, not_before, not_after, false, -1, key_usage}, &pki.intermediate);
    REQUIRE(issued.ok());
    return *issued;
  }
};

void CheckRejected(const Result<VerifiedSignature>& result, ErrorReason reason) {
  REQUIRE_FALSE(result.ok());
  INFO(result.error().message());
  CHECK(result.error().code() == ErrorCode::kInvalidArgument);
  CHECK(result.error().reason() == reason);
}

TEST_CASE("cms: a detached signature by the demo leader verifies and reports its evidence") {
  Fixture f;
  const Instant before = Now();
  const std::string der = f.SignAsLeader(kResult);
  Result<VerifiedSignature> verified = f.verifier.VerifyDetached(der, kResult);
  REQUIRE(verified.ok());
  CHECK(verified->evidence.document_id == Sha256Hex(kResult));
  CHECK(verified->evidence.signer_subject ==
        "UID=leader1,serialNumber=leader1,CN=Demo Leader,O=demo agency");
  CHECK(verified->issuer_subject == "CN=motcua Demo Intermediate CA,O=demo agency");
  CHECK(verified->subject_uid == "leader1");
  CHECK(IsSha256Hex(verified->evidence.certificate_fingerprint));
  CHECK(verified->evidence.serial.size() >= 30);
  CHECK(verified->evidence.serial.find_first_not_of("0123456789abcdef") == std::string::npos);
  // OpenSSL stamps signingTime with time(), which Linux reads from a coarse
  // clock that may still show the previous second for a few milliseconds
  // after `before` was read from the precise one.
  CHECK(verified->signing_time >= before - std::chrono::seconds(1));
  CHECK(verified->signing_time <= Now());
  CHECK(verified->not_before == f.now - hours(1));
  CHECK(verified->not_after == f.now + days(730));

  // An explicit signing time is carried in the signingTime attribute.
  const Instant at = f.now - std::chrono::minutes(5);
  Result<std::string> timed =
      SignDetached(kResult, f.pki.leader.private_key_pem, f.pki.leader.certificate_pem,
                   f.pki.intermediate.certificate_pem, at);
  REQUIRE(timed.ok());
  Result<VerifiedSignature> timed_verified = f.verifier.VerifyDetached(*timed, kResult);
  REQUIRE(timed_verified.ok());
  CHECK(timed_verified->signing_time == at);

  // Empty content can be signed too.
  CHECK(f.verifier.VerifyDetached(f.SignAsLeader(""), "").ok());
}

TEST_CASE("cms: fingerprint and serial match the openssl CLI's view of the certificate") {
  Fixture f;
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  WriteBytes(dir.File("leader.pem"), f.pki.leader.certificate_pem);
  REQUIRE(Run("openssl x509 -in " + Quote(dir.File("leader.pem")) + " -noout -serial > " +
              Quote(dir.File("serial.txt"))) == 0);
  REQUIRE(Run("openssl x509 -in " + Quote(dir.File("leader.pem")) + " -outform DER -out " +
              Quote(dir.File("leader.der"))) == 0);
  Result<VerifiedSignature> verified = f.verifier.VerifyDetached(f.SignAsLeader(kResult), kResult);
  REQUIRE(verified.ok());
  CHECK(verified->evidence.certificate_fingerprint == Sha256Hex(ReadBytes(dir.File("leader.der"))));
  std::string serial = ReadBytes(dir.File("serial.txt"));  // "serial=ABCD...\n"
  REQUIRE(serial.rfind("serial=", 0) == 0);
  serial = serial.substr(7, serial.find('\n') - 7);
  for (char& c : serial) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  CHECK(verified->evidence.serial == serial);
}

TEST_CASE("cms: changed content or signature bytes are a content_mismatch") {
  Fixture f;
  const std::string der = f.SignAsLeader(kResult);
  std::string flipped = kResult;
  flipped[3] = static_cast<char>(flipped[3] ^ 0x01);
  CheckRejected(f.verifier.VerifyDetached(der, flipped), ErrorReason::kContentMismatch);
  CheckRejected(f.verifier.VerifyDetached(der, kResult + " "), ErrorReason::kContentMismatch);
  CheckRejected(f.verifier.VerifyDetached(der, ""), ErrorReason::kContentMismatch);
  std::string bad_signature = der;  // the last bytes are the signature value
  bad_signature.back() = static_cast<char>(bad_signature.back() ^ 0x01);
  CheckRejected(f.verifier.VerifyDetached(bad_signature, kResult), ErrorReason::kContentMismatch);
  // A valid signature, but over other content.
  CheckRejected(f.verifier.VerifyDetached(f.SignAsLeader("other"), kResult),
                ErrorReason::kContentMismatch);
}

TEST_CASE("cms: a signer that does not chain to the trusted root is untrusted") {
  Fixture f;
  Result<CertifiedKey> other_root = IssueCertificate(
      {{{"CN", "Rogue Root CA"}}, f.now - hours(1), f.now + days(365), true, -1, "keyCertSign"});
  REQUIRE(other_root.ok());
  Result<CertifiedKey> rogue = IssueCertificate({{{"O", "demo agency"}, {"CN", "Demo Leader"}},
                                                 f.now - hours(1),
                                                 f.now + days(365),
                                                 false,
                                                 -1,
                                                 "digitalSignature"},
                                                &other_root.value());
  REQUIRE(rogue.ok());
  Result<std::string> with_root = SignDetached(kResult, rogue->private_key_pem,
                                               rogue->certificate_pem, other_root->certificate_pem);
  REQUIRE(with_root.ok());
  CheckRejected(f.verifier.VerifyDetached(*with_root, kResult), ErrorReason::kUntrustedCertificate);
  Result<std::string> alone =
      SignDetached(kResult, rogue->private_key_pem, rogue->certificate_pem, "");
  REQUIRE(alone.ok());
  CheckRejected(f.verifier.VerifyDetached(*alone, kResult), ErrorReason::kUntrustedCertificate);

  // The demo leader without its intermediate: the chain cannot be built.
  Result<std::string> no_chain =
      SignDetached(kResult, f.pki.leader.private_key_pem, f.pki.leader.certificate_pem, "");
  REQUIRE(no_chain.ok());
  CheckRejected(f.verifier.VerifyDetached(*no_chain, kResult), ErrorReason::kUntrustedCertificate);

  // ...which a store that also holds the intermediate accepts.
  OpenSslSignatureVerifier with_intermediate(
      TrustStore::FromPem(f.pki.root.certificate_pem + f.pki.intermediate.certificate_pem).value());
  CHECK(with_intermediate.VerifyDetached(*no_chain, kResult).ok());
  // A store trusting only the rogue root refuses the real leader.
  OpenSslSignatureVerifier rogue_only(TrustStore::FromPem(other_root->certificate_pem).value());
  CheckRejected(rogue_only.VerifyDetached(f.SignAsLeader(kResult), kResult),
                ErrorReason::kUntrustedCertificate);
}

TEST_CASE("cms: certificate validity is checked at the signingTime") {
  const Instant today = Now();
  Fixture f(today - days(60));  // CAs valid since 60 days ago
  const CertifiedKey expired = f.Issue(today - days(30), today - days(1), "digitalSignature");
  Result<std::string> now_signed =
      SignDetached(kResult, expired.private_key_pem, expired.certificate_pem,
                   f.pki.intermediate.certificate_pem);
  REQUIRE(now_signed.ok());
  CheckRejected(f.verifier.VerifyDetached(*now_signed, kResult),
                ErrorReason::kCertificateNotValidAtSigningTime);

  // Signed while the certificate was valid: still valid evidence today.
  Result<std::string> signed_in_time =
      SignDetached(kResult, expired.private_key_pem, expired.certificate_pem,
                   f.pki.intermediate.certificate_pem, today - days(10));
  REQUIRE(signed_in_time.ok());
  CHECK(f.verifier.VerifyDetached(*signed_in_time, kResult).ok());

  // A signing time before the certificate (or its CAs) existed.
  const CertifiedKey future = f.Issue(today + days(1), today + days(30), "digitalSignature");
  Result<std::string> early = SignDetached(kResult, future.private_key_pem, future.certificate_pem,
                                           f.pki.intermediate.certificate_pem);
  REQUIRE(early.ok());
  CheckRejected(f.verifier.VerifyDetached(*early, kResult),
                ErrorReason::kCertificateNotValidAtSigningTime);
  Result<std::string> leader_backdated =
      SignDetached(kResult, f.pki.leader.private_key_pem, f.pki.leader.certificate_pem,
                   f.pki.intermediate.certificate_pem, f.now - days(2));
  REQUIRE(leader_backdated.ok());
  CheckRejected(f.verifier.VerifyDetached(*leader_backdated, kResult),
                ErrorReason::kCertificateNotValidAtSigningTime);
}

TEST_CASE("cms: a chain that validated once is checked again at every other signing time") {
  // One verifier throughout, so that each verification after the first finds
  // the chain already validated (verified_chains.h). Its answer must still be
  // the one a full check gives at each signing time.
  const Instant today = Now();
  Fixture f(today - days(60));  // CAs valid since 60 days ago
  // A certificate older than its issuing CA, ending yesterday.
  const Instant not_before = today - days(90);
  const Instant not_after = today - days(1);
  const CertifiedKey signer = f.Issue(not_before, not_after, "digitalSignature");
  auto signed_at = [&](Instant at) {
    Result<std::string> der = SignDetached(kResult, signer.private_key_pem, signer.certificate_pem,
                                           f.pki.intermediate.certificate_pem, at);
    REQUIRE(der.ok());
    return *der;
  };
  REQUIRE(f.verifier.VerifyDetached(signed_at(today - days(10)), kResult).ok());
  CHECK(f.verifier.VerifyDetached(signed_at(today - days(20)), kResult).ok());

  // After the certificate ended, and at its very last second (OpenSSL
  // takes notAfter itself as expired).
  CheckRejected(f.verifier.VerifyDetached(signed_at(today), kResult),
                ErrorReason::kCertificateNotValidAtSigningTime);
  CheckRejected(f.verifier.VerifyDetached(signed_at(not_after), kResult),
                ErrorReason::kCertificateNotValidAtSigningTime);
  CHECK(f.verifier.VerifyDetached(signed_at(not_after - std::chrono::seconds(1)), kResult).ok());
  // The certificate was valid 70 days ago, but its issuing CA was not yet.
  CheckRejected(f.verifier.VerifyDetached(signed_at(today - days(70)), kResult),
                ErrorReason::kCertificateNotValidAtSigningTime);
  // The CA's first second (an hour before the demo PKI was made) is valid,
  // by a full check: the reused window starts a second later. The second
  // before it is not.
  const Instant ca_start = f.now - hours(1);
  CHECK(f.verifier.VerifyDetached(signed_at(ca_start), kResult).ok());
  CheckRejected(f.verifier.VerifyDetached(signed_at(ca_start - std::chrono::seconds(1)), kResult),
                ErrorReason::kCertificateNotValidAtSigningTime);
  // Nothing above changed what a valid signing time gives.
  CHECK(f.verifier.VerifyDetached(signed_at(today - days(10)), kResult).ok());
}

TEST_CASE("cms: a validated chain is not reused outside its CRL's validity") {
  Fixture f;
  const CertifiedKey kept = f.Issue(f.now - days(2), f.now + days(30), "digitalSignature");
  Result<std::string> crl =
      IssueCrl(f.pki.intermediate, {}, f.now - std::chrono::minutes(10), f.now + days(7));
  REQUIRE(crl.ok());
  Result<TrustStore> trust = TrustStore::FromPem(f.pki.root.certificate_pem, *crl);
  REQUIRE(trust.ok());
  OpenSslSignatureVerifier checking(std::move(trust).value());
  auto signed_at = [&](Instant at) {
    Result<std::string> der = SignDetached(kResult, kept.private_key_pem, kept.certificate_pem,
                                           f.pki.intermediate.certificate_pem, at);
    REQUIRE(der.ok());
    return *der;
  };
  REQUIRE(checking.VerifyDetached(signed_at(f.now), kResult).ok());
  // After the CRL's nextUpdate, revocation cannot be checked.
  CheckRejected(checking.VerifyDetached(signed_at(f.now + days(8)), kResult),
                ErrorReason::kRevocationUnknown);
  // Before the CRL was issued: a later CRL is accepted (it knows more).
  CHECK(checking.VerifyDetached(signed_at(f.now - std::chrono::minutes(30)), kResult).ok());
  CHECK(checking.VerifyDetached(signed_at(f.now + days(1)), kResult).ok());
}

TEST_CASE("cms: the signer's keyUsage must allow digitalSignature or nonRepudiation") {
  Fixture f;
  auto sign_with = [&](const CertifiedKey& signer) {
    Result<std::string> der = SignDetached(kResult, signer.private_key_pem, signer.certificate_pem,
                                           f.pki.intermediate.certificate_pem);
    REQUIRE(der.ok());
    return f.verifier.VerifyDetached(*der, kResult);
  };
  const Instant from = f.now - hours(1);
  const Instant to = f.now + days(30);
  CheckRejected(sign_with(f.Issue(from, to, "keyCertSign")), ErrorReason::kKeyUsage);
  CheckRejected(sign_with(f.Issue(from, to, "keyEncipherment,keyAgreement")),
                ErrorReason::kKeyUsage);
  CHECK(sign_with(f.Issue(from, to, "nonRepudiation")).ok());
  CHECK(sign_with(f.Issue(from, to, "digitalSignature")).ok());
  CHECK(sign_with(f.Issue(from, to, "")).ok());  // no keyUsage extension: unrestricted
}

// Regression (issue 14.14): a certificate with basicConstraints CA:TRUE was
// accepted as a leader's signing certificate. A CA signs certificates and
// CRLs; results are signed by end entities only.
TEST_CASE("cms: a CA certificate is refused as the signer of a result") {
  Fixture f;
  // A CA issued by the trusted root, with a UID and every signing key usage.
  Result<CertifiedKey> sneaky = IssueCertificate({{{"UID", "leader1"}, {"CN", "Sneaky CA"}},
                                                  f.now - hours(1),
                                                  f.now + days(30),
                                                  true,
                                                  -1,
                                                  "digitalSignature,nonRepudiation,keyCertSign"},
                                                 &f.pki.root);
  REQUIRE(sneaky.ok());
  Result<std::string> der =
      SignDetached(kResult, sneaky->private_key_pem, sneaky->certificate_pem, "");
  REQUIRE(der.ok());
  CheckRejected(f.verifier.VerifyDetached(*der, kResult), ErrorReason::kSignerIsCa);

  // The demo intermediate CA itself, with its chain: refused the same way.
  Result<std::string> by_intermediate = SignDetached(kResult, f.pki.intermediate.private_key_pem,
                                                     f.pki.intermediate.certificate_pem, "");
  REQUIRE(by_intermediate.ok());
  CheckRejected(f.verifier.VerifyDetached(*by_intermediate, kResult), ErrorReason::kSignerIsCa);
}

// Revocation: with CRLs configured, a revoked signer is refused, a signer
// whose issuer published no CRL cannot be checked, and others pass.
TEST_CASE("cms: a CRL from a file revokes a leader certificate") {
  Fixture f;
  const CertifiedKey revoked = f.Issue(f.now - hours(1), f.now + days(30), "digitalSignature");
  const CertifiedKey kept = f.Issue(f.now - hours(1), f.now + days(30), "digitalSignature");
  Result<std::string> crl =
      IssueCrl(f.pki.intermediate, {revoked.certificate_pem}, f.now - hours(1), f.now + days(7));
  REQUIRE(crl.ok());
  CHECK(crl->find("-----BEGIN X509 CRL-----") == 0);

  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  WriteBytes(dir.File("root.pem"), f.pki.root.certificate_pem);
  WriteBytes(dir.File("intermediate.crl"), *crl);
  Result<TrustStore> trust = TrustStore::Load(dir.File("root.pem"), {dir.File("intermediate.crl")});
  REQUIRE(trust.ok());
  CHECK(trust->crl_count() == 1);
  OpenSslSignatureVerifier checking(std::move(trust).value());

  auto sign_with = [&](const CertifiedKey& signer) {
    Result<std::string> der = SignDetached(kResult, signer.private_key_pem, signer.certificate_pem,
                                           f.pki.intermediate.certificate_pem);
    REQUIRE(der.ok());
    return *der;
  };
  const std::string by_revoked = sign_with(revoked);
  // Without CRLs the revoked certificate passes: revocation is only as good
  // as the CRLs configured.
  CHECK(f.verifier.VerifyDetached(by_revoked, kResult).ok());
  Result<VerifiedSignature> refused = checking.VerifyDetached(by_revoked, kResult);
  CheckRejected(refused, ErrorReason::kCertificateRevoked);
  CHECK(refused.error().message().find("revoked") != std::string::npos);
  CHECK(checking.VerifyDetached(sign_with(kept), kResult).ok());
  CHECK(checking.VerifyDetached(f.SignAsLeader(kResult), kResult).ok());

  // A signer under a CA with no CRL configured: its status is unknown.
  Result<CertifiedKey> other_ca = IssueCertificate({{{"CN", "Other Issuing CA"}},
                                                    f.now - hours(1),
                                                    f.now + days(30),
                                                    true,
                                                    0,
                                                    "keyCertSign,cRLSign"},
                                                   &f.pki.root);
  REQUIRE(other_ca.ok());
  Result<CertifiedKey> unchecked = IssueCertificate({{{"CN", "Unchecked Signer"}},
                                                     f.now - hours(1),
                                                     f.now + days(30),
                                                     false,
                                                     -1,
                                                     "digitalSignature"},
                                                    &other_ca.value());
  REQUIRE(unchecked.ok());
  Result<std::string> by_unchecked = SignDetached(
      kResult, unchecked->private_key_pem, unchecked->certificate_pem, other_ca->certificate_pem);
  REQUIRE(by_unchecked.ok());
  CheckRejected(checking.VerifyDetached(*by_unchecked, kResult), ErrorReason::kRevocationUnknown);

  // A CRL file that is not a CRL is refused at load time.
  WriteBytes(dir.File("bad.crl"), "not a CRL\n");
  Result<TrustStore> bad = TrustStore::Load(dir.File("root.pem"), {dir.File("bad.crl")});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code() == ErrorCode::kInvalidArgument);
  CHECK(TrustStore::Load(dir.File("root.pem"), {dir.File("missing.crl")}).error().code() ==
        ErrorCode::kNotFound);
}

TEST_CASE("cms: truncated, garbage, empty and padded DER are malformed_signature") {
  Fixture f;
  const std::string der = f.SignAsLeader(kResult);
  CheckRejected(f.verifier.VerifyDetached(der.substr(0, der.size() - 1), kResult),
                ErrorReason::kMalformedSignature);
  CheckRejected(f.verifier.VerifyDetached(der.substr(0, der.size() / 2), kResult),
                ErrorReason::kMalformedSignature);
  CheckRejected(f.verifier.VerifyDetached("this is not DER at all", kResult),
                ErrorReason::kMalformedSignature);
  CheckRejected(f.verifier.VerifyDetached(std::string(64, '\x30'), kResult),
                ErrorReason::kMalformedSignature);
  CheckRejected(f.verifier.VerifyDetached("", kResult), ErrorReason::kMalformedSignature);
  CheckRejected(f.verifier.VerifyDetached(der + std::string(1, '\0'), kResult),
                ErrorReason::kMalformedSignature);
  // A PEM certificate is not a signature either.
  CheckRejected(f.verifier.VerifyDetached(f.pki.leader.certificate_pem, kResult),
                ErrorReason::kMalformedSignature);
}

// Fails before the fix only where leaks are detected (tools/sanitize.sh asan,
// tools/fuzz.sh): CMS_verify leaked its copy of the content for each such
// signature.
TEST_CASE("cms: an unknown algorithm in digestAlgorithms is refused and leaks nothing") {
  Fixture f;
  std::string der = f.SignAsLeader(kResult);
  // The first SHA-256 OID is the SignedData's digestAlgorithms; the signer's
  // own digestAlgorithm (checked first, as weak_digest) stays SHA-256.
  const std::string sha256_oid = "\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01";
  const std::size_t at = der.find(sha256_oid);
  REQUIRE(at != std::string::npos);
  REQUIRE(der.find(sha256_oid, at + 1) != std::string::npos);
  der[at + sha256_oid.size() - 1] = '\x7f';  // 2.16.840.1.101.3.4.2.127: no such digest
  for (int i = 0; i < 3; ++i) {
    CheckRejected(f.verifier.VerifyDetached(der, kResult), ErrorReason::kContentMismatch);
  }
}

TEST_CASE(
    "cms: signatures made by the openssl CLI: missing signingTime, SHA-1, two signers, "
    "no certificates") {
  Fixture f;
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  WriteBytes(dir.File("result.bin"), kResult);
  WriteBytes(dir.File("leader.pem"), f.pki.leader.certificate_pem);
  WriteBytes(dir.File("leader.key"), f.pki.leader.private_key_pem);
  WriteBytes(dir.File("seal.pem"), f.pki.agency_seal.certificate_pem);
  WriteBytes(dir.File("seal.key"), f.pki.agency_seal.private_key_pem);
  WriteBytes(dir.File("chain.pem"), f.pki.intermediate.certificate_pem);
  auto cli_sign = [&](const std::string& options) {
    const std::string out = dir.File("cli.p7s");
    std::filesystem::remove(out);
    const std::string command = "openssl cms -sign -binary -outform DER -in " +
                                Quote(dir.File("result.bin")) + " -certfile " +
                                Quote(dir.File("chain.pem")) + " -out " + Quote(out) + " " +
                                options + " 2> " + Quote(dir.File("cli.err"));
    INFO(command);
    INFO(ReadBytes(dir.File("cli.err")));
    REQUIRE(Run(command) == 0);
    return f.verifier.VerifyDetached(ReadBytes(out), kResult);
  };
  const std::string leader =
      "-signer " + Quote(dir.File("leader.pem")) + " -inkey " + Quote(dir.File("leader.key"));
  const std::string seal =
      "-signer " + Quote(dir.File("seal.pem")) + " -inkey " + Quote(dir.File("seal.key"));

  CHECK(cli_sign(leader + " -md sha256").ok());  // the control: a CLI signature verifies
  CHECK(cli_sign(leader + " -md sha512").ok());
  CheckRejected(cli_sign(leader + " -noattr"), ErrorReason::kMalformedSignature);
  CheckRejected(cli_sign(leader + " -md sha1"), ErrorReason::kWeakDigest);
  CheckRejected(cli_sign(leader + " " + seal), ErrorReason::kMalformedSignature);
  CheckRejected(cli_sign(leader + " -nocerts"), ErrorReason::kMalformedSignature);
  CheckRejected(cli_sign(leader + " -nodetach"), ErrorReason::kMalformedSignature);
}

TEST_CASE("cms: openssl cms -verify accepts a SignDetached signature and refuses changed content") {
  REQUIRE(Run("openssl version > /dev/null") == 0);  // tools/install-deps.sh --tests installs it
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  REQUIRE(WriteDemoPki(dir.File("pki"), Now()).ok());
  const std::string pki = dir.File("pki");
  Result<std::string> der =
      SignDetached(kResult, ReadBytes(pki + "/leader.key"), ReadBytes(pki + "/leader.pem"),
                   ReadBytes(pki + "/chain.pem"));
  REQUIRE(der.ok());
  WriteBytes(dir.File("result.bin"), kResult);
  WriteBytes(dir.File("result.p7s"), *der);
  WriteBytes(dir.File("tampered.bin"), kResult + "!");
  auto verify = [&](const std::string& content) {
    const std::string command = "openssl cms -verify -binary -inform DER -in " +
                                Quote(dir.File("result.p7s")) + " -content " + Quote(content) +
                                " -CAfile " + Quote(pki + "/root-ca.pem") + " -purpose any";
    const int status =
        Run(command + " > " + Quote(dir.File("out.bin")) + " 2> " + Quote(dir.File("err.txt")));
    INFO(command);
    INFO(ReadBytes(dir.File("err.txt")));
    return status;
  };
  CHECK(verify(dir.File("result.bin")) == 0);
  CHECK(ReadBytes(dir.File("out.bin")) == kResult);
  const int tampered = verify(dir.File("tampered.bin"));
  CHECK(tampered != 0);
  CHECK(tampered != 127);  // the command ran
  CHECK(tampered != -1);
}

TEST_CASE("cms: concurrent verifications share one verifier") {
  Fixture f;
  const std::string good = f.SignAsLeader(kResult);
  std::atomic<int> accepted{0};
  std::atomic<int> rejected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const bool tamper = (t + i) % 2 == 1;
        Result<VerifiedSignature> r = f.verifier.VerifyDetached(good, tamper ? "x" : kResult);
        if (r.ok() && !tamper) ++accepted;
        if (!r.ok() && tamper && r.error().reason() == ErrorReason::kContentMismatch) ++rejected;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(accepted.load() == 100);
  CHECK(rejected.load() == 100);
}

TEST_CASE("trust store: loads a PEM file or a directory of them, and needs a certificate") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  REQUIRE(WriteDemoPki(dir.File("pki"), Now()).ok());
  Result<TrustStore> file = TrustStore::Load(dir.File("pki/root-ca.pem"));
  REQUIRE(file.ok());
  CHECK(file->size() == 1);
  Result<TrustStore> directory = TrustStore::Load(dir.File("pki"));  // *.pem only, keys skipped
  REQUIRE(directory.ok());
  CHECK(directory->size() == 5);

  WriteBytes(dir.File("empty.pem"), "no certificates here\n");
  Result<TrustStore> empty = TrustStore::Load(dir.File("empty.pem"));
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code() == ErrorCode::kInvalidArgument);
  CHECK(empty.error().message().find("no PEM certificate") != std::string::npos);
  // A key file holds no certificate either.
  CHECK(TrustStore::Load(dir.File("pki/root-ca.key")).error().code() ==
        ErrorCode::kInvalidArgument);
  std::filesystem::create_directory(dir.File("none"));
  CHECK(TrustStore::Load(dir.File("none")).error().code() == ErrorCode::kInvalidArgument);
  CHECK(TrustStore::Load(dir.File("missing.pem")).error().code() == ErrorCode::kNotFound);
  WriteBytes(dir.File("corrupt.pem"),
             "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");
  CHECK(TrustStore::Load(dir.File("corrupt.pem")).error().code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("sealer: refuses a key file readable by others, seals with a private one") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  const std::string pki = dir.File("pki");
  REQUIRE(WriteDemoPki(pki, Now()).ok());
  const std::string key = pki + "/agency-seal.key";
  const std::string cert = pki + "/agency-seal.pem";
  const std::string chain = pki + "/chain.pem";
  OpenSslSignatureVerifier verifier(TrustStore::Load(pki + "/root-ca.pem").value());

  REQUIRE(chmod(key.c_str(), 0644) == 0);
  Result<OpenSslResultSealer> open_key = OpenSslResultSealer::Load(key, cert, chain);
  REQUIRE_FALSE(open_key.ok());
  CHECK(open_key.error().code() == ErrorCode::kFailedPrecondition);
  CHECK(open_key.error().reason() == ErrorReason::kKeyFilePermissions);
  REQUIRE(chmod(key.c_str(), 0640) == 0);
  CHECK(OpenSslResultSealer::Load(key, cert, chain).error().reason() ==
        ErrorReason::kKeyFilePermissions);

  REQUIRE(chmod(key.c_str(), 0600) == 0);
  Result<OpenSslResultSealer> sealer = OpenSslResultSealer::Load(key, cert, chain);
  REQUIRE(sealer.ok());
  Result<SealedSignature> sealed = sealer->SealDetached(kResult);
  REQUIRE(sealed.ok());
  Result<VerifiedSignature> verified = verifier.VerifyDetached(sealed->der, kResult);
  REQUIRE(verified.ok());
  CHECK(verified->evidence.signer_subject == "O=demo agency");
  // The sealer's own account of the seal is what verifying it establishes.
  const VerifiedSignature& reported = sealed->verified;
  CHECK(reported.evidence.document_id == verified->evidence.document_id);
  CHECK(reported.evidence.certificate_fingerprint == verified->evidence.certificate_fingerprint);
  CHECK(reported.evidence.serial == verified->evidence.serial);
  CHECK(reported.evidence.signer_subject == verified->evidence.signer_subject);
  CHECK(reported.signing_time == verified->signing_time);
  CHECK(reported.subject_uid == verified->subject_uid);
  CHECK(reported.issuer_subject == verified->issuer_subject);
  CHECK(reported.not_before == verified->not_before);
  CHECK(reported.not_after == verified->not_after);

  // Through the port.
  ResultSealer& port = sealer.value();
  CHECK(verifier.VerifyDetached(port.SealDetached("x").value().der, "x").ok());

  // The wrong certificate for the key.
  CHECK(OpenSslResultSealer::Load(key, pki + "/leader.pem", chain).error().reason() ==
        ErrorReason::kKeyCertificateMismatch);
}

TEST_CASE("sealer: refuses to seal once its certificate has expired") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  const std::string pki = dir.File("pki");
  // Made three years ago: the agency seal certificate (two years) has expired.
  REQUIRE(WriteDemoPki(pki, Now() - std::chrono::hours(24 * 365 * 3)).ok());
  Result<OpenSslResultSealer> sealer = OpenSslResultSealer::Load(
      pki + "/agency-seal.key", pki + "/agency-seal.pem", pki + "/chain.pem");
  REQUIRE(sealer.ok());
  Result<SealedSignature> sealed = sealer->SealDetached(kResult);
  REQUIRE_FALSE(sealed.ok());
  CHECK(sealed.error().code() == ErrorCode::kFailedPrecondition);
  CHECK(sealed.error().reason() == ErrorReason::kSealCertificateNotValid);
  // The validity period is written as RFC 3339 instants in UTC.
  const std::string& message = sealed.error().message();
  const std::string from = "(valid from ";
  const std::size_t at = message.find(from);
  REQUIRE(at != std::string::npos);
  CHECK(ParseRfc3339DateTime(message.substr(at + from.size(), 20)).has_value());
  CHECK(message.substr(at + from.size() + 20, 4) == " to ");
}

TEST_CASE("sealer: a PKCS#12 bundle with a password") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  const std::string pki = dir.File("pki");
  REQUIRE(WriteDemoPki(pki, Now()).ok());
  const std::string p12 = dir.File("leader.p12");
  REQUIRE(Run("openssl pkcs12 -export -inkey " + Quote(pki + "/leader.key") + " -in " +
              Quote(pki + "/leader.pem") + " -certfile " + Quote(pki + "/chain.pem") +
              " -passout pass:s3cret -out " + Quote(p12)) == 0);
  REQUIRE(chmod(p12.c_str(), 0600) == 0);
  OpenSslSignatureVerifier verifier(TrustStore::Load(pki + "/root-ca.pem").value());

  Result<OpenSslResultSealer> sealer = OpenSslResultSealer::Load(p12, "", "", "s3cret");
  REQUIRE(sealer.ok());
  Result<VerifiedSignature> verified =
      verifier.VerifyDetached(sealer->SealDetached(kResult).value().der, kResult);
  REQUIRE(verified.ok());  // the chain came from the bundle
  CHECK(verified->evidence.signer_subject.find("CN=Demo Leader") != std::string::npos);

  Result<OpenSslResultSealer> wrong = OpenSslResultSealer::Load(p12, "", "", "guess");
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().reason() == ErrorReason::kBadKey);
}

TEST_CASE("pki demo: writes every file, keys 0600, never overwrites") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  const std::string pki = dir.File("pki");
  REQUIRE(WriteDemoPki(pki, Now()).ok());
  for (const char* name : {"root-ca", "intermediate-ca", "leader", "agency-seal"}) {
    struct stat info {};
    INFO(name);
    REQUIRE(stat((pki + "/" + name + ".key").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(ReadBytes(pki + "/" + name + ".key").find("-----BEGIN PRIVATE KEY-----") == 0);
    CHECK(ReadBytes(pki + "/" + name + ".pem").find("-----BEGIN CERTIFICATE-----") == 0);
  }
  CHECK(ReadBytes(pki + "/chain.pem") == ReadBytes(pki + "/intermediate-ca.pem"));
  const std::string leader_key = ReadBytes(pki + "/leader.key");
  Status again = WriteDemoPki(pki, Now());
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code() == ErrorCode::kFailedPrecondition);
  CHECK(ReadBytes(pki + "/leader.key") == leader_key);
}

}  // namespace
}  // namespace motcua
