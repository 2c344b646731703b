// Memory per connection (issue 14.6): 40 anonymous connections, each holding
// a 10 MiB body one byte short, took the server from 29 to 428 MiB. Now a
// body over 64 KiB is read only for a caller whose bearer token verified, and
// connections are capped in total and per client address (503 beyond).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/hostile/live_server.h"

namespace motcua {
namespace {

constexpr std::size_t kMaxBody = 10 * 1024 * 1024;

// The resident set of process `pid` in KiB, from /proc/PID/status.
long ResidentKib(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  FAIL("no VmRSS for " << pid);
  return 0;
}

// A connection to the server from local address `from` (any 127.x.y.z), with
// send and receive timeouts of `timeout`.
int ConnectFrom(const LiveServer& server, const char* from,
                std::chrono::seconds timeout = std::chrono::seconds(5)) {
  return server.Connect(timeout, from);
}

// Sends up to `bytes` of `text` (repeated as needed); false once a send fails.
bool SendBytes(int fd, const std::string& text, std::size_t bytes) {
  std::size_t sent = 0;
  while (sent < bytes) {
    const std::size_t chunk = std::min(text.size(), bytes - sent);
    const ssize_t n = send(fd, text.data(), chunk, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// The status of the response the server sent on `fd`, 0 if none arrived
// before the receive timeout or the connection ended.
int ReadStatus(int fd) {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n") == std::string::npos) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    head.append(buffer, static_cast<std::size_t>(n));
  }
  if (head.rfind("HTTP/1.1 ", 0) != 0 || head.size() < 12) return 0;
  return std::atoi(head.substr(9, 3).c_str());
}

// Whether the server has written to or closed `fd` (a refused connection
// gets its 503 at once); false while it waits for the client.
bool Answered(int fd) {
  char byte = 0;
  const ssize_t n = recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
}

std::string UploadHead(std::size_t content_length, const std::string& token = {}) {
  std::string head = "POST /v1/documents HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) head += "Authorization: Bearer " + token + "\r\n";
  return head +
         "Content-Type: application/pdf\r\nContent-Length: " + std::to_string(content_length) +
         "\r\n\r\n";
}

TEST_CASE("hostile connections: 40 anonymous 10 MiB bodies one byte short stay within 64 MiB") {
  LiveServer server;
  REQUIRE(server.Send("GET", "/healthz").status == 200);
  const long baseline = ResidentKib(server.pid());

  // Each connection declares 10 MiB, sends all but one byte, and holds on.
  std::vector<int> fds(40);
  std::vector<std::thread> senders;
  const std::string chunk(256 * 1024, 'x');
  for (int& fd : fds) {
    fd = ConnectFrom(server, "127.0.0.1", std::chrono::seconds(3));
    senders.emplace_back([fd, &chunk] {
      if (SendBytes(fd, UploadHead(kMaxBody), UploadHead(kMaxBody).size())) {
        SendBytes(fd, chunk, kMaxBody - 1);
      }
    });
  }
  for (std::thread& sender : senders) sender.join();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const long held = ResidentKib(server.pid());
  // Before the fix the server grew by about 400 MiB here. Under
  // AddressSanitizer (tools/sanitize.sh) freed memory sits in its quarantine
  // and every allocation carries redzones, so the bound is doubled there.
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kGrowthBoundKib = 128 * 1024;
#else
  constexpr long kGrowthBoundKib = 64 * 1024;
#endif
  CHECK_MESSAGE(held - baseline < kGrowthBoundKib,
                "resident set grew from " << baseline << " KiB to " << held << " KiB");
  CHECK(server.Alive());
  CHECK(server.Send("GET", "/healthz").status == 200);
  for (int fd : fds) close(fd);

  // The refusal comes as soon as the header is read: 413, naming why.
  const LiveReply refused = server.Exchange(UploadHead(kMaxBody));
  CHECK(refused.status == 413);
  CHECK(refused.Json().value("detail", "").find("authenticated caller") != std::string::npos);

  // A caller with a valid token may still upload a large document.
  const std::string citizen = server.Token("001090012345", "applicant");
  const std::string pdf = "%PDF-1.7\n" + std::string(1024 * 1024, 'p');
  CHECK(server.Send("POST", "/v1/documents", citizen, pdf, "application/pdf").status == 201);
}

TEST_CASE(
    "hostile connections: beyond the per-client and total caps get 503 while /healthz answers") {
  LiveServer server({"--max-connections-per-client", "16", "--max-connections", "40"});
  const std::string citizen = server.Token("001090012345", "applicant");
  const long baseline = ResidentKib(server.pid());

  // 50 connections from one address, authenticated, each declaring a 9 MiB
  // upload and sending 256 KiB of it.
  const std::string chunk(64 * 1024, 'y');
  std::vector<int> attacker;
  for (int i = 0; i < 50; ++i) {
    const int fd = ConnectFrom(server, "127.0.0.2");
    if (SendBytes(fd, UploadHead(9 * 1024 * 1024, citizen),
                  UploadHead(9 * 1024 * 1024, citizen).size())) {
      SendBytes(fd, chunk, 256 * 1024);
    }
    attacker.push_back(fd);
  }
  int refused = 0;
  int silent = 0;
  for (int fd : attacker) {
    timeval short_wait{0, 300'000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &short_wait, sizeof short_wait);
    const int status = ReadStatus(fd);
    if (status == 503) ++refused;
    if (status == 0) ++silent;  // admitted, still waiting for its body
  }
  CHECK(refused == 50 - 16);
  CHECK(silent == 16);

  // Another client is served while the attacker holds its 16.
  const auto start = std::chrono::steady_clock::now();
  CHECK(server.Send("GET", "/healthz").status == 200);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));

  // The total cap: 16 more from a second address and 8 from a third fill 40.
  std::vector<int> more;
  for (int i = 0; i < 24; ++i) {
    more.push_back(ConnectFrom(server, i < 16 ? "127.0.0.3" : "127.0.0.4"));
  }
  // The server accepts them asynchronously: ask until all 24 are counted.
  // The /healthz connection above holds its slot until the server sees the
  // client close it, so under load one of the 24 can arrive first and be
  // refused (CI saw it once). A refused one is replaced from a fourth
  // address; more than a couple of replacements would mean a wrong cap.
  int replaced = 0;
  LiveReply full = server.Send("GET", "/healthz");
  for (int attempt = 0; attempt < 100 && full.status == 200; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (int& fd : more) {
      if (!Answered(fd)) continue;
      close(fd);
      fd = ConnectFrom(server, "127.0.0.5");
      ++replaced;
    }
    full = server.Send("GET", "/healthz");
  }
  CHECK(replaced <= 2);
  CHECK(full.status == 503);
  CHECK(full.Json().value("type", "") == "https://motcua.example/problems/too_many_connections");
  CHECK(full.HasHeader("Retry-After: 1"));

  const long held = ResidentKib(server.pid());
  // Before the fix the server grew by about 400 MiB here. Under
  // AddressSanitizer (tools/sanitize.sh) freed memory sits in its quarantine
  // and every allocation carries redzones, so the bound is doubled there.
#if defined(__SANITIZE_ADDRESS__)
  constexpr long kGrowthBoundKib = 128 * 1024;
#else
  constexpr long kGrowthBoundKib = 64 * 1024;
#endif
  CHECK_MESSAGE(held - baseline < kGrowthBoundKib,
                "resident set grew from " << baseline << " KiB to " << held << " KiB");
  for (int fd : more) close(fd);
  for (int fd : attacker) close(fd);

  // Once they are gone, everyone is served again.
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 200; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    status = server.Send("GET", "/healthz").status;
  }
  CHECK(status == 200);
  CHECK(server.Alive());
}

}  // namespace
}  // namespace motcua
