// loadgen: drives the motcua REST API over HTTP with whole dossier lifecycles
// and prints throughput and latencies next to references measured in the same
// run: the trivial GET /healthz rate, raw durable SQLite inserts, and one
// fdatasync on the same disk.
//
// It is a separate client process (Boost.Beast), never linked into the server.
// Three ways to point it at a server:
//
//   loadgen --spawn
//       runs `motcua pki demo` into a fresh temporary directory, starts
//       `motcua serve` there on a fresh database, 127.0.0.1 and a free port,
//       with --trust/--seal-* from that demo PKI, waits for /healthz, creates
//       the four users' tokens with `motcua token create`, runs the load,
//       stops the server with SIGTERM and reports its peak RSS (VmHWM).
//   loadgen --url http://127.0.0.1:PORT --db PATH --pki DIR
//       a server already running on database PATH (with --trust trusting the
//       demo root of DIR); the tokens are created with `motcua token create`.
//   loadgen --url http://127.0.0.1:PORT --pki DIR --applicant-token T
//           --clerk-token T --specialist-token T --leader-token T
//       tokens given; the leader's must belong to user `leader1` (the demo
//       leader certificate's subject UID binds it to that user) or to a user
//       whose recorded certificate is DIR/leader.pem.
// Only loopback URLs are accepted: this tool is for measuring, not attacking.
//
// One lifecycle of procedure 1.003677 (temporary absence), every request on
// the worker's own keep-alive connection:
//   upload       applicant  POST /v1/documents (the declaration, PDF bytes)
//   submit       applicant  POST /v1/dossiers
//   receive      clerk      POST /v1/dossiers/{code}/actions/receive
//   upload       specialist POST /v1/documents (the result document)
//   propose      specialist POST .../actions/propose_result
//   get_result   leader     GET  /v1/dossiers/{code}/result
//   sign         leader     client-side CMS SignDetached with the demo key
//   sign_result  leader     POST .../actions/sign_result; the server verifies
//                           and seals automatically (state result_ready)
//   return_result clerk     POST .../actions/return_result {"channel":"online"}
// Between lifecycles each worker makes reads, alternately GET
// /v1/queue?role=reception_clerk (clerk) and GET /v1/dossiers/{code}
// (applicant, its latest dossier): --reads-per-write R reads for each of the
// 7 writing requests of a lifecycle (default 1, so 7 reads per lifecycle).
// Every document is unique (a run nonce, worker and sequence number).
//
// Durable transitions count every action POST answered 2xx (receive,
// propose_result, sign_result, return_result) plus the automatic seal, one
// per sign_result that left the dossier sealed: 5 per lifecycle. Latencies are
// those of successful requests; anything not 2xx is an error, recorded with
// the problem type of the response (the first few are printed).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/context/fiber.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "engine/crypto/base64.h"
#include "engine/crypto/openssl_cms.h"

extern char** environ;

#ifndef MOTCUA_SOURCE_DIR
#define MOTCUA_SOURCE_DIR "."
#endif
#ifndef MOTCUA_DEFAULT_BINARY
#define MOTCUA_DEFAULT_BINARY "build/motcua"
#endif

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

constexpr const char* kUsage =
    R"(Usage: loadgen --spawn [options]
       loadgen --url http://127.0.0.1:PORT --db PATH --pki DIR [options]
       loadgen --url http://127.0.0.1:PORT --pki DIR --applicant-token T
               --clerk-token T --specialist-token T --leader-token T [options]

Runs whole dossier lifecycles of procedure 1.003677 against the motcua REST
API on N keep-alive connections (upload, submit, receive, propose_result,
GET result, client-side CMS signature, sign_result + automatic seal,
return_result) with reads in between, and prints per-operation counts,
throughput and latencies, lifecycles/s and durable transitions/s, next to three
references from the same run: GET /healthz with the same connections, raw
durable SQLite inserts (WAL, synchronous=FULL, one row per transaction) on
the same disk, and one fdatasync of 4 KiB on that disk. Exit status 0 only
if lifecycles (or, with --mix transitions, transitions) ran and no request
failed.

Target:
  --spawn               start `motcua serve` on a fresh temporary database
                        and demo PKI, 127.0.0.1 and a free port; stop it with
                        SIGTERM at the end and report its peak RSS
  --url URL             a running server: http://127.0.0.1:PORT (loopback
                        only: 127.0.0.1, localhost or [::1]; no TLS)
  --db PATH             the running server's database: create the tokens
                        with `motcua token create --db PATH`
  --pki DIR             demo PKI (`motcua pki demo --out DIR`): the leader
                        signs with DIR/leader.key, leader.pem, chain.pem
  --applicant-token T, --clerk-token T, --specialist-token T, --leader-token T
                        bearer tokens instead of --db (the leader's: user
                        leader1, or bound to DIR/leader.pem)
  --agency ID           agency of the dossiers and staff (000.00.01.H26)
  --applicant ID        the applicant's 12-digit citizen ID (001090012345)
  --motcua PATH         the motcua binary ()" MOTCUA_DEFAULT_BINARY R"()
  --workflows DIR       --spawn: workflows to serve ()" MOTCUA_SOURCE_DIR R"(/workflows)
  --server-threads N    --spawn: `motcua serve --threads N` (server default)
  --server-handler-threads N
                        --spawn: `motcua serve --handler-threads N` (server
                        default)
  --tmp-dir DIR         --spawn: where the temporary directory goes (the disk
                        measured; default $TMPDIR or /tmp)
  --keep                --spawn: keep the temporary directory (database, PKI,
                        server.log)

Load:
  --connections N       keep-alive connections (8), each a fiber on one of
                        the client threads
  --client-threads N    threads the connections share (1): each runs an
                        event loop, and a connection waiting for its answer
                        or its slot on the schedule lets the others run
  --duration S          start no lifecycle after S seconds (10; without
                        --duration, --lifecycles alone has no time limit)
  --lifecycles N        run N lifecycles in total, then stop
  --reads-per-write R   reads per writing request between lifecycles (1)
  --warmup S            run S seconds before measuring (0): what happens then
                        (cold caches, the first statements) is not counted,
                        except errors; --duration starts after it
  --rate R              send at most R writing requests per second in all
                        (uploads, submissions, actions), on a fixed schedule
                        spread over the connections (default: as fast as
                        they go). Latencies then count from each request's
                        scheduled time, so a server that falls behind shows
                        in them (no coordinated omission)
  --mix M               lifecycles (default) or transitions: each connection
                        submits a dossier, then moves it back and forth
                        between request_supplement_at_reception and resubmit
                        (clerk, no documents, no signatures) 10 times before
                        the next (the first dossier fewer times, by the
                        connection's index, so that the connections'
                        submissions spread out); measures durable
                        transitions alone
  --full-responses      ask for the whole dossier in every write's answer;
                        by default writes send "Prefer: return=minimal" and
                        get the dossier's state, version and actions only
  --timeout S           per request: connect, write and read (10)
  --healthz-seconds S   length of the /healthz reference (3; 0 skips it)
  --raw-seconds S       length of the raw SQLite reference (3; 0 skips it)
  --raw-dir DIR         where the raw SQLite file goes (default: next to the
                        database, or $TMPDIR with --url and tokens)
  --sync-seconds S      length of the fdatasync reference (2; 0 skips it):
                        4 KiB overwritten and fdatasync'ed in a file in the
                        raw directory, one after another, as one durable
                        commit costs this disk at the least
  --show-errors N       error samples to print (5)

Output:
  --csv                 print only one CSV line on stdout (the report goes to
                        stderr): connections,lifecycles_per_s,transitions_per_s,
                        sign_result_p99_ms,healthz_per_s,errors,server_peak_rss_mib,
                        any_request_p99_ms,server_cpu_us_per_transition
                        (the RSS and the server CPU are empty unless --spawn;
                        any_request_p99_ms is the highest p99 of all operations)
  --help                this text
)";

// ---------------------------------------------------------------- signals

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) {
  g_interrupted.store(true);
}

// ---------------------------------------------------------------- options

struct Config {
  bool spawn = false;
  bool csv = false;
  bool keep = false;
  std::string url;
  std::string host = "127.0.0.1";  // the address to connect to
  std::uint16_t port = 0;
  std::string db;
  std::string pki;
  std::string motcua = MOTCUA_DEFAULT_BINARY;
  std::string workflows = MOTCUA_SOURCE_DIR "/workflows";
  std::string tmp_dir;
  std::string raw_dir;
  std::string applicant_token, clerk_token, specialist_token, leader_token;
  std::string agency = "000.00.01.H26";
  std::string applicant_id = "001090012345";
  int connections = 8;
  int client_threads = 1;
  double duration = 10;
  bool duration_given = false;
  std::int64_t lifecycles = 0;
  double reads_per_write = 1;
  bool transitions_mix = false;  // --mix transitions
  bool full_responses = false;   // --full-responses
  double rate = 0;               // --rate: writes per second; 0: unpaced
  double warmup = 0;             // --warmup: seconds before measuring
  double timeout = 10;
  double healthz_seconds = 3;
  double raw_seconds = 3;
  double sync_seconds = 2;
  int server_threads = 0;
  int server_handler_threads = 0;
  int show_errors = 5;
};

