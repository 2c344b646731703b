#include "engine/crypto/key_file.h"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>

#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {
namespace {

TEST_CASE("key_file: an owner-only file is read, group or other access is refused") {
  TempDirectory dir;
  const std::string file = dir.File("client.secret");
  std::ofstream(file) << "s3cret";
  struct Case {
    mode_t mode;
    bool readable_as_secret;
  };
  for (const Case& c : {Case{0600, true}, Case{0400, true}, Case{0640, false}, Case{0604, false},
                        Case{0620, false}, Case{0644, false}}) {
    CAPTURE(c.mode);
    REQUIRE(chmod(file.c_str(), c.mode) == 0);
    Result<std::string> secret = ReadKeyFile(file, true);
    CHECK(secret.ok() == c.readable_as_secret);
    if (!secret.ok()) {
      CHECK(secret.error().code() == ErrorCode::kFailedPrecondition);
      CHECK(secret.error().reason() == ErrorReason::kKeyFilePermissions);
      CHECK(secret.error().message().find("chmod 600") != std::string::npos);
    }
    if (c.mode & 0400) CHECK(ReadKeyFile(file, false).value() == "s3cret");
  }
}

TEST_CASE("key_file: a missing file and a directory are refused") {
  TempDirectory dir;
  CHECK(ReadKeyFile(dir.File("absent"), true).error().code() == ErrorCode::kNotFound);
  CHECK(ReadKeyFile(dir.path().string(), false).error().code() == ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace motcua
