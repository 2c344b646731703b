// The webhook push end to end on 127.0.0.1: the real HTTP client and pusher
// against a plain-socket receiver that fails some deliveries on purpose.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "api/webhook_client.h"
#include "engine/service/feed_pusher.h"
#include "tests/fakes/memory_store.h"

namespace motcua {
namespace {

using namespace std::chrono_literals;

enum class Reply { kOk, kServerError, kDrop };

// A one-connection-at-a-time HTTP receiver. `decide` picks the reply to the
// n-th request (from 1) carrying entry `id`. Records every entry id it read
// and the ones it acknowledged.
class Receiver {
 public:
  explicit Receiver(std::function<Reply(int n, std::int64_t id)> decide)
      : decide_(std::move(decide)) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listener_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    REQUIRE(bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(listen(listener_, 8) == 0);
    socklen_t length = sizeof address;
    REQUIRE(getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~Receiver() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }

  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<std::int64_t> Received() const {
    std::lock_guard lock(mutex_);
    return received_;
  }
  std::vector<std::int64_t> Acknowledged() const {
    std::lock_guard lock(mutex_);
    return acknowledged_;
  }
  int Malformed() const { return malformed_.load(); }

 private:
  void Serve() {
    while (!stop_) {
      pollfd ready{listener_, POLLIN, 0};
      if (poll(&ready, 1, 20) <= 0) continue;
      const int connection = accept(listener_, nullptr, nullptr);
      if (connection < 0) continue;
      timeval timeout{2, 0};
      setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      Handle(connection);
      close(connection);
    }
  }

  void Handle(int connection) {
    std::string data;
    char buffer[4096];
    std::size_t header_end = std::string::npos;
    std::size_t content_length = 0;
    for (;;) {
      if (header_end != std::string::npos && data.size() >= header_end + 4 + content_length) break;
      const ssize_t n = recv(connection, buffer, sizeof buffer, 0);
      if (n <= 0) {
        ++malformed_;
        return;
      }
      data.append(buffer, static_cast<std::size_t>(n));
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          content_length = std::stoul(HeaderValue(data.substr(0, header_end), "content-length"));
        }
      }
    }
    const std::string headers = data.substr(0, header_end);
    const std::int64_t id = std::stoll(HeaderValue(headers, "x-motcua-entry-id"));
    const nlohmann::json body = nlohmann::json::parse(data.substr(header_end + 4), nullptr, false);
    if (headers.rfind("POST /hook HTTP/1.1\r\n", 0) != 0 || !body.is_object() ||
        body.value("id", std::int64_t{-1}) != id || !body.contains("payload") ||
        !body.contains("created_at") || body.value("topic", "") != "dossier.status") {
      ++malformed_;
    }
    Reply reply;
    {
      std::lock_guard lock(mutex_);
      received_.push_back(id);
      reply = decide_(static_cast<int>(received_.size()), id);
      if (reply == Reply::kOk) acknowledged_.push_back(id);
    }
    if (reply == Reply::kDrop) return;  // the connection closes with no answer
    const std::string answer =
        reply == Reply::kOk
            ? "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n"
            : "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\nConnection: close\r\n"
              "\r\noops";
    REQUIRE(send(connection, answer.data(), answer.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(answer.size()));
  }

  // The value of header `name` (lower case), "" when absent.
  static std::string HeaderValue(const std::string& headers, const std::string& name) {
    std::string lower = headers;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::size_t at = lower.find("\r\n" + name + ":");
    if (at == std::string::npos) return "";
    const std::size_t start = headers.find_first_not_of(' ', at + 3 + name.size());
    return headers.substr(start, headers.find("\r\n", start) - start);
  }