[[noreturn]] void UsageError(const std::string& message) {
  std::cerr << "loadgen: " << message << "\n(loadgen --help for usage)\n";
  std::exit(2);
}

double ParseDouble(const std::string& name, const std::string& text, double min, double max) {
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size() || !std::isfinite(value) ||
      value < min || value > max) {
    std::ostringstream message;
    message << "--" << name << " must be a number from " << min << " to " << max;
    UsageError(message.str());
  }
  return value;
}

std::int64_t ParseInt(const std::string& name, const std::string& text, std::int64_t min,
                      std::int64_t max) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    UsageError("--" + name + " must be an integer from " + std::to_string(min) + " to " +
               std::to_string(max));
  }
  return value;
}

// http://HOST:PORT[/], HOST one of 127.0.0.1, localhost, [::1].
void ParseUrl(Config& config) {
  std::string rest = config.url;
  if (rest.rfind("https://", 0) == 0) UsageError("--url: https is not supported; use http://");
  if (rest.rfind("http://", 0) != 0) UsageError("--url must look like http://127.0.0.1:8080");
  rest = rest.substr(7);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) UsageError("--url must have no path");
  const std::size_t colon = rest.rfind(':');
  if (colon == std::string::npos) UsageError("--url needs a port, e.g. http://127.0.0.1:8080");
  const std::string host = rest.substr(0, colon);
  if (host == "127.0.0.1" || host == "localhost") {
    config.host = "127.0.0.1";
  } else if (host == "[::1]") {
    config.host = "::1";
  } else {
    UsageError("--url: refusing host \"" + host +
               "\": loopback only (127.0.0.1, localhost, [::1])");
  }
  config.port = static_cast<std::uint16_t>(ParseInt("url port", rest.substr(colon + 1), 1, 65535));
}

Config ParseArgs(int argc, char** argv) {
  Config config;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> inline_value;
    if (name.rfind("--", 0) != 0) UsageError("unexpected argument \"" + name + "\"");
    name = name.substr(2);
    if (const std::size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto flag = [&]() {
      if (inline_value) UsageError("--" + name + " takes no value");
    };
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) UsageError("--" + name + " needs a value");
      return args[++i];
    };
    if (name == "help") {
      std::cout << kUsage;
      std::exit(0);
    } else if (name == "spawn") {
      flag();
      config.spawn = true;
    } else if (name == "csv") {
      flag();
      config.csv = true;
    } else if (name == "keep") {
      flag();
      config.keep = true;
    } else if (name == "url") {
      config.url = value();
    } else if (name == "db") {
      config.db = value();
    } else if (name == "pki") {
      config.pki = value();
    } else if (name == "motcua") {
      config.motcua = value();
    } else if (name == "workflows") {
      config.workflows = value();
    } else if (name == "tmp-dir") {
      config.tmp_dir = value();
    } else if (name == "raw-dir") {
      config.raw_dir = value();
    } else if (name == "applicant-token") {
      config.applicant_token = value();
    } else if (name == "clerk-token") {
      config.clerk_token = value();
    } else if (name == "specialist-token") {
      config.specialist_token = value();
    } else if (name == "leader-token") {
      config.leader_token = value();
    } else if (name == "agency") {
      config.agency = value();
    } else if (name == "applicant") {
      config.applicant_id = value();
    } else if (name == "connections") {
      config.connections = static_cast<int>(ParseInt(name, value(), 1, 1024));
    } else if (name == "client-threads") {
      config.client_threads = static_cast<int>(ParseInt(name, value(), 1, 64));
    } else if (name == "duration") {
      config.duration = ParseDouble(name, value(), 0.1, 86400);
      config.duration_given = true;
    } else if (name == "lifecycles") {
      config.lifecycles = ParseInt(name, value(), 1, 1'000'000'000);
    } else if (name == "mix") {
      const std::string mix = value();
      if (mix != "lifecycles" && mix != "transitions") {
        UsageError("--mix must be lifecycles or transitions");
      }
      config.transitions_mix = mix == "transitions";
    } else if (name == "full-responses") {
      flag();
      config.full_responses = true;
    } else if (name == "warmup") {
      config.warmup = ParseDouble(name, value(), 0, 3600);
    } else if (name == "rate") {
      config.rate = ParseDouble(name, value(), 1, 1e6);
    } else if (name == "reads-per-write") {
      config.reads_per_write = ParseDouble(name, value(), 0, 1000);
    } else if (name == "timeout") {
      config.timeout = ParseDouble(name, value(), 0.1, 3600);
    } else if (name == "healthz-seconds") {
      config.healthz_seconds = ParseDouble(name, value(), 0, 3600);
    } else if (name == "raw-seconds") {
      config.raw_seconds = ParseDouble(name, value(), 0, 3600);
    } else if (name == "sync-seconds") {
      config.sync_seconds = ParseDouble(name, value(), 0, 3600);
    } else if (name == "server-threads") {
      config.server_threads = static_cast<int>(ParseInt(name, value(), 1, 256));
    } else if (name == "server-handler-threads") {
      config.server_handler_threads = static_cast<int>(ParseInt(name, value(), 1, 1024));
    } else if (name == "show-errors") {
      config.show_errors = static_cast<int>(ParseInt(name, value(), 0, 1000));
    } else {
      UsageError("unknown option --" + name);
    }
  }

  const bool any_token = !config.applicant_token.empty() || !config.clerk_token.empty() ||
                         !config.specialist_token.empty() || !config.leader_token.empty();
  const bool all_tokens = !config.applicant_token.empty() && !config.clerk_token.empty() &&
                          !config.specialist_token.empty() && !config.leader_token.empty();
  if (config.spawn) {
    if (!config.url.empty() || !config.db.empty() || !config.pki.empty() || any_token) {
      UsageError(
          "--spawn makes its own server, database, PKI and tokens: drop --url, --db, "
          "--pki and the tokens");
    }
  } else {
    if (config.url.empty()) UsageError("give --spawn, or --url of a running server");
    ParseUrl(config);
    if (config.pki.empty()) UsageError("--pki DIR is needed: the leader signs with its demo key");
    if (config.db.empty() && !all_tokens) {
      UsageError("give --db PATH (tokens are created) or all four --*-token options");
    }
    if (!config.db.empty() && any_token) UsageError("give either --db or the tokens, not both");
  }
  if (config.lifecycles > 0 && !config.duration_given) config.duration = 0;  // no time limit
  if (config.warmup > 0 && config.duration <= 0) UsageError("--warmup needs a --duration");
  if (config.applicant_id.size() != 12 ||
      !std::all_of(config.applicant_id.begin(), config.applicant_id.end(),
                   [](char c) { return c >= '0' && c <= '9'; })) {
    UsageError("--applicant must be a 12-digit citizen ID");
  }
  return config;
}

// ---------------------------------------------------------------- processes

std::vector<char*> Argv(std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  return argv;
}

std::string Join(const std::vector<std::string>& args) {
  std::string text;
  for (const std::string& arg : args) text += (text.empty() ? "" : " ") + arg;
  return text;
}

std::string Trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::size_t start = 0;
  while (start < text.size() && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  return text.substr(start);
}

struct Captured {
  int status = -1;  // exit status; -1 if it could not run or did not exit
  std::string out;  // its stdout (stderr goes to ours)
};

// Runs `args` (args[0] is a path), capturing stdout.
Captured RunCapture(std::vector<std::string> args) {
  Captured captured;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return captured;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::vector<char*> argv = Argv(args);
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    captured.out = std::string("cannot run ") + args[0] + ": " + std::strerror(spawned);
    return captured;
  }
  char buffer[4096];
  while (true) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    captured.out.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int raw = 0;
  while (waitpid(pid, &raw, 0) < 0 && errno == EINTR) {
  }
  captured.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return captured;
}

// Resident memory and CPU of another process, from /proc.
std::optional<double> ProcStatusMiB(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream fields(line.substr(field.size() + 1));
      double kib = 0;
      if (fields >> kib) return kib / 1024.0;
    }
  }
  return std::nullopt;
}

std::optional<double> ProcCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::istringstream fields(stat.substr(paren + 1));
  std::string field;
  for (int i = 3; i <= 13; ++i) fields >> field;  // state .. cmajflt
  double utime = 0, stime = 0;
  if (!(fields >> utime >> stime)) return std::nullopt;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double SelfCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// `motcua serve` as a child process in its own process group, stopped with
