// live_server.h: the real `motcua serve` binary for hostile-client tests.
//
// Each LiveServer starts MOTCUA_BINARY on a fresh SQLite file in a temporary
// directory (or, restarting, on an earlier server's), on 127.0.0.1 with port
// 0 and the bundled workflows, reads the port and the first-start admin
// token, and stops the child with SIGTERM when destroyed (SIGKILL if it has
// not exited within 10 s). Requests go over plain sockets, one connection
// each, so a test sees exactly what an attacker on the network would see.
// Every socket operation has a timeout: a hung server fails the test instead
// of hanging it.
//
// Example:
//   LiveServer server;
//   LiveReply reply = server.Send("GET", "/v1/dossiers", server.admin_token());
//   CHECK(reply.status == 200);
#pragma once

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "tests/engine/sqlite/temp_directory.h"

namespace motcua {

// One HTTP response as read off the socket; status 0 when the server closed
// the connection without answering (or the read timed out).
struct LiveReply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;

  // The body parsed as JSON; discarded (null) when it is not JSON.
  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  bool HasHeader(const std::string& line_fragment) const {
    return head.find(line_fragment) != std::string::npos;
  }
};

class LiveServer {
 public:
  // Starts the server with the default flags plus `extra_args`.
  explicit LiveServer(std::vector<std::string> extra_args = {}) {
    Start(std::move(extra_args), dir_.File("motcua.db"), {});
  }

  // Starts a second server on the database of an earlier one, which has
  // stopped (its directory must still exist), with that one's admin token.
  LiveServer(std::vector<std::string> extra_args, const LiveServer& earlier) {
    Start(std::move(extra_args), earlier.db(), earlier.admin_token());
  }

  // Starts a server on the database `db` (a file path or a postgresql://
  // URI) that other servers may be using; `admin_token` empty when this one
  // is the first on it (it then writes the first admin's token).
  LiveServer(std::vector<std::string> extra_args, const std::string& db,
             const std::string& admin_token) {
    Start(std::move(extra_args), db, admin_token);
  }

  ~LiveServer() { Stop(); }

