// key_file.h: reading key, certificate and secret files, refusing a secret
// that others could read.
//
// ReadKeyFile returns the bytes of the file at `path`. With `owner_only`
// (private keys, client secrets, passwords) it refuses, with
// kFailedPrecondition and reason "key_file_permissions", a file that group
// or others may read or write, naming its mode and the fix (chmod 600). The
// mode is checked on the opened descriptor, so the file cannot be swapped
// between the check and the read. Other errors: kNotFound (no such file),
// kInvalidArgument (not a regular file), kUnavailable (cannot be read); each
// message starts with the path. The read buffer is wiped afterwards.
//
// Thread safety: a pure function of the file system.
//
// Example:
//   Result<std::string> secret = ReadKeyFile(provider.client_secret_file, true);
#pragma once

#include <string>

#include "engine/domain/status.h"

namespace motcua {

Result<std::string> ReadKeyFile(const std::string& path, bool owner_only);

}  // namespace motcua