// SIGTERM (then SIGKILL after 20 s) when Stop() is called or on destruction.
class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() { Stop(); }

  // Starts it, stderr to `log_path`, and reads stdout until the "listening"
  // line names the port. An error message, or empty on success.
  std::string Start(std::vector<std::string> args, const std::string& log_path) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return std::string("pipe: ") + std::strerror(errno);
    const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (log < 0) {
      close(fds[0]);
      close(fds[1]);
      return log_path + ": " + std::strerror(errno);
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, log, STDERR_FILENO);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);  // Ctrl-C is ours to relay
    posix_spawnattr_setpgroup(&attributes, 0);
    std::vector<char*> argv = Argv(args);
    const int spawned = posix_spawn(&pid_, argv[0], &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    close(fds[1]);
    close(log);
    if (spawned != 0) {
      pid_ = -1;
      close(fds[0]);
      return "cannot run " + args[0] + ": " + std::strerror(spawned);
    }
    out_ = fds[0];

    // "motcua listening on http://127.0.0.1:PORT (database ...)"
    const std::string marker = "motcua listening on http://";
    const SteadyClock::time_point give_up = SteadyClock::now() + std::chrono::seconds(60);
    std::string text;
    while (SteadyClock::now() < give_up && !g_interrupted.load()) {
      pollfd poll_fd{out_, POLLIN, 0};
      const int ready = poll(&poll_fd, 1, 200);
      if (ready < 0 && errno != EINTR) break;
      if (ready <= 0) continue;
      char buffer[1024];
      const ssize_t n = read(out_, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return "the server exited during start-up";
      text.append(buffer, static_cast<std::size_t>(n));
      const std::size_t at = text.find(marker);
      if (at == std::string::npos) continue;
      const std::size_t end = text.find(' ', at + marker.size());
      if (end == std::string::npos) continue;
      const std::string address = text.substr(at + marker.size(), end - at - marker.size());
      const std::size_t colon = address.rfind(':');
      unsigned port = 0;
      const char* first = address.data() + colon + 1;
      const char* last = address.data() + address.size();
      if (colon == std::string::npos || std::from_chars(first, last, port).ptr != last ||
          port == 0 || port > 65535) {
        return "cannot read the port from \"" + Trim(text) + "\"";
      }
      port_ = static_cast<std::uint16_t>(port);
      return {};
    }
    return "the server did not report its port within 60 s";
  }

  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }

  // SIGTERM and wait. The exit status, or -1 if it did not exit normally.
  int Stop() {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, SIGTERM);
    int raw = 0;
    const SteadyClock::time_point give_up = SteadyClock::now() + std::chrono::seconds(20);
    while (true) {
      const pid_t done = waitpid(pid_, &raw, WNOHANG);
      if (done == pid_) break;
      if (done < 0 && errno != EINTR) break;
      if (SteadyClock::now() > give_up) {
        std::cerr << "loadgen: the server ignored SIGTERM for 20 s; SIGKILL\n";
        kill(pid_, SIGKILL);
        waitpid(pid_, &raw, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    exit_status_ = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    pid_ = -1;
    if (out_ >= 0) close(out_);
    out_ = -1;
    return exit_status_;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;  // its stdout, kept open so its last lines never hit a closed pipe
  std::uint16_t port_ = 0;
  int exit_status_ = -1;
};

// ---------------------------------------------------------------- HTTP client

std::string ToString(beast::string_view text) {
  return std::string(text.data(), text.size());
}

// ---------------------------------------------------------------- fibers

// The connections run as fibers (Boost.Context) on a few client threads,
// each running an event loop (an io_context) on its own: a connection that
// waits for its answer, or for its slot on the --rate schedule, suspends
// its fiber, and the thread runs the others. With one OS thread per
// connection, as before, 64 client threads shared the 2 cores with the
// server, and their wake-ups added milliseconds to the latencies measured
// (BENCHMARKS.md, tenth round).
class FiberLoop {
 public:
  // One fiber. Suspend and Resume are called on the loop's thread only.
  class Fiber {
   public:
    // Inside the fiber: back to whoever resumed it, until Resume.
    void Suspend() { back_ = std::move(back_).resume(); }
    // Runs the fiber until it suspends or ends.
    void Resume() {
      Fiber* outer = current_;
      current_ = this;
      self_ = std::move(self_).resume();
      current_ = outer;
    }

   private:
    friend class FiberLoop;
    boost::context::fiber self_;  // the fiber, while it is suspended
    boost::context::fiber back_;  // where Suspend goes, while it runs
  };

  // Runs `body` on a fiber of this loop once Run starts. `body` must not
  // throw.
  void Spawn(std::function<void()> body) {
    fibers_.emplace_back();
    Fiber* fiber = &fibers_.back();
    fiber->self_ = boost::context::fiber(
        std::allocator_arg, boost::context::protected_fixedsize_stack(kStackBytes),
        [fiber, body = std::move(body)](boost::context::fiber&& caller) {
          fiber->back_ = std::move(caller);
          body();
          return std::move(fiber->back_);
        });
    asio::post(io_, [fiber] { fiber->Resume(); });
  }

  // Runs every spawned fiber to its end, on the calling thread.
  void Run() { io_.run(); }

  asio::io_context& io() { return io_; }

  // The fiber running on the calling thread; null outside fibers.
  static Fiber* Current() { return current_; }

  // Suspends the calling fiber until `until`, or for `pause`.
  void SleepUntil(SteadyClock::time_point until) {
    Fiber* fiber = Current();
    asio::steady_timer timer(io_, until);
    timer.async_wait([fiber](error_code) { fiber->Resume(); });
    fiber->Suspend();
  }
  void SleepFor(SteadyClock::duration pause) { SleepUntil(SteadyClock::now() + pause); }

 private:
  // Enough for OpenSSL's CMS signing; only the pages touched are used.
  static constexpr std::size_t kStackBytes = 1024 * 1024;
  static thread_local Fiber* current_;
  asio::io_context io_{1};
  std::deque<Fiber> fibers_;  // stable addresses
};

thread_local FiberLoop::Fiber* FiberLoop::current_ = nullptr;

// `count` loops, one per client thread, and the threads that run them.
class FiberLoops {
 public:
  explicit FiberLoops(int count) {
    for (int i = 0; i < count; ++i) loops_.push_back(std::make_unique<FiberLoop>());
  }
  // The loop that connection `index` runs on.
  FiberLoop& For(int index) { return *loops_[static_cast<std::size_t>(index) % loops_.size()]; }
  // Starts the threads; Join waits for every fiber to end.
  void Start() {
    for (auto& loop : loops_) threads_.emplace_back([&loop] { loop->Run(); });
  }
  void Join() {
    for (std::thread& thread : threads_) thread.join();
    threads_.clear();
  }

 private:
  std::vector<std::unique_ptr<FiberLoop>> loops_;
  std::vector<std::thread> threads_;
};

struct Reply {
  int status = 0;     // 0: no HTTP response (see error)
  std::string error;  // transport error
  std::string body;
  std::string etag;
};

// An HTTP/1.1 client over one keep-alive connection, reconnecting when the
// server closed it, for a fiber of `loop`: each call returns when its answer
// came, the fiber suspended meanwhile. Every operation (connect, write, read)
// gives up after the timeout; a failure closes the connection.
class HttpClient {
 public:
  // `prefer`: the Prefer header of every POST (none when empty).
  HttpClient(FiberLoop& loop, tcp::endpoint endpoint, std::chrono::milliseconds timeout,
             std::string prefer = {})
      : ioc_(loop.io()), endpoint_(endpoint), timeout_(timeout), prefer_(std::move(prefer)) {}

  Reply Send(http::verb verb, const std::string& target, const std::string& token,
             std::string body = {}, const std::string& content_type = {},
             const std::string& if_match = {}) {
    http::request<http::string_body> request(verb, target, 11);
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::user_agent, "motcua-loadgen");
    if (!token.empty()) request.set(http::field::authorization, "Bearer " + token);
    if (!content_type.empty()) request.set(http::field::content_type, content_type);
    if (!if_match.empty()) request.set(http::field::if_match, if_match);
    if (verb == http::verb::post && !prefer_.empty()) request.set("Prefer", prefer_);
    request.keep_alive(true);
    request.body() = std::move(body);
    request.prepare_payload();

    const bool reused = stream_.has_value();
    Reply reply = Exchange(request);
    // A kept-alive connection the server had just closed: GETs are safe to
    // repeat once on a fresh connection; POSTs are not repeated.
    if (reply.status == 0 && reused && verb == http::verb::get) reply = Exchange(request);
    return reply;
  }

 private:
  Reply Exchange(http::request<http::string_body>& request) {
    Reply reply;
    if (!stream_) {
      stream_.emplace(ioc_);
      stream_->expires_after(timeout_);
      stream_->async_connect(endpoint_, [this](error_code ec) { Done(ec); });
      Await();
      if (error_) return Fail("connect: " + error_.message());
      error_code ignored;
      stream_->socket().set_option(tcp::no_delay(true), ignored);
    }
    stream_->expires_after(timeout_);
    http::async_write(*stream_, request, [this](error_code ec, std::size_t) { Done(ec); });
    Await();
    if (error_) return Fail("write: " + error_.message());
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    stream_->expires_after(timeout_);
    http::async_read(*stream_, buffer_, parser, [this](error_code ec, std::size_t) { Done(ec); });
    Await();
    if (error_) return Fail("read: " + error_.message());
    http::response<http::string_body> response = parser.release();
    reply.status = static_cast<int>(response.result_int());
    reply.body = std::move(response.body());
    if (auto etag = response.find(http::field::etag); etag != response.end()) {
      reply.etag = ToString(etag->value());
    }
    if (!response.keep_alive()) Close();
    return reply;
  }

  Reply Fail(std::string message) {
    Close();
    Reply reply;
    reply.error = std::move(message);
    return reply;
  }

  void Close() {
    if (stream_) {
      error_code ignored;
      stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
      stream_->close();
    }
    stream_.reset();
    buffer_.clear();
  }

  // Suspends the calling fiber until the operation just started calls Done.
  void Await() {
    waiting_ = FiberLoop::Current();
    waiting_->Suspend();
  }
  void Done(error_code ec) {
    error_ = ec;
    std::exchange(waiting_, nullptr)->Resume();
  }

  asio::io_context& ioc_;
  FiberLoop::Fiber* waiting_ = nullptr;
  tcp::endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  std::string prefer_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  error_code error_;
};

// ---------------------------------------------------------------- statistics

constexpr std::size_t kUpload = 0, kSubmit = 1, kReceive = 2, kPropose = 3, kGetResult = 4,
                      kSign = 5, kSignResult = 6, kReturnResult = 7, kQueue = 8, kGetDossier = 9,
                      kSupplement = 10, kResubmit = 11, kOpCount = 12;
constexpr std::array<const char*, kOpCount> kOpNames = {
    "upload",      "submit",        "receive", "propose",     "get_result", "sign(client)",
    "sign_result", "return_result", "queue",   "get_dossier", "supplement", "resubmit"};
constexpr int kWritesPerLifecycle = 7;  // 2 uploads, submit, 4 actions
constexpr int kCyclesPerDossier = 10;   // --mix transitions

struct Stats {
  std::array<std::vector<double>, kOpCount> latency_ms;
  std::int64_t lifecycles = 0;
  std::int64_t failed_lifecycles = 0;
  std::int64_t transitions = 0;  // action POSTs answered 2xx + automatic seals
  std::int64_t writes = 0;       // POSTs answered 2xx
  std::int64_t reads = 0;        // GETs answered 2xx
  std::int64_t errors = 0;
  std::map<std::string, std::int64_t> error_kinds;
  std::vector<std::string> error_samples;

  void Error(const std::string& kind, const std::string& detail) {
    ++errors;
    ++error_kinds[kind];
    if (error_samples.size() < 20) error_samples.push_back(kind + ": " + detail);
  }

  void Merge(Stats& other) {
    for (std::size_t op = 0; op < kOpCount; ++op) {
      latency_ms[op].insert(latency_ms[op].end(), other.latency_ms[op].begin(),
                            other.latency_ms[op].end());
    }
    lifecycles += other.lifecycles;
    failed_lifecycles += other.failed_lifecycles;
    transitions += other.transitions;
    writes += other.writes;
    reads += other.reads;
    errors += other.errors;
    for (const auto& [kind, count] : other.error_kinds) error_kinds[kind] += count;
    for (std::string& sample : other.error_samples) error_samples.push_back(std::move(sample));
  }
};

double MillisecondsSince(SteadyClock::time_point start) {
  return std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count();
}

double SecondsBetween(SteadyClock::time_point start, SteadyClock::time_point end) {
  return std::chrono::duration<double>(end - start).count();
}

// Nearest-rank percentile of sorted values; 0 when empty.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const std::size_t index = static_cast<std::size_t>(std::max(1.0, rank)) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

// The problem type of an error response, or "-".
std::string ProblemType(const std::string& body) {
  json problem = json::parse(body, nullptr, false);
  if (problem.is_object() && problem.contains("type") && problem["type"].is_string()) {
    return problem["type"].get<std::string>();
  }
  return "-";
}

std::string Excerpt(const std::string& text, std::size_t limit = 300) {
  std::string excerpt = text.substr(0, limit);
  std::replace(excerpt.begin(), excerpt.end(), '\n', ' ');
  if (text.size() > limit) excerpt += "...";
  return excerpt;
}

// "detail (pointer: message; ...)" of a problem+json body, or an excerpt.
std::string ProblemDetail(const std::string& body) {
  json problem = json::parse(body, nullptr, false);
  if (!problem.is_object() || !problem.contains("detail") || !problem["detail"].is_string()) {
    return Excerpt(body);
  }
  std::string detail = problem["detail"].get<std::string>();
  if (problem.contains("errors") && problem["errors"].is_array() && !problem["errors"].empty()) {
    std::string fields;
    for (const json& error : problem["errors"]) {
      if (!error.is_object()) continue;
      fields += (fields.empty() ? "" : "; ") + error.value("pointer", std::string()) + ": " +
                error.value("message", std::string());
    }
    detail += " (" + fields + ")";
  }
  return Excerpt(detail);
}

// ---------------------------------------------------------------- the load

struct Tokens {
  std::string applicant, clerk, specialist, leader;
};

// The leader's key and certificates, parsed once (as a real signing client
// would keep them loaded), shared by the workers.
using LeaderSigner = std::shared_ptr<motcua::OpenSslResultSealer>;

struct LoadPlan {
  tcp::endpoint endpoint;
  std::chrono::milliseconds timeout{10000};
  Tokens tokens;
  LeaderSigner signer;
  std::string agency;
  std::string applicant_id;
  std::string nonce;
  std::optional<SteadyClock::time_point> deadline;
  std::int64_t lifecycle_limit = 0;
  double reads_per_write = 1;
  bool transitions_mix = false;
  int connections = 1;          // how many workers run the plan
  bool full_responses = false;  // writes without "Prefer: return=minimal"
  // --rate: writes per second in all, on the schedule start + n / rate for
  // the n-th write (a counter the workers share); 0: unpaced.
  double rate = 0;
  SteadyClock::time_point pace_start;
  std::shared_ptr<std::atomic<std::int64_t>> writes_scheduled =
      std::make_shared<std::atomic<std::int64_t>>(0);
  // --warmup: false until the warm-up is over; what happens before is not
  // counted (errors excepted).
  std::shared_ptr<std::atomic<bool>> measuring = std::make_shared<std::atomic<bool>>(true);
  double warmup_seconds = 0;
};

class Worker {
 public:
  Worker(FiberLoop& loop, const LoadPlan& plan, int index, std::atomic<std::int64_t>& started,
         Stats& stats)
      : loop_(loop),
        plan_(plan),
        index_(index),
        started_(started),
        measured_(stats),
        client_(loop, plan.endpoint, plan.timeout, plan.full_responses ? "" : "return=minimal") {}

  void Run() {
    if (plan_.transitions_mix) return RunTransitions();
    double read_budget = 0;
    while (!TimeUp()) {
      if (plan_.lifecycle_limit > 0 && started_.fetch_add(1) >= plan_.lifecycle_limit) break;
      if (!Lifecycle()) {
        ++Counting().failed_lifecycles;
        Pause();  // no error storm
        continue;
      }
      ++Counting().lifecycles;
      read_budget += plan_.reads_per_write * kWritesPerLifecycle;
      while (read_budget >= 1 && !TimeUp()) {
        read_budget -= 1;
        Read();
      }
    }
  }

 private:
  // After a failure: 0.1 s for this connection, the others go on.
  void Pause() { loop_.SleepFor(std::chrono::milliseconds(100)); }

  bool TimeUp() const {
    return g_interrupted.load() || (plan_.deadline && SteadyClock::now() >= *plan_.deadline);
  }

  // One timed request; the reply if it was 2xx, otherwise the error is recorded.
  std::optional<Reply> Call(std::size_t op, http::verb verb, const std::string& target,
                            const std::string& token, std::string body = {},
                            const std::string& content_type = {},
                            const std::string& if_match = {}) {
    SteadyClock::time_point start = SteadyClock::now();
    if (plan_.rate > 0 && verb != http::verb::get) {
      // The write's slot on the schedule; its latency counts from there.
      const auto n = static_cast<double>(plan_.writes_scheduled->fetch_add(1));
      start = plan_.pace_start + std::chrono::duration_cast<SteadyClock::duration>(
                                     std::chrono::duration<double>(n / plan_.rate));
      loop_.SleepUntil(start);
    }
    Reply reply = client_.Send(verb, target, token, std::move(body), content_type, if_match);
    const double ms = MillisecondsSince(start);
    if (reply.status == 0) {
      measured_.Error(std::string(kOpNames[op]) + " transport", reply.error);
      return std::nullopt;
    }
    if (reply.status < 200 || reply.status > 299) {
      measured_.Error(std::string(kOpNames[op]) + " HTTP " + std::to_string(reply.status) + " " +
                          ProblemType(reply.body),
                      ProblemDetail(reply.body));
      return std::nullopt;
    }
    Counting().latency_ms[op].push_back(ms);
    if (verb == http::verb::get) {
      ++Counting().reads;
    } else {
      ++Counting().writes;
    }
    return reply;
  }

  std::optional<json> JsonOf(std::size_t op, const Reply& reply) {
    json parsed = json::parse(reply.body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      measured_.Error(std::string(kOpNames[op]) + " bad JSON", Excerpt(reply.body));
      return std::nullopt;
    }
    return parsed;
  }

  std::optional<std::string> Upload(const std::string& token, std::string bytes) {
    std::optional<Reply> reply = Call(kUpload, http::verb::post, "/v1/documents", token,
                                      std::move(bytes), "application/pdf");
    if (!reply) return std::nullopt;
    std::optional<json> document = JsonOf(kUpload, *reply);
    if (!document || !(*document)["id"].is_string()) return std::nullopt;
    return (*document)["id"].get<std::string>();
  }

  // An action; the reply (for its ETag and state) if it was 2xx.
  std::optional<Reply> Act(std::size_t op, const std::string& code, const std::string& action,
                           const std::string& token, const json& payload, const std::string& etag) {
    std::optional<Reply> reply =
        Call(op, http::verb::post, "/v1/dossiers/" + code + "/actions/" + action, token,
             payload.dump(), "application/json", etag);
    if (reply) ++Counting().transitions;
    return reply;
  }

  // --mix transitions: pairs of clerk actions on one dossier at a time.
  void RunTransitions() {
    double read_budget = 0;
    std::string code, etag;
    int cycles = 0;
    // Each connection's first dossier starts part-way through its cycles,
    // by the connection's index: the connections then submit at different
    // times, as citizens do, instead of all together once per round.
    int first_cycle = index_ * kCyclesPerDossier / plan_.connections;
    while (!TimeUp()) {
      if (code.empty() || cycles == kCyclesPerDossier) {
        std::optional<std::pair<std::string, std::string>> created = SubmitDossier();
        if (!created) {
          Pause();  // no error storm
          continue;
        }
        std::tie(code, etag) = *created;
        cycles = std::exchange(first_cycle, 0);
      }
      std::optional<Reply> paused = Act(kSupplement, code, "request_supplement_at_reception",
                                        plan_.tokens.clerk, {{"comment", "Bổ sung bản sao"}}, etag);
      std::optional<Reply> resubmitted =
          paused
              ? Act(kResubmit, code, "resubmit", plan_.tokens.clerk, json::object(), paused->etag)
              : std::nullopt;
      if (!resubmitted) {
        code.clear();  // start over on a fresh dossier
        Pause();
        continue;
      }
      etag = resubmitted->etag;
      ++cycles;
      read_budget += plan_.reads_per_write * 2;
      while (read_budget >= 1 && !TimeUp()) {
        read_budget -= 1;
        Read();
      }
    }
  }

  // Uploads a declaration and submits a dossier of 1.003677 with it; its
  // code and ETag.
  std::optional<std::pair<std::string, std::string>> SubmitDossier() {
    const std::string tag =
        plan_.nonce + "-" + std::to_string(index_) + "-" + std::to_string(++sequence_);
    std::optional<std::string> declaration =
        Upload(plan_.tokens.applicant,
               "%PDF-1.4\n% CT01 temporary absence declaration, loadgen " + tag + "\n%%EOF\n");
    if (!declaration) return std::nullopt;
    const json submission = {{"procedure", "1.003677"},
                             {"agency", plan_.agency},
                             {"form",
                              {{"full_name", "Nguyễn Thị Vắng"},
                               {"citizen_id", plan_.applicant_id},
                               {"absent_from", "2026-03-10"},
                               {"absent_until", "2026-04-10"},
                               {"destination", "Đà Nẵng"},
                               {"reason", "công tác"}}},
                             {"documents", {{"declaration", *declaration}}}};
    std::optional<Reply> created =
        Call(kSubmit, http::verb::post, "/v1/dossiers", plan_.tokens.applicant, submission.dump(),
             "application/json");
    if (!created) return std::nullopt;
    std::optional<json> dossier = JsonOf(kSubmit, *created);
    if (!dossier || !(*dossier)["code"].is_string()) return std::nullopt;
    last_code_ = (*dossier)["code"].get<std::string>();
    return std::make_pair(last_code_, created->etag);
  }

  bool Lifecycle() {
    std::optional<std::pair<std::string, std::string>> created = SubmitDossier();
    if (!created) return false;
    const std::string& code = created->first;
    const std::string tag =
        plan_.nonce + "-" + std::to_string(index_) + "-" + std::to_string(sequence_);
    std::optional<Reply> received =
        Act(kReceive, code, "receive", plan_.tokens.clerk, json::object(), created->second);
    if (!received) return false;

    std::optional<std::string> result_document =
        Upload(plan_.tokens.specialist,
               "%PDF-1.4\n% THONG BAO ket qua khai bao tam vang, loadgen " + tag + "\n%%EOF\n");
    if (!result_document) return false;
    std::optional<Reply> proposed =
        Act(kPropose, code, "propose_result", plan_.tokens.specialist,
            {{"comment", "Đủ điều kiện"}, {"result_document", *result_document}}, received->etag);
    if (!proposed) return false;

    std::optional<Reply> result =
        Call(kGetResult, http::verb::get, "/v1/dossiers/" + code + "/result", plan_.tokens.leader);
    if (!result) return false;
    const SteadyClock::time_point sign_start = SteadyClock::now();
    motcua::Result<motcua::SealedSignature> signed_result =
        plan_.signer->SealDetached(result->body);
    if (!signed_result.ok()) {
      measured_.Error("sign(client) failed", signed_result.error().message());
      return false;
    }
    const std::string& signature = signed_result->der;
    Counting().latency_ms[kSign].push_back(MillisecondsSince(sign_start));

    std::optional<Reply> signed_reply =
        Act(kSignResult, code, "sign_result", plan_.tokens.leader,
            {{"signature", motcua::Base64Encode(signature)}}, proposed->etag);
    if (!signed_reply) return false;
    std::optional<json> after_sign = JsonOf(kSignResult, *signed_reply);
    if (!after_sign) return false;
    const std::string state = after_sign->value("state", "");
    if (state != "result_ready") {
      measured_.Error("sign_result not sealed",
                      "state \"" + state + "\" after sign_result, expected result_ready");
      return false;
    }
    ++Counting().transitions;  // the automatic seal_result

    std::optional<Reply> returned = Act(kReturnResult, code, "return_result", plan_.tokens.clerk,
                                        {{"channel", "online"}}, signed_reply->etag);
    return returned.has_value();
  }

  void Read() {
    if (next_read_is_queue_ || last_code_.empty()) {
      Call(kQueue, http::verb::get, "/v1/queue?role=reception_clerk", plan_.tokens.clerk);
    } else {
      Call(kGetDossier, http::verb::get, "/v1/dossiers/" + last_code_, plan_.tokens.applicant);
    }
    next_read_is_queue_ = !next_read_is_queue_;
  }

  FiberLoop& loop_;
  const LoadPlan& plan_;
  int index_;
  std::atomic<std::int64_t>& started_;
  // What the worker counts: into `measured_` once the warm-up is over
  // (LoadPlan::measuring), into `warmup_` before; errors always count.
  Stats& Counting() { return plan_.measuring->load() ? measured_ : warmup_; }
  Stats& measured_;
  Stats warmup_;
  HttpClient client_;
  std::int64_t sequence_ = 0;
  std::string last_code_;
  bool next_read_is_queue_ = true;
};

struct LoadResult {
  Stats stats;
  double seconds = 0;
  double client_cpu_seconds = 0;
  std::optional<double> server_cpu_seconds;
};

LoadResult RunLoad(const LoadPlan& plan, int connections, int client_threads, pid_t server_pid) {
  std::vector<Stats> per_worker(static_cast<std::size_t>(connections));
  std::atomic<std::int64_t> started{0};
  std::optional<double> server_cpu_before =
      server_pid > 0 ? ProcCpuSeconds(server_pid) : std::nullopt;
  double cpu_before = SelfCpuSeconds();
  const SteadyClock::time_point first = SteadyClock::now();
  SteadyClock::time_point start = first;
  const auto warmup = std::chrono::duration_cast<SteadyClock::duration>(
      std::chrono::duration<double>(plan.warmup_seconds));
  LoadPlan timed = plan;
  timed.measuring = std::make_shared<std::atomic<bool>>(warmup.count() == 0);
  if (plan.deadline) timed.deadline = first + warmup + (*plan.deadline - SteadyClock::time_point{});
  timed.pace_start = first;
  {
    FiberLoops loops(client_threads);
    for (int i = 0; i < connections; ++i) {
      FiberLoop& loop = loops.For(i);
      loop.Spawn([&loop = loop, &timed, &started, &per_worker, i] {
        Worker(loop, timed, i, started, per_worker[static_cast<std::size_t>(i)]).Run();
      });
    }
    loops.Start();
    if (warmup.count() > 0) {
      // The measurement starts once the warm-up is over: its time and CPU too.
      std::this_thread::sleep_until(first + warmup);
      start = SteadyClock::now();
      cpu_before = SelfCpuSeconds();
      if (server_pid > 0) server_cpu_before = ProcCpuSeconds(server_pid);
      timed.measuring->store(true);
    }
    loops.Join();
  }
  LoadResult result;
  result.seconds = SecondsBetween(start, SteadyClock::now());
  result.client_cpu_seconds = SelfCpuSeconds() - cpu_before;
  if (server_cpu_before) {
    if (std::optional<double> after = ProcCpuSeconds(server_pid)) {
      result.server_cpu_seconds = *after - *server_cpu_before;
    }
  }
  for (Stats& stats : per_worker) result.stats.Merge(stats);
  for (std::vector<double>& values : result.stats.latency_ms)
    std::sort(values.begin(), values.end());
  return result;
}

// ---------------------------------------------------------------- references

struct HealthzResult {
  std::int64_t ok = 0;
  std::int64_t errors = 0;
  double seconds = 0;
  std::vector<double> latency_ms;
};

HealthzResult RunHealthz(tcp::endpoint endpoint, std::chrono::milliseconds timeout, int connections,
                         int client_threads, double seconds) {
  HealthzResult result;
  std::mutex mutex;
  const SteadyClock::time_point start = SteadyClock::now();
  const SteadyClock::time_point end = start + std::chrono::duration_cast<SteadyClock::duration>(
                                                  std::chrono::duration<double>(seconds));
  FiberLoops loops(client_threads);
  for (int i = 0; i < connections; ++i) {
    FiberLoop& loop = loops.For(i);
    loop.Spawn([&, &loop = loop] {
      HttpClient client(loop, endpoint, timeout);
      std::vector<double> latencies;
      std::int64_t errors = 0;
      while (SteadyClock::now() < end && !g_interrupted.load()) {
        const SteadyClock::time_point sent = SteadyClock::now();
        Reply reply = client.Send(http::verb::get, "/healthz", "");
        if (reply.status == 200) {
          latencies.push_back(MillisecondsSince(sent));
        } else {
          ++errors;
          loop.SleepFor(std::chrono::milliseconds(10));
        }
      }
      std::lock_guard lock(mutex);
      result.latency_ms.insert(result.latency_ms.end(), latencies.begin(), latencies.end());
      result.errors += errors;
    });
  }
  loops.Start();
  loops.Join();
  result.seconds = SecondsBetween(start, SteadyClock::now());
  result.ok = static_cast<std::int64_t>(result.latency_ms.size());
  std::sort(result.latency_ms.begin(), result.latency_ms.end());
  return result;
}

struct RawResult {
  std::int64_t rows = 0;
  double seconds = 0;
  std::vector<double> latency_ms;  // of each insert, sorted
  std::string error;
  std::string path;
};

// One connection, WAL, synchronous=FULL, one INSERT per transaction (the
// autocommit of each statement), into a fresh file in `dir`, removed after.
RawResult RunRawInserts(const std::string& dir, double seconds) {
  RawResult result;
  std::random_device random;
  result.path = (fs::path(dir) / ("loadgen-raw-" + std::to_string(getpid()) + "-" +
                                  std::to_string(random()) + ".db"))
                    .string();
  sqlite3* db = nullptr;
  auto fail = [&](const std::string& what) {
    result.error = what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "cannot open");
  };
  sqlite3_stmt* insert = nullptr;
  if (sqlite3_open(result.path.c_str(), &db) != SQLITE_OK) {
    fail(result.path);
  } else if (sqlite3_exec(db, "PRAGMA journal_mode=WAL", nullptr, nullptr, nullptr) != SQLITE_OK ||
             sqlite3_exec(db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr) != SQLITE_OK ||
             sqlite3_exec(db,
                          "CREATE TABLE events (id INTEGER PRIMARY KEY, dossier TEXT NOT NULL, "
                          "payload TEXT NOT NULL)",
                          nullptr, nullptr, nullptr) != SQLITE_OK) {
    fail("set-up");
  } else if (sqlite3_prepare_v2(db, "INSERT INTO events (dossier, payload) VALUES (?1, ?2)", -1,
                                &insert, nullptr) != SQLITE_OK) {
    fail("prepare");
  } else {
    const std::string payload(200, 'x');
    const SteadyClock::time_point start = SteadyClock::now();
    const SteadyClock::time_point end = start + std::chrono::duration_cast<SteadyClock::duration>(
                                                    std::chrono::duration<double>(seconds));
    while (SteadyClock::now() < end && !g_interrupted.load()) {
      const SteadyClock::time_point began = SteadyClock::now();
      const std::string dossier = "RAW-" + std::to_string(result.rows);
      sqlite3_bind_text(insert, 1, dossier.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(insert, 2, payload.c_str(), -1, SQLITE_STATIC);
      if (sqlite3_step(insert) != SQLITE_DONE) {
        fail("insert");
        break;
      }
      sqlite3_reset(insert);
      result.latency_ms.push_back(SecondsBetween(began, SteadyClock::now()) * 1e3);
      ++result.rows;
    }
    result.seconds = SecondsBetween(start, SteadyClock::now());
    std::sort(result.latency_ms.begin(), result.latency_ms.end());
  }
  sqlite3_finalize(insert);
  sqlite3_close(db);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ignored;
    fs::remove(result.path + suffix, ignored);
  }
  return result;
}

