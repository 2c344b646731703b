#include "engine/cli/signature_commands.h"

#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "engine/cli/files.h"
#include "engine/cli/options.h"
#include "engine/cli/system_clock.h"
#include "engine/crypto/openssl_cms.h"
#include "engine/crypto/pki_demo.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/status_macros.h"

namespace motcua::cli {
namespace {

constexpr std::string_view kPkiUsage =
    "Usage: motcua pki demo --out DIR [--signers ID,ID...]\n"
    "\n"
    "Makes a throw-away certificate hierarchy for demos and tests (EC P-256):\n"
    "root-ca, intermediate-ca, leader (CN=Demo Leader, UID=leader1) and\n"
    "agency-seal (O=demo agency), each as NAME.pem and NAME.key, plus chain.pem\n"
    "(the intermediate). --signers adds a personal certificate for each user id\n"
    "(UID=ID, so it binds to that user) as signer-ID.pem and signer-ID.key:\n"
    "for the leaders of other agencies, who sign their branch's result. Keys are\n"
    "written with mode 0600. DIR is created if needed; existing files are never\n"
    "overwritten. NOT for production keys.\n"
    "\n"
    "Exit status: 0 done, 2 usage error, 3 the files cannot be written.\n";

constexpr std::string_view kSignUsage =
    "Usage: motcua sign --key KEY --cert CERT [--chain CHAIN] [--password-file F]\n"
    "                   --in FILE --out FILE.p7s\n"
    "\n"
    "Signs the bytes of --in with a detached CMS signature (DER, SHA-256, with\n"
    "a signingTime attribute) and writes it to --out. KEY is a PEM private key\n"
    "(PKCS#8, encrypted ones need --password-file) or a PKCS#12 bundle (then\n"
    "--cert may be empty: --cert=); it must not be accessible by group or others\n"
    "(chmod 600). CERT is the signer certificate and CHAIN its intermediates\n"
    "(PEM); both are included in the signature.\n"
    "\n"
    "Exit status: 0 done, 2 usage error, 3 a file cannot be read or written, or\n"
    "the key or certificate is refused.\n";

int RunPki(const std::vector<std::string>& args, CommandIo io) {
  Result<ParsedOptions> options = ParseOptions(args, {"out", "signers"});
  if (!options.ok()) {
    io.err << "motcua pki: " << options.error().message() << '\n';
    return kExitUsage;
  }
  if (options->positional != std::vector<std::string>{"demo"} || !options->Get("out")) {
    io.err << kPkiUsage;
    return kExitUsage;
  }
  const std::string dir = *options->Get("out");
  std::vector<std::string> signers;
  if (const std::optional<std::string> list = options->Get("signers")) {
    for (std::size_t start = 0;;) {
      const std::size_t comma = list->find(',', start);
      signers.push_back(list->substr(start, comma == std::string::npos ? comma : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  Status written = WriteDemoPki(dir, SystemClock().Now(), signers);
  if (!written.ok()) {
    io.err << "motcua pki: " << written.error().message() << '\n';
    // A signer id refused (MakeDemoPki) is the caller's mistake, not the disk's.
    return written.error().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }
  io.out << "demo PKI written to " << dir
         << ": root-ca, intermediate-ca, leader, agency-seal (.pem, .key), chain.pem";
  for (const std::string& id : signers) io.out << ", signer-" << id << " (.pem, .key)";
  io.out << '\n';
  io.err << "warning: demo keys only; never use them to sign real results\n";
  return kExitOk;
}

}  // namespace

Result<OpenSslResultSealer> LoadSealerFiles(const std::string& key, const std::string& cert,
                                            const std::string& chain,
                                            const std::optional<std::string>& password_file) {
  std::string password;
  if (password_file) {
    ASSIGN_OR_RETURN(std::string text, ReadWholeFile(*password_file));
    password = std::move(text);
    while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
      password.pop_back();
    }
  }
  Result<OpenSslResultSealer> sealer = OpenSslResultSealer::Load(key, cert, chain, password);
  password.assign(password.size(), '\0');
  return sealer;
}

namespace {

int RunSign(const std::vector<std::string>& args, CommandIo io) {
  Result<ParsedOptions> options =
      ParseOptions(args, {"key", "cert", "chain", "password-file", "in", "out"});
  if (!options.ok()) {
    io.err << "motcua sign: " << options.error().message() << '\n';
    return kExitUsage;
  }
  if (!options->positional.empty() || !options->Get("key") || !options->Get("cert") ||
      !options->Get("in") || !options->Get("out")) {
    io.err << kSignUsage;
    return kExitUsage;
  }
  Result<OpenSslResultSealer> sealer =
      LoadSealerFiles(*options->Get("key"), *options->Get("cert"),
                      options->Get("chain").value_or(""), options->Get("password-file"));
  if (!sealer.ok()) {
    io.err << "motcua sign: " << sealer.error().message() << '\n';
    return kExitFailure;
  }
  const std::string in = *options->Get("in");
  Result<std::string> content = ReadWholeFile(in);
  if (!content.ok()) {
    io.err << "motcua sign: " << content.error().message() << '\n';
    return kExitFailure;
  }
  Result<SealedSignature> sealed = sealer->SealDetached(*content);
  Result<std::string> signature = sealed.ok() ? Result<std::string>(std::move(sealed->der))
                                              : Result<std::string>(sealed.error());
  if (!signature.ok()) {
    io.err << "motcua sign: ";
    if (signature.error().reason() == ErrorReason::kSealCertificateNotValid) {
      io.err << "the signer certificate --cert " << *options->Get("cert") << ": ";
    }
    io.err << signature.error().message() << '\n';
    return kExitFailure;
  }
  const std::string out = *options->Get("out");
  std::ofstream file(out, std::ios::binary | std::ios::trunc);
  file.write(signature->data(), static_cast<std::streamsize>(signature->size()));
  file.close();
  if (!file) {
    io.err << "motcua sign: " << out << ": cannot write\n";
    return kExitFailure;
  }
  io.out << "signed " << in << " (sha256 " << Sha256Hex(*content) << "): " << out << '\n';
  return kExitOk;
}

}  // namespace

Command PkiCommand() {
  return {"pki", "make a demo certificate hierarchy for signing", kPkiUsage, &RunPki};
}

Command SignCommand() {
  return {"sign", "sign a result document (detached CMS)", kSignUsage, &RunSign};
}

}  // namespace motcua::cli