 private:
  // `admin_token` empty: a fresh database, whose first start writes one.
  void Start(std::vector<std::string> extra_args, const std::string& db,
             const std::string& admin_token) {
    db_ = db;
    admin_token_ = admin_token;
    const std::string token_file = dir_.File("admin-token");
    int out[2];
    REQUIRE(pipe(out) == 0);
    const std::string workflows = std::string(MOTCUA_SOURCE_DIR) + "/workflows";
    std::vector<std::string> args = {MOTCUA_BINARY,        "serve",       "--db",        db_,
                                     "--listen",           "127.0.0.1:0", "--workflows", workflows,
                                     "--admin-token-file", token_file};
    for (std::string& arg : extra_args) args.push_back(std::move(arg));
    child_ = fork();
    REQUIRE(child_ >= 0);
    if (child_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      const int log = open(dir_.File("stderr.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (log >= 0) dup2(log, STDERR_FILENO);
      close(out[0]);
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(MOTCUA_BINARY, argv.data());
      _exit(127);
    }
    close(out[1]);
    stdout_ = fdopen(out[0], "r");
    REQUIRE(stdout_ != nullptr);
    char line[512];
    while (port_ == 0 && std::fgets(line, sizeof line, stdout_) != nullptr) {
      const std::string text = line;
      const std::size_t at = text.find("listening on http://127.0.0.1:");
      if (at != std::string::npos) port_ = std::stoi(text.substr(at + 30));
    }
    REQUIRE_MESSAGE(port_ > 0, "the server did not start; see " << dir_.File("stderr.log"));
    if (admin_token_.empty()) std::ifstream(token_file) >> admin_token_;
    REQUIRE(!admin_token_.empty());
  }

 public:
  // Stops the server as an operator would (SIGTERM; SIGKILL after 10 s) and
  // waits for it to exit. Idempotent.
  void Stop() {
    if (child_ > 0) {
      kill(child_, SIGTERM);
      int status = 0;
      for (int i = 0; i < 1000 && waitpid(child_, &status, WNOHANG) == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (waitpid(child_, &status, WNOHANG) == 0) {
        kill(child_, SIGKILL);
        waitpid(child_, &status, 0);
      }
      child_ = -1;
    }
    if (stdout_ != nullptr) std::fclose(stdout_);
    stdout_ = nullptr;
  }
  LiveServer(const LiveServer&) = delete;
  LiveServer& operator=(const LiveServer&) = delete;

  int port() const { return port_; }
  // The server process, e.g. to read /proc/PID/status.
  pid_t pid() const { return child_; }
  const std::string& db() const { return db_; }
  const std::string& admin_token() const { return admin_token_; }
  const TempDirectory& dir() const { return dir_; }
  // True while the child has not exited (a crash makes this false).
  bool Alive() const { return child_ > 0 && waitpid(child_, nullptr, WNOHANG) == 0; }

  // A connected socket with send and receive timeouts of `timeout`, from
  // local address `from` (any 127.x.y.z) when given.
  int Connect(std::chrono::seconds timeout = std::chrono::seconds(10),
              const char* from = nullptr) const {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    timeval limit{};
    limit.tv_sec = static_cast<time_t>(timeout.count());
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (from != nullptr) {
      sockaddr_in local{};
      local.sin_family = AF_INET;
      REQUIRE(inet_pton(AF_INET, from, &local.sin_addr) == 1);
      REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    return fd;
  }

  // Writes `raw` on a fresh connection and reads until the server closes it.
  LiveReply Exchange(const std::string& raw,
                     std::chrono::seconds timeout = std::chrono::seconds(10)) const {
    const int fd = Connect(timeout);
    std::size_t sent = 0;
    while (sent < raw.size()) {
      const ssize_t n = send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<std::size_t>(n);
    }
    std::string response;
    std::array<char, 65536> buffer{};
    for (ssize_t n; (n = read(fd, buffer.data(), buffer.size())) > 0;) {
      response.append(buffer.data(), static_cast<std::size_t>(n));
    }
    close(fd);
    return Parse(response);
  }

  // METHOD PATH with an optional bearer token and body (Connection: close).
  LiveReply Send(const std::string& method, const std::string& path, const std::string& token = {},
                 const std::string& body = {}, const std::string& content_type = "application/json",
                 const std::string& extra_headers = {}) const {
    std::string raw = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!token.empty()) raw += "Authorization: Bearer " + token + "\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") {
      raw += "Content-Type: " + content_type + "\r\n";
      raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    raw += extra_headers + "\r\n" + body;
    return Exchange(raw);
  }

  // Runs `motcua ARGS...` (for example "audit verify --db ...") and returns
  // its standard output (with standard error when `with_stderr`), trimmed.
  std::string RunCli(const std::string& args, bool with_stderr = true) const {
    const std::string command =
        std::string(MOTCUA_BINARY) + " " + args + (with_stderr ? " 2>&1" : " 2>/dev/null");
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    REQUIRE(pipe != nullptr);
    std::string output;
    std::array<char, 4096> buffer{};
    for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0;) {
      output.append(buffer.data(), n);
    }
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    return output;
  }

  // Runs `motcua ARGS...` and returns its exit status; `output` gets its
  // standard output and error.
  int RunCliStatus(const std::string& args, std::string& output) const {
    const std::string command = std::string(MOTCUA_BINARY) + " " + args + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    output.clear();
    std::array<char, 4096> buffer{};
    for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) {
      output.append(buffer.data(), n);
    }
    const int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // A bearer token for a new user made with `motcua token create`;
  // `agency` empty for users of no agency (applicants).
  std::string Token(const std::string& user, const std::string& roles,
                    const std::string& agency = {}) const {
    std::string args = "token create --db " + db_ + " --user " + user + " --roles " + roles;
    if (!agency.empty()) args += " --agency " + agency;
    const std::string token = RunCli(args, /*with_stderr=*/false);
    REQUIRE_MESSAGE(token.find(' ') == std::string::npos, token);
    return token;
  }

 private:
  static LiveReply Parse(const std::string& response) {
    LiveReply reply;
    if (response.size() > 12 && response.rfind("HTTP/1.1 ", 0) == 0) {
      reply.status = std::atoi(response.substr(9, 3).c_str());
    }
    const std::size_t at = response.find("\r\n\r\n");
    reply.head = response.substr(0, at);
    if (at != std::string::npos) reply.body = response.substr(at + 4);
    if (reply.head.find("Transfer-Encoding: chunked") != std::string::npos) {
      reply.body = Dechunk(reply.body);
    }
    return reply;
  }

  static std::string Dechunk(const std::string& chunked) {
    std::string out;
    std::size_t at = 0;
    while (at < chunked.size()) {
      const std::size_t line_end = chunked.find("\r\n", at);
      if (line_end == std::string::npos) break;
      const std::size_t size = std::stoul(chunked.substr(at, line_end - at), nullptr, 16);
      if (size == 0) break;
      out += chunked.substr(line_end + 2, size);
      at = line_end + 2 + size + 2;
    }
    return out;
  }

  TempDirectory dir_;
  std::string db_;
  std::string admin_token_;
  pid_t child_ = -1;
  int port_ = 0;
  FILE* stdout_ = nullptr;
};

// The codes in `token`'s queue for `role` (GET /v1/queue), first page.
inline std::vector<std::string> QueueCodes(const LiveServer& server, const std::string& token,
                                           const std::string& role) {
  const LiveReply queue = server.Send("GET", "/v1/queue?role=" + role, token);
  REQUIRE_MESSAGE(queue.status == 200, queue.body);
  std::vector<std::string> codes;
  const nlohmann::json page = queue.Json();
  for (const nlohmann::json& item : page.at("items")) {
    codes.push_back(item.at("code").get<std::string>());
  }
  return codes;
}

}  // namespace motcua