struct SyncResult {
  std::vector<double> latency_ms;  // sorted
  std::string error;
};

// Overwrites the first 4 KiB of a fresh file in `dir` and fdatasyncs it, one
// after another for `seconds`; the file is removed after. The file's blocks
// are allocated and synced once before timing, so each timed fdatasync
// flushes data only: the least a durable commit can cost on this disk.
SyncResult RunFdatasyncs(const std::string& dir, double seconds) {
  SyncResult result;
  std::random_device random;
  const std::string path = (fs::path(dir) / ("loadgen-sync-" + std::to_string(getpid()) + "-" +
                                             std::to_string(random()) + ".bin"))
                               .string();
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    result.error = path + ": " + std::strerror(errno);
    return result;
  }
  std::array<char, 4096> block{};
  auto write_and_sync = [&]() -> bool {
    if (pwrite(fd, block.data(), block.size(), 0) != static_cast<ssize_t>(block.size()) ||
        fdatasync(fd) != 0) {
      result.error = path + ": " + std::strerror(errno);
      return false;
    }
    return true;
  };
  if (write_and_sync() && fsync(fd) == 0) {
    const SteadyClock::time_point end =
        SteadyClock::now() +
        std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
    while (SteadyClock::now() < end && !g_interrupted.load()) {
      ++block[result.latency_ms.size() % block.size()];
      const SteadyClock::time_point start = SteadyClock::now();
      if (!write_and_sync()) break;
      result.latency_ms.push_back(
          std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
    }
  }
  close(fd);
  std::error_code ignored;
  fs::remove(path, ignored);
  std::sort(result.latency_ms.begin(), result.latency_ms.end());
  return result;
}

