#include "engine/crypto/key_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace motcua {

Result<std::string> ReadKeyFile(const std::string& path, bool owner_only) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int saved = errno;
    return Error(saved == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                 path + ": cannot open: " + std::strerror(saved));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { close(fd); }
  } closer{fd};
  struct stat info {};
  if (fstat(fd, &info) != 0) {
    return Error(ErrorCode::kUnavailable, path + ": cannot stat: " + std::strerror(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return Error(ErrorCode::kInvalidArgument, path + ": not a regular file");
  }
  if (owner_only && (info.st_mode & 077) != 0) {
    std::ostringstream message;
    message << path << ": holds a secret but has mode 0" << std::oct << (info.st_mode & 0777)
            << ", readable or writable by group or others; make it 0600 (chmod 600)";
    return Error(ErrorCode::kFailedPrecondition, message.str(), ErrorReason::kKeyFilePermissions);
  }
  std::string bytes;
  char buffer[8192];
  for (;;) {
    const ssize_t got = read(fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      OPENSSL_cleanse(bytes.data(), bytes.size());
      OPENSSL_cleanse(buffer, sizeof buffer);
      return Error(ErrorCode::kUnavailable, path + ": read failed: " + std::strerror(saved));
    }
    if (got == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(got));
  }
  OPENSSL_cleanse(buffer, sizeof buffer);
  return bytes;
}

}  // namespace motcua
