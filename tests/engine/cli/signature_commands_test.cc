#include "engine/cli/signature_commands.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "engine/crypto/openssl_cms.h"
#include "engine/crypto/pki_demo.h"
#include "engine/crypto/sha256.h"
#include "tests/engine/cli/run_cli.h"
#include "tests/engine/sqlite/temp_directory.h"

namespace motcua::cli {
namespace {

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST_CASE("pki demo and sign: the signature verifies against the demo root") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  const std::string pki = dir.File("pki");
  CliRun made = Cli({"pki", "demo", "--out", pki});
  INFO(made.err);
  REQUIRE(made.status == kExitOk);
  struct stat info {};
  REQUIRE(stat((pki + "/leader.key").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  const std::string result = dir.File("result.pdf");
  std::ofstream(result, std::ios::binary) << "%PDF-1.7 giay phep\n";
  const std::string sig = dir.File("result.pdf.p7s");
  CliRun signed_run = Cli({"sign", "--key", pki + "/leader.key", "--cert", pki + "/leader.pem",
                           "--chain", pki + "/chain.pem", "--in", result, "--out", sig});
  INFO(signed_run.err);
  REQUIRE(signed_run.status == kExitOk);
  CHECK(signed_run.out.find(Sha256Hex(ReadBytes(result))) != std::string::npos);

  OpenSslSignatureVerifier verifier(TrustStore::Load(pki + "/root-ca.pem").value());
  Result<VerifiedSignature> verified = verifier.VerifyDetached(ReadBytes(sig), ReadBytes(result));
  REQUIRE(verified.ok());
  CHECK(verified->evidence.document_id == Sha256Hex(ReadBytes(result)));
  CHECK(verified->evidence.signer_subject.find("CN=Demo Leader") != std::string::npos);
  CHECK(verifier.VerifyDetached(ReadBytes(sig), "%PDF-1.7 giay phep?\n").error().reason() ==
        ErrorReason::kContentMismatch);

  // The demo never overwrites keys.
  CHECK(Cli({"pki", "demo", "--out", pki}).status == kExitFailure);
}

TEST_CASE("pki demo --signers: a certificate per user id, bound to that id") {
  TempDirectory dir;
  const std::string pki = dir.File("pki");
  CliRun made = Cli({"pki", "demo", "--out", pki, "--signers", "police-lead-1,bhxh.lead_2"});
  INFO(made.err);
  REQUIRE(made.status == kExitOk);
  CHECK(made.out.find("signer-police-lead-1") != std::string::npos);
  struct stat info {};
  REQUIRE(stat((pki + "/signer-bhxh.lead_2.key").c_str(), &info) == 0);
  CHECK((info.st_mode & 0777) == 0600);

  const std::string result = dir.File("notice.pdf");
  std::ofstream(result, std::ios::binary) << "%PDF-1.7 thong bao\n";
  const std::string sig = dir.File("notice.pdf.p7s");
  REQUIRE(Cli({"sign", "--key", pki + "/signer-police-lead-1.key", "--cert",
               pki + "/signer-police-lead-1.pem", "--chain", pki + "/chain.pem", "--in", result,
               "--out", sig})
              .status == kExitOk);
  OpenSslSignatureVerifier verifier(TrustStore::Load(pki + "/root-ca.pem").value());
  Result<VerifiedSignature> verified = verifier.VerifyDetached(ReadBytes(sig), ReadBytes(result));
  REQUIRE(verified.ok());
  CHECK(verified->subject_uid == "police-lead-1");

  // Ids that are no safe file name, empty, or repeat the leader's or each
  // other, are refused before anything is written.
  int n = 0;
  for (const char* bad : {"../x", "a b", ".hidden", "", "leader1", "ok"}) {
    CAPTURE(bad);
    const std::string other = dir.File("other-" + std::to_string(n++));
    CHECK(Cli({"pki", "demo", "--out", other, "--signers", std::string("ok,") + bad}).status !=
          kExitOk);
    CHECK(stat((other + "/root-ca.pem").c_str(), &info) != 0);
  }
}

TEST_CASE("sign: refuses a key others can read, and usage errors") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  const std::string pki = dir.File("pki");
  REQUIRE(Cli({"pki", "demo", "--out", pki}).status == kExitOk);
  const std::string result = dir.File("result.txt");
  std::ofstream(result) << "ket qua\n";
  const std::string key = pki + "/agency-seal.key";
  REQUIRE(chmod(key.c_str(), 0644) == 0);
  CliRun open_key = Cli({"sign", "--key", key, "--cert", pki + "/agency-seal.pem", "--in", result,
                         "--out", dir.File("out.p7s")});
  CHECK(open_key.status == kExitFailure);
  CHECK(open_key.err.find("0644") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.File("out.p7s")));

