// checkpoint_files.h: where `motcua serve` keeps signed audit checkpoints
// (engine/domain/checkpoint.h), and the thread that publishes them.
//
// The checkpoint directory (serve --checkpoint-dir, default DB.checkpoints
// next to the database) holds:
//   checkpoints.jsonl      every checkpoint published, one JSON object per
//                          line, newest last; only ever appended to (O_APPEND,
//                          fsync). Auditors copy it off the machine, or read
//                          its last line: `motcua audit verify --checkpoint`.
//   checkpoint.key(.pub)   the signing key, made (Ed25519) at first start
//                          unless serve --checkpoint-key names one, and its
//                          public key in PEM for `audit verify --key`.
// Each checkpoint is also copied, without its heads, onto the sync feed
// (topic "audit.checkpoint"), which the webhook pushes off the machine.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>

#include "engine/domain/checkpoint.h"
#include "engine/domain/clock.h"
#include "engine/domain/status.h"

namespace motcua::cli {

inline constexpr const char* kCheckpointLogName = "checkpoints.jsonl";

// Appends `checkpoint` as one line to `path` (created 0644 if absent) and
// syncs it to disk.
Status AppendCheckpointLine(const std::string& path, const Checkpoint& checkpoint);

// The last checkpoint in `path`: a checkpoints.jsonl log or a file holding
// one checkpoint object. kInvalidArgument for text that is not one.
Result<Checkpoint> ReadLatestCheckpoint(const std::string& path);

// Publishes a checkpoint of `database_path`'s chain heads every `interval`,
// when they changed, and once more when stopped (so a clean shutdown leaves
// the final heads on record). Each failure is passed to `log` as one line
// and tried again at the next period.
class CheckpointLoop {
 public:
  struct Settings {
    std::string database_path;
    std::string directory;                // created if absent
    std::optional<std::string> key_path;  // default: directory + "/checkpoint.key"
    std::chrono::seconds interval{600};
  };
  // Loads (or creates) the key and the directory, publishes a first
  // checkpoint and starts the thread. kInvalidArgument/kUnavailable naming
  // the key or directory that cannot be used.
  static Result<std::unique_ptr<CheckpointLoop>> Start(const Settings& settings, const Clock& clock,
                                                       std::function<void(std::string_view)> log);
  ~CheckpointLoop();
  CheckpointLoop(const CheckpointLoop&) = delete;
  CheckpointLoop& operator=(const CheckpointLoop&) = delete;

  // Stops the thread after a last checkpoint. Idempotent.
  void Stop();

 private:
  struct Impl;
  explicit CheckpointLoop(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Publishes one checkpoint of `database_path` signed with the key at
// `key_path` (made, Ed25519, if absent) to `log_path` and the sync feed; for
// `motcua audit checkpoint`.
Result<Checkpoint> PublishCheckpointOnce(const std::string& database_path,
                                         const std::string& key_path, const std::string& log_path,
                                         const Clock& clock);

}  // namespace motcua::cli