// ---------------------------------------------------------------- set-up

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "loadgen: " << message << '\n';
  std::exit(1);
}

// `motcua token create`; the secret.
std::optional<std::string> CreateToken(const Config& config, const std::string& db,
                                       const std::string& user, const std::string& roles,
                                       const std::string& agency) {
  std::vector<std::string> args = {config.motcua, "token", "create",  "--db",   db, "--user", user,
                                   "--roles",     roles,   "--label", "loadgen"};
  if (!agency.empty()) {
    args.push_back("--agency");
    args.push_back(agency);
  }
  Captured run = RunCapture(args);
  const std::string secret = Trim(run.out);
  if (run.status != 0 || secret.empty() || secret.find_first_of(" \n") != std::string::npos) {
    std::cerr << "loadgen: " << Join(args) << " failed (exit " << run.status << "): " << run.out
              << '\n';
    return std::nullopt;
  }
  return secret;
}

Tokens CreateTokens(const Config& config, const std::string& db) {
  std::optional<std::string> applicant =
      CreateToken(config, db, config.applicant_id, "applicant", "");
  std::optional<std::string> clerk =
      CreateToken(config, db, "loadgen-clerk", "reception_clerk", config.agency);
  std::optional<std::string> specialist =
      CreateToken(config, db, "loadgen-specialist", "specialist", config.agency);
  // The demo leader certificate's subject UID=leader1 binds it to this user.
  std::optional<std::string> leader = CreateToken(config, db, "leader1", "leader", config.agency);
  if (!applicant || !clerk || !specialist || !leader) Die("cannot create the tokens");
  return {*applicant, *clerk, *specialist, *leader};
}