  std::function<Reply(int, std::int64_t)> decide_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> malformed_{0};
  mutable std::mutex mutex_;
  std::vector<std::int64_t> received_;
  std::vector<std::int64_t> acknowledged_;
  std::thread thread_;
};

// `count` outbox entries over a few dossiers; returns their ids in order.
std::vector<std::int64_t> FillOutbox(MemoryStore& store, int count, int first_dossier = 0) {
  for (int i = 0; i < count; ++i) {
    Dossier d;
    d.code = "F-" + std::to_string(first_dossier + i);
    d.agency = "000.00.01.H26";
    d.state = "submitted";
    d.version = 1;
    REQUIRE(store
                .CreateDossier(d, {}, 1,
                               {OutboxEntry{"dossier.status", nlohmann::json{{"n", i}}.dump()}})
                .ok());
  }
  Result<std::vector<StoredOutboxEntry>> entries = store.ListOutbox(OutboxQuery{0, 1000, {}});
  REQUIRE(entries.ok());
  std::vector<std::int64_t> ids;
  for (const StoredOutboxEntry& e : *entries) ids.push_back(e.id);
  return ids;
}

FeedPusherOptions FastOptions() {
  FeedPusherOptions options;
  options.initial_backoff = 5ms;
  options.max_backoff = 40ms;
  options.poll_interval = 10ms;
  return options;
}

// Waits (at most 20 s) until the store's delivery cursor reaches `id`.
bool WaitForCursor(MemoryStore& store, std::int64_t id) {
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    if (*store.DeliveryCursor() >= id) return true;
    std::this_thread::sleep_for(5ms);
  }
  return false;
}

TEST_CASE("webhook push: every entry arrives in order despite 500s and a dropped connection") {
  FakeClock clock(Instant{});
  MemoryStore store(&clock);
  std::vector<std::int64_t> ids = FillOutbox(store, 10);
  Receiver receiver([](int n, std::int64_t) {
    if (n == 5) return Reply::kDrop;
    return n % 3 == 0 ? Reply::kServerError : Reply::kOk;
  });
  Result<WebhookUrl> url = ParseWebhookUrl(receiver.Url());
  REQUIRE(url.ok());
  WebhookClient client(*url, 2s);
  FeedPusher pusher(store, store, client, clock, FastOptions());
  pusher.Start();
  // Entries committed while the pusher runs are picked up too.
  std::this_thread::sleep_for(30ms);
  for (std::int64_t id : FillOutbox(store, 5, 100)) {
    if (id > ids.back()) ids.push_back(id);
  }
  REQUIRE(WaitForCursor(store, ids.back()));
  pusher.Stop();

  CHECK(receiver.Malformed() == 0);
  CHECK(receiver.Acknowledged() == ids);  // each once, in order: none lost
  const std::vector<std::int64_t> received = receiver.Received();
  CHECK(received.size() > ids.size());  // failures were retried
  for (std::size_t i = 1; i < received.size(); ++i) {
    // Order holds; a repeat is only ever of the entry just offered.
    CHECK(received[i] >= received[i - 1]);
  }
  CHECK(store.ListDeadLetters(std::nullopt, 10)->empty());
}

TEST_CASE("webhook push: two nodes' pushers hand over through the lease, none lost or repeated") {
  FakeClock clock(Instant{});
  MemoryStore store(&clock);
  std::vector<std::int64_t> ids = FillOutbox(store, 6);
  Receiver receiver([](int, std::int64_t) { return Reply::kOk; });
  Result<WebhookUrl> url = ParseWebhookUrl(receiver.Url());
  REQUIRE(url.ok());
  WebhookClient client_a(*url, 2s);
  WebhookClient client_b(*url, 2s);
  // The lease: whichever node `holder` names may push.
  std::atomic<char> holder{'a'};
  FeedPusherOptions options_a = FastOptions();
  options_a.may_run = [&holder] { return holder.load() == 'a'; };
  FeedPusherOptions options_b = FastOptions();
  options_b.may_run = [&holder] { return holder.load() == 'b'; };
  FeedPusher a(store, store, client_a, clock, options_a);
  FeedPusher b(store, store, client_b, clock, options_b);
  a.Start();
  b.Start();
  REQUIRE(WaitForCursor(store, ids.back()));
  holder = 'n';  // between holders: nobody pushes
  std::this_thread::sleep_for(30ms);
  const std::size_t while_nobody = receiver.Received().size();
  for (std::int64_t id : FillOutbox(store, 4, 100)) {
    if (id > ids.back()) ids.push_back(id);
  }
  std::this_thread::sleep_for(50ms);
  CHECK(receiver.Received().size() == while_nobody);
  holder = 'b';  // b continues from the recorded cursor
  REQUIRE(WaitForCursor(store, ids.back()));
  a.Stop();
  b.Stop();
  CHECK(receiver.Acknowledged() == ids);
  CHECK(receiver.Received() == ids);  // no entry offered twice
}

TEST_CASE("webhook push: an entry failing every attempt becomes a dead letter, the rest go on") {
  FakeClock clock(Instant{std::chrono::seconds(1'800'000'000)});
  MemoryStore store(&clock);
  const std::vector<std::int64_t> ids = FillOutbox(store, 4);
  const std::int64_t poisoned = ids[1];
  Receiver receiver([poisoned](int, std::int64_t id) {
    return id == poisoned ? Reply::kServerError : Reply::kOk;
  });
  WebhookClient client(*ParseWebhookUrl(receiver.Url()), 2s);
  FeedPusherOptions options = FastOptions();
  options.max_attempts = 3;
  FeedPusher pusher(store, store, client, clock, options);
  pusher.Start();
  REQUIRE(WaitForCursor(store, ids.back()));
  pusher.Stop();

  CHECK(receiver.Acknowledged() == std::vector<std::int64_t>{ids[0], ids[2], ids[3]});
  CHECK(receiver.Received() ==
        std::vector<std::int64_t>{ids[0], poisoned, poisoned, poisoned, ids[2], ids[3]});
  Result<std::vector<DeadLetter>> letters = store.ListDeadLetters(std::nullopt, 10);
  REQUIRE(letters.ok());
  REQUIRE(letters->size() == 1);
  CHECK((*letters)[0].entry_id == poisoned);
  CHECK((*letters)[0].attempts == 3);
  CHECK((*letters)[0].last_error.find("500") != std::string::npos);
  CHECK((*letters)[0].failed_at == clock.Now());
}

TEST_CASE("webhook push: a stopped receiver is retried until it comes back - stop is prompt") {
  FakeClock clock(Instant{});
  MemoryStore store(&clock);
  const std::vector<std::int64_t> ids = FillOutbox(store, 2);
  // Nothing listens on this port (bound, then closed).
  std::string url;
  {
    Receiver gone([](int, std::int64_t) { return Reply::kOk; });
    url = gone.Url();
  }
  WebhookClient client(*ParseWebhookUrl(url), 1s);
  FeedPusherOptions options = FastOptions();
  options.max_backoff = 30s;  // stop must not wait for a long backoff
  FeedPusher pusher(store, store, client, clock, options);
  pusher.Start();
  std::this_thread::sleep_for(200ms);
  const auto stopping = std::chrono::steady_clock::now();
  pusher.Stop();
  CHECK(std::chrono::steady_clock::now() - stopping < 2s);
  CHECK(*store.DeliveryCursor() == 0);  // nothing acknowledged, nothing skipped
  CHECK(store.ListDeadLetters(std::nullopt, 10)->empty());
}

TEST_CASE("webhook push: backoff doubles from the initial delay up to the cap") {
  struct Case {
    int failures;
    std::chrono::milliseconds expected;
  };
  const Case cases[] = {{1, 500ms},   {2, 1000ms},  {3, 2000ms},
                        {6, 16000ms}, {7, 30000ms}, {60, 30000ms}};
  for (const Case& c : cases) {
    CAPTURE(c.failures);
    CHECK(BackoffDelay(c.failures, 500ms, 30s) == c.expected);
  }
}

TEST_CASE("webhook push: only http URLs with a host and a valid port are accepted") {
  Result<WebhookUrl> full = ParseWebhookUrl("http://127.0.0.1:9000/hooks/feed?x=1");
  REQUIRE(full.ok());
  CHECK(full->host == "127.0.0.1");
  CHECK(full->port == "9000");
  CHECK(full->target == "/hooks/feed?x=1");
  Result<WebhookUrl> bare = ParseWebhookUrl("http://portal.example");
  REQUIRE(bare.ok());
  CHECK(bare->port == "80");
  CHECK(bare->target == "/");
  Result<WebhookUrl> v6 = ParseWebhookUrl("http://[::1]:8081/x");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == "8081");
  for (const char* bad : {"https://portal.example/", "ftp://x", "http://", "http://:80/",
                          "http://h:0/", "http://h:65536/", "http://h:x/", "http://u@h/"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseWebhookUrl(bad).ok());
  }
}

}  // namespace
}  // namespace motcua
