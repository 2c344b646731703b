// cms_fuzzer: detached CMS signatures (DER) as untrusted bytes, the way
// POST .../actions/sign_result and POST /v1/verify take them.
//
// Input: the DER of a CMS ContentInfo. It is verified with
// OpenSslSignatureVerifier against a fixed trust store (the demo root in
// cms_trust_root.pem, which signed the seeds of corpus/cms) over the fixed
// content the seeds sign, and over empty content. Rejections are expected;
// crashes, sanitizer reports and escaping exceptions are findings. The seeds
// verify, so mutations reach chain building, signingTime and certificate
// checks, not only the DER parser.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "engine/crypto/openssl_cms.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

// What the seeds of corpus/cms sign (motcua sign --in of this text).
constexpr std::string_view kSignedContent = "motcua fuzz result document\n";

const motcua::OpenSslSignatureVerifier& Verifier() {
  static const auto* verifier = [] {
    motcua::Result<motcua::TrustStore> trust =
        motcua::TrustStore::FromPem(motcua::fuzz::ReadSourceFile("tests/fuzz/cms_trust_root.pem"));
    if (!trust.ok()) motcua::fuzz::Die("trust store: " + trust.error().message());
    return new motcua::OpenSslSignatureVerifier(std::move(trust).value());
  }();
  return *verifier;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)Verifier();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view der(reinterpret_cast<const char*>(data), size);
  (void)Verifier().VerifyDetached(der, kSignedContent);
  (void)Verifier().VerifyDetached(der, {});
  return 0;
}
