// bench_signatures: signatures and verifications per second through the
// engine's signing path, next to `openssl speed ecdsap256` measured in the
// same run on the same machine.
//
// Engine figures, each for `seconds` on one thread, over a 20 KiB result:
//   seal     ResultSigning::Seal: a detached CMS signature by the demo agency
//            seal loaded like `motcua serve --seal-key` (EC P-256, SHA-256,
//            chain and signingTime included), then its full verification, as
//            the engine does before recording it;
//   sign     SignDetached from PEM text (what `motcua sign` and a leader's
//            client do: key and certificates parsed for each signature);
//   verify   ResultSigning::AcceptUploaded: base64 decoding, CMS parsing,
//            digest, signature, chain to the trusted root at signingTime,
//            keyUsage, and the certificate's binding to the user.
// The reference is the raw ECDSA P-256 sign and verify rate that
// `openssl speed -seconds S ecdsap256` prints (one thread). A CMS operation
// does more than one raw ECDSA operation (a verification checks the leaf's
// and the intermediate's signatures too), so the ratios say how much the
// envelope costs. Timings are printed, never asserted.
//
// Usage: bench_signatures [seconds per measurement, default 3]
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include "engine/crypto/base64.h"
#include "engine/crypto/openssl_cms.h"
#include "engine/crypto/pki_demo.h"
#include "engine/crypto/sha256.h"
#include "engine/service/result_signing.h"

namespace motcua {
namespace {

using SteadyClock = std::chrono::steady_clock;

Instant Now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// Runs `operation` repeatedly for `seconds`; operations per second. Stops
// the program if an operation fails (a benchmark of failures means nothing).
double Rate(double seconds, const std::function<bool()>& operation) {
  const auto start = SteadyClock::now();
  const auto stop = start + std::chrono::duration<double>(seconds);
  long count = 0;
  while (SteadyClock::now() < stop) {
    if (!operation()) {
      std::fprintf(stderr, "bench_signatures: an operation failed\n");
      std::exit(1);
    }
    ++count;
  }
  const double elapsed = std::chrono::duration<double>(SteadyClock::now() - start).count();
  return static_cast<double>(count) / elapsed;
}

struct OpensslSpeed {
  double sign_per_second = 0;
  double verify_per_second = 0;
};

// Parses the "256 bits ecdsa (nistp256) T T S V" line of `openssl speed`.
std::optional<OpensslSpeed> MeasureOpensslSpeed(double seconds) {
  const std::string command = "openssl speed -seconds " +
                              std::to_string(static_cast<int>(seconds)) + " ecdsap256 2>/dev/null";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), &pclose);
  if (!pipe) return std::nullopt;
  std::string output;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe.get())) output.append(buffer, n);
  const std::regex line(
      R"(256 bits ecdsa \(nistp256\)\s+[0-9.]+s\s+[0-9.]+s\s+([0-9.]+)\s+([0-9.]+))");
  std::smatch match;
  if (!std::regex_search(output, match, line)) return std::nullopt;
  return OpensslSpeed{std::stod(match[1]), std::stod(match[2])};
}

// The demo PKI written to a fresh temporary directory (removed at exit), so
// that the agency seal is loaded the way `motcua serve --seal-key` loads it.
std::string WriteTemporaryPki() {
  std::string pattern = (std::filesystem::temp_directory_path() / "motcua-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return {};
  if (!WriteDemoPki(pattern + "/pki", Now()).ok()) return {};
  return pattern;
}

int Main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  if (seconds <= 0) {
    std::fprintf(stderr, "usage: bench_signatures [seconds per measurement]\n");
    return 2;
  }
  const std::string dir = WriteTemporaryPki();
  if (dir.empty()) {
    std::fprintf(stderr, "bench_signatures: cannot write the demo PKI\n");
    return 1;
  }
  const std::string pki_dir = dir + "/pki/";
  Result<OpenSslResultSealer> loaded = OpenSslResultSealer::Load(
      pki_dir + "agency-seal.key", pki_dir + "agency-seal.pem", pki_dir + "chain.pem");
  Result<TrustStore> trust = TrustStore::Load(pki_dir + "root-ca.pem");
  auto read = [&](const std::string& name) {
    std::ifstream in(pki_dir + name, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  struct DemoLeader {
    std::string key, cert, chain;
  } pki{read("leader.key"), read("leader.pem"), read("chain.pem")};
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  if (!loaded.ok() || !trust.ok()) {
    std::fprintf(stderr, "bench_signatures: cannot load the demo PKI\n");
    return 1;
  }
  OpenSslResultSealer sealer = std::move(loaded).value();
  OpenSslSignatureVerifier verifier(std::move(trust).value());
  ResultSigning signing(
      SigningTools{&verifier, &sealer, &Base64Decode, &Sha256Hex, nullptr, SignatureWindow{}});
  const std::string result(20 * 1024, 'R');
  const Actor leader{"leader1", {"leader"}, "000.00.01.H26"};
  const nlohmann::json uploaded =
      Base64Encode(SignDetached(result, pki.key, pki.cert, pki.chain).value());

  std::printf("bench_signatures: %.1f s per measurement, one thread, 20 KiB result\n", seconds);
  const double seal = Rate(seconds, [&] { return signing.Seal(result).ok(); });
  const double sign =
      Rate(seconds, [&] { return SignDetached(result, pki.key, pki.cert, pki.chain).ok(); });
  const SigningMoment moment{
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
      std::nullopt};
  const double verify =
      Rate(seconds, [&] { return signing.AcceptUploaded(leader, uploaded, result, moment).ok(); });
  const std::optional<OpensslSpeed> reference = MeasureOpensslSpeed(seconds);

  std::printf("%-44s %12s\n", "operation", "per second");
  std::printf("%-44s %12.0f\n", "engine: sign (CMS, SignDetached)", sign);
  std::printf("%-44s %12.0f\n", "engine: verify (AcceptUploaded)", verify);
  std::printf("%-44s %12.0f\n", "engine: agency seal (ResultSigning::Seal)", seal);
  if (!reference) {
    std::printf("reference: `openssl speed ecdsap256` did not run (is openssl installed?)\n");
    return 0;
  }
  std::printf("%-44s %12.0f\n", "reference: openssl speed ecdsap256 sign",
              reference->sign_per_second);
  std::printf("%-44s %12.0f\n", "reference: openssl speed ecdsap256 verify",
              reference->verify_per_second);
  std::printf(
      "ratios: sign %.0f%% of raw ECDSA sign; verify %.0f%% of raw ECDSA verify; "
      "seal %.0f%% of raw sign\n",
      100.0 * sign / reference->sign_per_second, 100.0 * verify / reference->verify_per_second,
      100.0 * seal / reference->sign_per_second);
  return 0;
}

}  // namespace
}  // namespace motcua

int main(int argc, char** argv) {
  return motcua::Main(argc, argv);
}
