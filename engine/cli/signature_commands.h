// signature_commands.h: `motcua pki demo` and `motcua sign`, digital
// signatures on result documents from the command line (detached CMS, DER).
#pragma once

#include <optional>
#include <string>

#include "engine/cli/command.h"
#include "engine/crypto/openssl_cms.h"

namespace motcua::cli {

// OpenSslResultSealer::Load, with the password (if any) read from a file
// whose trailing line break is ignored; the copy is wiped after use.
Result<OpenSslResultSealer> LoadSealerFiles(const std::string& key, const std::string& cert,
                                            const std::string& chain,
                                            const std::optional<std::string>& password_file);

Command PkiCommand();
Command SignCommand();

}  // namespace motcua::cli
