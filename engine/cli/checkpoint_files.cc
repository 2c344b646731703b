#include "engine/cli/checkpoint_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>
#include <utility>

#include "engine/cli/files.h"
#include "engine/crypto/checkpoint_key.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/thread_name.h"
#include "engine/service/checkpoint_publisher.h"
#include "engine/sqlite/audit_chain.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua::cli {
namespace {

// The publisher over one database connection and key, writing to the log
// file and the sync feed.
struct Publishing {
  std::unique_ptr<SqliteConnection> connection;
  std::unique_ptr<OpenSslCheckpointKey> key;
  std::unique_ptr<CheckpointPublisher> publisher;
};

Result<Publishing> OpenPublishing(const std::string& database_path, OpenSslCheckpointKey key,
                                  const std::string& log_path, const Clock& clock) {
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteConnection> connection,
                   SqliteConnection::Open(database_path, SQLITE_OPEN_READWRITE, 5000));
  Publishing publishing;
  publishing.connection = std::move(connection);
  publishing.key = std::make_unique<OpenSslCheckpointKey>(std::move(key));
  sqlite3* db = publishing.connection->handle();
  const OpenSslCheckpointKey* signer = publishing.key.get();
  CheckpointPublisher::Ports ports;
  ports.read_heads = [db] { return ReadChainHeads(db); };
  ports.sign = [signer](std::vector<ChainHead> heads, Instant at) {
    return SignCheckpoint(std::move(heads), at, *signer);
  };
  ports.sinks.push_back([log_path](const Checkpoint& checkpoint) {
    return AppendCheckpointLine(log_path, checkpoint);
  });
  ports.sinks.push_back(
      [db](const Checkpoint& checkpoint) { return AppendCheckpointToFeed(db, checkpoint); });
  publishing.publisher = std::make_unique<CheckpointPublisher>(std::move(ports), clock);
  return publishing;
}

}  // namespace

Status AppendCheckpointLine(const std::string& path, const Checkpoint& checkpoint) {
  const std::string line = CheckpointToJson(checkpoint).dump() + "\n";
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return Error(ErrorCode::kUnavailable, "cannot open " + path + " to append");
  std::size_t written = 0;
  while (written < line.size()) {
    const ssize_t n = write(fd, line.data() + written, line.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  const bool synced = written == line.size() && fsync(fd) == 0;
  close(fd);
  if (!synced) return Error(ErrorCode::kUnavailable, "cannot append a checkpoint to " + path);
  return {};
}

Result<Checkpoint> ReadLatestCheckpoint(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string::npos) {
    return Error(ErrorCode::kInvalidArgument, path + " holds no checkpoint",
                 ErrorReason::kInvalidCheckpoint);
  }
  std::size_t begin = text.rfind('\n', end);
  begin = begin == std::string::npos ? 0 : begin + 1;
  nlohmann::json json = nlohmann::json::parse(text.substr(begin, end + 1 - begin), nullptr, false);
  if (json.is_discarded() && begin != 0) {
    // Not a log: perhaps one pretty-printed object.
    json = nlohmann::json::parse(text, nullptr, false);
  }
  if (json.is_discarded()) {
    return Error(ErrorCode::kInvalidArgument, path + " is not JSON",
                 ErrorReason::kInvalidCheckpoint);
  }
  if (json.is_object() && !json.contains("heads")) {
    return Error(
        ErrorCode::kInvalidArgument,
        path + " lists no chain heads (a sync feed copy); use the server's " + kCheckpointLogName,
        ErrorReason::kInvalidCheckpoint);
  }
  return CheckpointFromJson(json);
}

struct CheckpointLoop::Impl {
  Publishing publishing;
  std::function<void(std::string_view)> log;
  std::chrono::seconds interval{600};
  std::mutex mutex;
  std::condition_variable wake;
  bool stopping = false;
  bool stopped = false;
  std::thread thread;

  void PublishAndLog() {
    Result<std::optional<Checkpoint>> published = publishing.publisher->PublishIfChanged();
    if (!published.ok()) {
      log("checkpoints: " + published.error().message());
    }
  }
};

CheckpointLoop::CheckpointLoop(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

CheckpointLoop::~CheckpointLoop() {
  Stop();
}

Result<std::unique_ptr<CheckpointLoop>> CheckpointLoop::Start(
    const Settings& settings, const Clock& clock, std::function<void(std::string_view)> log) {
  std::error_code error;
  std::filesystem::create_directories(settings.directory, error);
  if (error || !std::filesystem::is_directory(settings.directory)) {
    return Error(ErrorCode::kUnavailable,
                 "cannot create the checkpoint directory " + settings.directory);
  }
  const std::string key_path = settings.key_path.value_or(settings.directory + "/checkpoint.key");
  ASSIGN_OR_RETURN(OpenSslCheckpointKey key, settings.key_path
                                                 ? OpenSslCheckpointKey::Load(key_path)
                                                 : OpenSslCheckpointKey::LoadOrCreate(key_path));
  ASSIGN_OR_RETURN(Publishing publishing,
                   OpenPublishing(settings.database_path, std::move(key),
                                  settings.directory + "/" + kCheckpointLogName, clock));
  auto impl = std::make_unique<Impl>();
  impl->publishing = std::move(publishing);
  impl->log = std::move(log);
  impl->interval = settings.interval;
  impl->PublishAndLog();
  Impl* running = impl.get();
  impl->thread = std::thread([running] {
    NameThisThread("motcua-audit");
    std::unique_lock<std::mutex> lock(running->mutex);
    while (!running->stopping) {
      if (running->wake.wait_for(lock, running->interval,
                                 [running] { return running->stopping; })) {
        break;
      }
      lock.unlock();
      running->PublishAndLog();
      lock.lock();
    }
  });
  return std::unique_ptr<CheckpointLoop>(new CheckpointLoop(std::move(impl)));
}

void CheckpointLoop::Stop() {
  if (!impl_ || impl_->stopped) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->wake.notify_all();
  if (impl_->thread.joinable()) impl_->thread.join();
  impl_->PublishAndLog();
  impl_->stopped = true;
}

Result<Checkpoint> PublishCheckpointOnce(const std::string& database_path,
                                         const std::string& key_path, const std::string& log_path,
                                         const Clock& clock) {
  ASSIGN_OR_RETURN(OpenSslCheckpointKey key, OpenSslCheckpointKey::LoadOrCreate(key_path));
  ASSIGN_OR_RETURN(Publishing publishing,
                   OpenPublishing(database_path, std::move(key), log_path, clock));
  ASSIGN_OR_RETURN(std::optional<Checkpoint> published, publishing.publisher->PublishIfChanged());
  if (!published) return Error(ErrorCode::kInternal, "no checkpoint was published");
  return std::move(*published);
}

}  // namespace motcua::cli