  CHECK(Cli({"sign", "--key", key, "--in", result, "--out", dir.File("out.p7s")}).status ==
        kExitUsage);
  CHECK(Cli({"sign", "--bogus", "x"}).status == kExitUsage);
  CHECK(Cli({"pki"}).status == kExitUsage);
  CHECK(Cli({"pki", "real", "--out", dir.File("x")}).status == kExitUsage);
  REQUIRE(chmod(key.c_str(), 0600) == 0);
  CHECK(Cli({"sign", "--key", key, "--cert", pki + "/agency-seal.pem", "--in",
             dir.File("missing.txt"), "--out", dir.File("out.p7s")})
            .status == kExitFailure);
}

// Regression (issue 14.16): signing with an expired leader certificate said
// "the seal certificate is not valid now".
TEST_CASE("sign: an expired leader certificate is named as the signer's, not the seal's") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  const std::string pki = dir.File("pki");
  // Made three years ago: the leader certificate (two years) has expired.
  REQUIRE(WriteDemoPki(pki, std::chrono::time_point_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now()) -
                                std::chrono::hours(24 * 365 * 3))
              .ok());
  const std::string result = dir.File("result.txt");
  std::ofstream(result) << "ket qua\n";
  CliRun expired = Cli({"sign", "--key", pki + "/leader.key", "--cert", pki + "/leader.pem",
                        "--chain", pki + "/chain.pem", "--in", result, "--out", dir.File("o.p7s")});
  CHECK(expired.status == kExitFailure);
  INFO(expired.err);
  CHECK(expired.err.find("seal") == std::string::npos);
  CHECK(expired.err.find("signer certificate") != std::string::npos);
  CHECK(expired.err.find("leader.pem") != std::string::npos);
  CHECK(expired.err.find("CN=Demo Leader") != std::string::npos);
  CHECK(expired.err.find("has expired") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(dir.File("o.p7s")));
}

}  // namespace
}  // namespace motcua::cli

namespace motcua::cli {
namespace {

// `motcua serve` with an agency seal refuses to start on unsafe or unusable
// signing material, before it listens.
TEST_CASE("serve: the agency seal must be private, go with --trust, and verify against it") {
  TempDirectory dir;
  REQUIRE(!dir.path().empty());
  REQUIRE(Cli({"pki", "demo", "--out", dir.File("pki")}).status == 0);
  REQUIRE(Cli({"pki", "demo", "--out", dir.File("other")}).status == 0);
  const std::string pki = dir.File("pki") + "/";
  const std::string workflows = std::string(MOTCUA_SOURCE_DIR) + "/workflows";
  auto serve = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"serve",
                                     "--db",
                                     dir.File("motcua.db"),
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--workflows",
                                     workflows,
                                     "--seal-key",
                                     pki + "agency-seal.key",
                                     "--seal-cert",
                                     pki + "agency-seal.pem",
                                     "--seal-chain",
                                     pki + "chain.pem"};
    args.insert(args.end(), extra.begin(), extra.end());
    return Cli(args);
  };

  CliRun no_trust = serve({});
  CHECK(no_trust.status != 0);
  CHECK(no_trust.err.find("--seal-key needs --trust") != std::string::npos);

  CliRun other_root = serve({"--trust", dir.File("other") + "/root-ca.pem"});
  CHECK(other_root.status != 0);
  CHECK(other_root.err.find("does not verify against --trust") != std::string::npos);
  CHECK(other_root.out.find("listening") == std::string::npos);

  REQUIRE(chmod((pki + "agency-seal.key").c_str(), 0644) == 0);
  CliRun readable = serve({"--trust", pki + "root-ca.pem"});
  CHECK(readable.status != 0);
  CHECK(readable.err.find("--seal-key") != std::string::npos);
  CHECK(readable.err.find("readable") != std::string::npos);
  CHECK(readable.out.find("listening") == std::string::npos);
}

}  // namespace
}  // namespace motcua::cli