bool WaitForHealthz(tcp::endpoint endpoint, std::chrono::milliseconds timeout, double seconds) {
  const SteadyClock::time_point give_up =
      SteadyClock::now() +
      std::chrono::duration_cast<SteadyClock::duration>(std::chrono::duration<double>(seconds));
  bool up = false;
  FiberLoop loop;
  loop.Spawn([&] {
    HttpClient client(loop, endpoint, timeout);
    while (SteadyClock::now() < give_up && !g_interrupted.load()) {
      if (client.Send(http::verb::get, "/healthz", "").status == 200) {
        up = true;
        return;
      }
      loop.SleepFor(std::chrono::milliseconds(50));
    }
  });
  loop.Run();
  return up;
}

std::string RandomHex(int bytes) {
  std::random_device random;
  std::ostringstream text;
  for (int i = 0; i < bytes; ++i) {
    text << std::hex << std::setw(2) << std::setfill('0') << (random() & 0xffu);
  }
  return text.str();
}

std::string Fixed(double value, int decimals) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(decimals) << value;
  return text.str();
}

}  // namespace

int main(int argc, char** argv) {
  Config config = ParseArgs(argc, argv);
  std::ostream& out = config.csv ? std::cerr : std::cout;
  struct sigaction on_interrupt {};
  on_interrupt.sa_handler = &OnInterrupt;
  sigemptyset(&on_interrupt.sa_mask);
  sigaction(SIGINT, &on_interrupt, nullptr);
  sigaction(SIGTERM, &on_interrupt, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const auto timeout =
      std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(config.timeout * 1000)));
  ServerProcess server;
  std::string temp_dir;
  std::string db = config.db;
  std::string pki = config.pki;
  std::string raw_dir = config.raw_dir;
  Tokens tokens{config.applicant_token, config.clerk_token, config.specialist_token,
                config.leader_token};
  auto remove_temp_dir = [&]() {
    if (temp_dir.empty()) return;
    if (config.keep) {
      out << "kept " << temp_dir << '\n';
    } else {
      std::error_code ignored;
      fs::remove_all(temp_dir, ignored);
    }
  };

  if (config.spawn) {
    if (access(config.motcua.c_str(), X_OK) != 0) {
      Die(config.motcua + " is not an executable (build target motcua, or give --motcua PATH)");
    }
    if (!fs::is_directory(config.workflows))
      Die("--workflows " + config.workflows + ": no such directory");
    std::string base = config.tmp_dir.empty() ? fs::temp_directory_path().string() : config.tmp_dir;
    std::string pattern = (fs::path(base) / "motcua-loadgen-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr)
      Die(base + ": cannot make a temporary directory: " + std::strerror(errno));
    temp_dir = pattern;
    db = temp_dir + "/motcua.db";
    pki = temp_dir + "/pki";
    Captured made = RunCapture({config.motcua, "pki", "demo", "--out", pki});
    if (made.status != 0) {
      remove_temp_dir();
      Die("motcua pki demo failed: " + made.out);
    }
    std::vector<std::string> args = {config.motcua,
                                     "serve",
                                     "--db",
                                     db,
                                     "--listen",
                                     "127.0.0.1:0",
                                     "--workflows",
                                     config.workflows,
                                     "--admin-token-file",
                                     temp_dir + "/admin-token",
                                     "--trust",
                                     pki + "/root-ca.pem",
                                     "--seal-key",
                                     pki + "/agency-seal.key",
                                     "--seal-cert",
                                     pki + "/agency-seal.pem",
                                     "--seal-chain",
                                     pki + "/chain.pem"};
    if (config.server_threads > 0) {
      args.push_back("--threads");
      args.push_back(std::to_string(config.server_threads));
    }
    if (config.server_handler_threads > 0) {
      args.push_back("--handler-threads");
      args.push_back(std::to_string(config.server_handler_threads));
    }
    std::cerr << "loadgen: starting " << Join(args) << '\n';
    if (std::string error = server.Start(args, temp_dir + "/server.log"); !error.empty()) {
      server.Stop();
      std::cerr << "loadgen: " << error << "; server.log:\n"
                << ReadFile(temp_dir + "/server.log").value_or("") << '\n';
      remove_temp_dir();
      return 1;
    }
    config.port = server.port();
    config.url = "http://127.0.0.1:" + std::to_string(config.port);
  }
  if (raw_dir.empty()) {
    raw_dir =
        !db.empty() ? fs::absolute(db).parent_path().string() : fs::temp_directory_path().string();
  }

  const tcp::endpoint endpoint(asio::ip::make_address(config.host), config.port);
  int exit_status = 0;
  std::optional<double> peak_rss_mib;
  std::optional<double> rss_mib;
  int server_exit = -1;
  {
    if (!WaitForHealthz(endpoint, timeout, 30)) {
      std::cerr << "loadgen: " << config.url << "/healthz did not answer 200 within 30 s\n";
      if (config.spawn) {
        server.Stop();
        remove_temp_dir();
      }
      return 1;
    }
    if (!db.empty()) tokens = CreateTokens(config, db);

    motcua::Result<motcua::OpenSslResultSealer> leader = motcua::OpenSslResultSealer::Load(
        pki + "/leader.key", pki + "/leader.pem", pki + "/chain.pem");
    if (!leader.ok()) Die(pki + ": cannot sign with the leader's key: " + leader.error().message());
    LeaderSigner signer = std::make_shared<motcua::OpenSslResultSealer>(std::move(leader).value());

    // Reference (a): the trivial endpoint, same connections.
    HealthzResult healthz;
    if (config.healthz_seconds > 0) {
      std::cerr << "loadgen: GET /healthz reference, " << config.connections << " connections, "
                << config.healthz_seconds << " s\n";
      healthz = RunHealthz(endpoint, timeout, config.connections, config.client_threads,
                           config.healthz_seconds);
    }

    LoadPlan plan;
    plan.endpoint = endpoint;
    plan.timeout = timeout;
    plan.tokens = tokens;
    plan.signer = signer;
    plan.agency = config.agency;
    plan.applicant_id = config.applicant_id;
    plan.nonce = RandomHex(6);
    if (config.duration > 0) {
      // Relative to the start of the load (RunLoad re-bases it).
      plan.deadline =
          SteadyClock::time_point{} + std::chrono::duration_cast<SteadyClock::duration>(
                                          std::chrono::duration<double>(config.duration));
    }
    plan.lifecycle_limit = config.lifecycles;
    plan.reads_per_write = config.reads_per_write;
    plan.transitions_mix = config.transitions_mix;
    plan.full_responses = config.full_responses;
    plan.rate = config.rate;
    plan.connections = config.connections;
    plan.warmup_seconds = config.warmup;
    std::cerr << "loadgen: lifecycles on " << config.url << ", " << config.connections
              << " connections, "
              << (config.duration > 0 ? Fixed(config.duration, 1) + " s"
                                      : std::string("no time limit"))
              << (config.lifecycles > 0
                      ? ", at most " + std::to_string(config.lifecycles) + " lifecycles"
                      : std::string())
              << '\n';
    LoadResult load =
        RunLoad(plan, config.connections, config.client_threads, config.spawn ? server.pid() : -1);

    if (config.spawn) {
      peak_rss_mib = ProcStatusMiB(server.pid(), "VmHWM");
      rss_mib = ProcStatusMiB(server.pid(), "VmRSS");
      server_exit = server.Stop();
    }

    // Reference (b): raw durable inserts on the same disk.
    RawResult raw;
    if (config.raw_seconds > 0 && !g_interrupted.load()) {
      std::cerr << "loadgen: raw SQLite inserts in " << raw_dir << ", " << config.raw_seconds
                << " s\n";
      raw = RunRawInserts(raw_dir, config.raw_seconds);
    }
    // Reference (c): one fdatasync on the same disk.
    SyncResult sync;
    if (config.sync_seconds > 0 && !g_interrupted.load()) {
      std::cerr << "loadgen: fdatasync in " << raw_dir << ", " << config.sync_seconds << " s\n";
      sync = RunFdatasyncs(raw_dir, config.sync_seconds);
    }

    // ------------------------------------------------------------ report
    const Stats& stats = load.stats;
    const double seconds = std::max(load.seconds, 1e-9);
    const double lifecycles_per_s = static_cast<double>(stats.lifecycles) / seconds;
    const double transitions_per_s = static_cast<double>(stats.transitions) / seconds;
    const double healthz_per_s =
        healthz.seconds > 0 ? static_cast<double>(healthz.ok) / healthz.seconds : 0;
    const double raw_per_s = raw.seconds > 0 ? static_cast<double>(raw.rows) / raw.seconds : 0;
    const std::int64_t errors = stats.errors + healthz.errors;

    out << "motcua loadgen: " << config.url << (config.spawn ? " (spawned: motcua serve" : "")
        << (config.spawn && config.server_threads > 0
                ? ", --threads " + std::to_string(config.server_threads)
                : std::string())
        << (config.spawn && config.server_handler_threads > 0
                ? ", --handler-threads " + std::to_string(config.server_handler_threads)
                : std::string())
        << (config.spawn ? ")" : "") << ", " << config.connections << " connections on "
        << config.client_threads << " client thread(s), " << std::thread::hardware_concurrency()
        << " cores shared by client and server\n";
    out << "load: " << (config.transitions_mix ? "mix transitions, " : "")
        << (config.full_responses ? "full responses, " : "minimal responses, ")
        << (config.rate > 0 ? "writes paced at " + Fixed(config.rate, 0) + "/s, " : std::string())
        << (config.warmup > 0 ? "after " + Fixed(config.warmup, 1) + " s of warm-up, "
                              : std::string())
        << Fixed(load.seconds, 2) << " s, " << stats.lifecycles << " lifecycles ("
        << stats.failed_lifecycles << " failed), reads per write " << config.reads_per_write
        << "\n\n";
    // The highest p99 of any operation that ran ("p99 of any request").
    double any_p99_ms = 0;
    for (std::size_t op = 0; op < kOpCount; ++op) {
      if (op != kSign && !stats.latency_ms[op].empty()) {
        any_p99_ms = std::max(any_p99_ms, Percentile(stats.latency_ms[op], 99));
      }
    }
    std::optional<double> server_us_per_transition;
    if (load.server_cpu_seconds && stats.transitions > 0) {
      server_us_per_transition =
          *load.server_cpu_seconds * 1e6 / static_cast<double>(stats.transitions);
    }
    out << std::left << std::setw(15) << "operation" << std::right << std::setw(9) << "count"
        << std::setw(10) << "per s" << std::setw(10) << "p50 ms" << std::setw(10) << "p95 ms"
        << std::setw(10) << "p99 ms" << std::setw(10) << "max ms" << '\n';
    for (std::size_t op = 0; op < kOpCount; ++op) {
      const std::vector<double>& values = stats.latency_ms[op];
      out << std::left << std::setw(15) << kOpNames[op] << std::right << std::setw(9)
          << values.size() << std::setw(10)
          << Fixed(static_cast<double>(values.size()) / seconds, 1) << std::setw(10)
          << Fixed(Percentile(values, 50), 2) << std::setw(10) << Fixed(Percentile(values, 95), 2)
          << std::setw(10) << Fixed(Percentile(values, 99), 2) << std::setw(10)
          << Fixed(values.empty() ? 0 : values.back(), 2) << '\n';
    }
    out << '\n';
    out << "lifecycles/s                 " << Fixed(lifecycles_per_s, 1) << '\n';
    out << "durable transitions/s (HTTP) " << Fixed(transitions_per_s, 1) << "  ("
        << stats.transitions << " = action POSTs 2xx + automatic seals)\n";
    out << "all 2xx POSTs/s              " << Fixed(static_cast<double>(stats.writes) / seconds, 1)
        << "  (uploads, submits, actions)\n";
    out << "2xx GETs/s                   " << Fixed(static_cast<double>(stats.reads) / seconds, 1)
        << "  (get_result, queue, get_dossier)\n";
    out << "errors                       " << errors << (errors == 0 ? "" : "  <- must be 0")
        << '\n';
    out << "CPU during load              loadgen " << Fixed(load.client_cpu_seconds, 2) << " s";
    if (load.server_cpu_seconds) out << ", server " << Fixed(*load.server_cpu_seconds, 2) << " s";
    out << " of " << Fixed(load.seconds * std::thread::hardware_concurrency(), 2)
        << " s available (" << std::thread::hardware_concurrency() << " cores x wall time)\n";
    if (server_us_per_transition) {
      out << "server CPU per transition    " << Fixed(*server_us_per_transition, 1)
          << " us (all its CPU during the load, uploads and submissions included)\n";
    }
    if (load.server_cpu_seconds && stats.lifecycles > 0) {
      out << "server CPU per lifecycle     "
          << Fixed(*load.server_cpu_seconds * 1e3 / static_cast<double>(stats.lifecycles), 2)
          << " ms\n";
    }
    if (config.spawn) {
      out << "server peak RSS (VmHWM)      "
          << (peak_rss_mib ? Fixed(*peak_rss_mib, 1) + " MiB" : std::string("unknown"))
          << (rss_mib ? " (VmRSS at end " + Fixed(*rss_mib, 1) + " MiB)" : std::string())
          << ", exit status " << server_exit << " after SIGTERM\n";
    }
    out << '\n';
    if (config.healthz_seconds > 0) {
      out << "reference GET /healthz       " << Fixed(healthz_per_s, 1) << " req/s (" << healthz.ok
          << " in " << Fixed(healthz.seconds, 2) << " s, " << config.connections
          << " connections, p50 " << Fixed(Percentile(healthz.latency_ms, 50), 3) << " ms, p99 "
          << Fixed(Percentile(healthz.latency_ms, 99), 3) << " ms, " << healthz.errors
          << " errors)\n";
    }
    if (config.raw_seconds > 0 && (raw.seconds > 0 || !raw.error.empty())) {
      if (raw.error.empty()) {
        out << "reference raw SQLite inserts " << Fixed(raw_per_s, 1) << " /s (" << raw.rows
            << " in " << Fixed(raw.seconds, 2) << " s, p50 "
            << Fixed(Percentile(raw.latency_ms, 50), 3)
            << " ms; WAL, synchronous=FULL, 1 row per transaction, in " << raw_dir << ")\n";
      } else {
        out << "reference raw SQLite inserts failed: " << raw.error << '\n';
      }
    }
    if (config.sync_seconds > 0 && (!sync.latency_ms.empty() || !sync.error.empty())) {
      if (sync.error.empty()) {
        out << "reference fdatasync          p50 " << Fixed(Percentile(sync.latency_ms, 50), 3)
            << " ms, p99 " << Fixed(Percentile(sync.latency_ms, 99), 3) << " ms ("
            << sync.latency_ms.size() << " of 4 KiB, in " << raw_dir << ")\n";
      } else {
        out << "reference fdatasync failed: " << sync.error << '\n';
      }
    }
    if (healthz_per_s > 0) {
      out << "transitions/s / healthz/s    " << Fixed(transitions_per_s / healthz_per_s, 4) << '\n';
    }
    if (raw_per_s > 0) {
      out << "transitions/s / raw inserts/s " << Fixed(transitions_per_s / raw_per_s, 3) << '\n';
    }
    if (config.transitions_mix && sync.error.empty() && !sync.latency_ms.empty()) {
      // Both actions of the mix are one durable transition each.
      std::vector<double> transitions = stats.latency_ms[kSupplement];
      transitions.insert(transitions.end(), stats.latency_ms[kResubmit].begin(),
                         stats.latency_ms[kResubmit].end());
      std::sort(transitions.begin(), transitions.end());
      if (!transitions.empty()) {
        out << "transition p50 / fdatasync p50 "
            << Fixed(Percentile(transitions, 50) / Percentile(sync.latency_ms, 50), 2) << '\n';
      }
      // On one connection nothing overlaps: a durable transition over HTTP
      // takes at least a trivial request's round trip plus one durable
      // SQLite commit, whatever the server does between them.
      if (config.connections == 1 && !healthz.latency_ms.empty() && !raw.latency_ms.empty()) {
        const double floor_ms = Percentile(healthz.latency_ms, 50) + Percentile(raw.latency_ms, 50);
        out << "floor: /healthz p50 + raw insert p50 " << Fixed(floor_ms, 3) << " ms, "
            << Fixed(floor_ms / Percentile(sync.latency_ms, 50), 2) << " x fdatasync p50\n";
      }
    }
    if (!stats.error_kinds.empty()) {
      out << "\nerrors by kind:\n";
      for (const auto& [kind, count] : stats.error_kinds)
        out << "  " << count << "  " << kind << '\n';
      out << "first errors:\n";
      for (std::size_t i = 0;
           i < stats.error_samples.size() && i < static_cast<std::size_t>(config.show_errors);
           ++i) {
        out << "  " << stats.error_samples[i] << '\n';
      }
    }
    if (config.csv) {
      std::cout << config.connections << ',' << Fixed(lifecycles_per_s, 2) << ','
                << Fixed(transitions_per_s, 2) << ','
                << Fixed(Percentile(stats.latency_ms[kSignResult], 99), 2) << ','
                << Fixed(healthz_per_s, 1) << ',' << errors << ','
                << (peak_rss_mib ? Fixed(*peak_rss_mib, 1) : std::string()) << ','
                << Fixed(any_p99_ms, 2) << ','
                << (server_us_per_transition ? Fixed(*server_us_per_transition, 1) : std::string())
                << std::endl;
    }
    const bool ran = config.transitions_mix ? stats.transitions > 0 : stats.lifecycles > 0;
    if (errors != 0 || !ran) exit_status = 1;
    if (g_interrupted.load()) exit_status = 130;
  }
  remove_temp_dir();
  return exit_status;
}
