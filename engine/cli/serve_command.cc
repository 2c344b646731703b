#include "engine/cli/serve_command.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <thread>

#include "api/calendar_metrics.h"
#include "api/demo_routes.h"
#include "api/document_routes.h"
#include "api/dossier_routes.h"
#include "api/feed_routes.h"
#include "api/health.h"
#include "api/http_server.h"
#include "api/idempotency.h"
#include "api/metrics.h"
#include "api/migration_routes.h"
#include "api/payment_routes.h"
#include "api/report_routes.h"
#include "api/request_authentication.h"
#include "api/router.h"
#include "api/session_routes.h"
#include "api/sign_in_routes.h"
#include "api/user_routes.h"
#include "api/web_assets.h"
#include "api/web_routes.h"
#include "api/webhook_client.h"
#include "engine/cli/agency_roles_file.h"
#include "engine/cli/buffered_log_sink.h"
#include "engine/cli/bundled_schema.h"
#include "engine/cli/calendar_files.h"
#include "engine/cli/checkpoint_files.h"
#include "engine/cli/database.h"
#include "engine/cli/files.h"
#include "engine/cli/initial_admin.h"
#include "engine/cli/oidc_providers.h"
#include "engine/cli/options.h"
#include "engine/cli/serve_options.h"
#include "engine/cli/sign_in_setup.h"
#include "engine/cli/signature_commands.h"
#include "engine/cli/store_metrics.h"
#include "engine/cli/system_clock.h"
#include "engine/crypto/base64.h"
#include "engine/crypto/hmac.h"
#include "engine/crypto/openssl_cms.h"
#include "engine/crypto/openssl_token_crypto.h"
#include "engine/crypto/sha256.h"
#include "engine/domain/log.h"
#include "engine/domain/status_macros.h"
#include "engine/domain/thread_name.h"
#include "engine/domain/workflow_lint.h"
#include "engine/service/demo_service.h"
#include "engine/service/document_service.h"
#include "engine/service/dossier_service.h"
#include "engine/service/feed_pusher.h"
#include "engine/service/feed_retention.h"
#include "engine/service/feed_service.h"
#include "engine/service/migration_service.h"
#include "engine/service/payment_service.h"
#include "engine/service/report_service.h"
#include "engine/service/result_signing.h"
#include "engine/service/session_service.h"
#include "engine/service/timer_service.h"
#include "engine/service/token_service.h"
#include "engine/service/user_admin.h"
#include "engine/service/workflow_catalog.h"

namespace motcua::cli {
namespace {

// The agency of the first admin, and of the demo staff, without --admin-agency.
constexpr const char* kDefaultAdminAgency = "000.00.00.H26";

// Option `name` as a whole number within [min, max]: `fallback` when it is
// absent, nullopt when it is not such a number.
std::optional<int> CountOption(const ParsedOptions& options, const std::string& name, int min,
                               int max, int fallback) {
  const std::optional<std::string> text = options.Get(name);
  if (!text) return fallback;
  int n = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), n);
  if (error != std::errc() || end != text->data() + text->size() || n < min || n > max) {
    return std::nullopt;
  }
  return n;
}

struct Listen {
  std::string host;
  std::uint16_t port = 0;
};

Result<Listen> ParseListen(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error(ErrorCode::kInvalidArgument, "--listen must be HOST:PORT, e.g. 127.0.0.1:8080");
  }
  unsigned port = 0;
  const char* begin = text.data() + colon + 1;
  const char* end = text.data() + text.size();
  auto [stop, error] = std::from_chars(begin, end, port);
  if (error != std::errc() || stop != end || port > 65535) {
    return Error(ErrorCode::kInvalidArgument, "--listen port must be 0-65535");
  }
  return Listen{text.substr(0, colon), static_cast<std::uint16_t>(port)};
}

// Lints every *.json file of `directory` and publishes it; any invalid file
// stops the start-up with every problem printed.
Status PublishBundledWorkflows(WorkflowCatalog& catalog, const JsonSchema& schema,
                               const std::string& directory, std::ostream& log) {
  std::vector<std::filesystem::path> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  if (error) return Error(ErrorCode::kNotFound, directory + ": " + error.message());
  std::sort(files.begin(), files.end());
  std::vector<nlohmann::json> documents;
  for (const auto& file : files) {
    ASSIGN_OR_RETURN(nlohmann::json document, ReadWorkflowFile(file.string()));
    documents.push_back(std::move(document));
  }
  std::vector<std::vector<FieldError>> problems = LintWorkflows(schema, documents);
  bool clean = true;
  for (std::size_t i = 0; i < files.size(); ++i) {
    for (const FieldError& problem : problems[i]) {
      log << files[i].string() << ": " << problem.pointer << ": " << problem.message << '\n';
      clean = false;
    }
  }
  if (!clean) return Error(ErrorCode::kInvalidArgument, "workflow definitions are not valid");
  for (std::size_t i = 0; i < files.size(); ++i) {
    ASSIGN_OR_RETURN(StoredDefinition published,
                     catalog.Publish(Actor{"motcua serve", {kSystemRole}, ""}, documents[i]));
    log << "workflow " << published.procedure_code << " v" << published.version << " ("
        << files[i].filename().string() << ")\n";
  }
  return Status();
}

// One pass of feed retention as the system, logged when it deleted
// something or failed.
void PruneFeed(FeedRetention& retention, const Logger& logger) {
  Result<FeedPruneResult> pruned = retention.PruneDue(Actor{"motcua serve", {kSystemRole}, ""});
  if (!pruned.ok()) {
    logger.Log(LogLevel::kError, "feed", {{"message", "pruning: " + pruned.error().message()}});
  } else if (pruned->deleted > 0) {
    logger.Log(LogLevel::kInfo, "feed",
               {{"message", "pruned " + std::to_string(pruned->deleted) +
                                " entries past retention; readers continue after " +
                                std::to_string(pruned->pruned_through) +
                                (pruned->more ? " (more next sweep)" : "")}});
  }
}

// Runs TimerService::Sweep, then FeedRetention::PruneDue, every `interval`
// on its own thread until Stop() (or destruction); an interval of zero runs
// nothing. Sweeps log what they did ("info") and what failed ("error") as
// "timers" events, pruning as "feed" events.
class TimerLoop {
 public:
  // `may_run` says whether this node runs the sweeps now (database.h).
  TimerLoop(TimerService& timers, FeedRetention* retention, std::chrono::seconds interval,
            const Logger& logger, std::function<bool()> may_run) {
    if (interval.count() == 0) return;
    thread_ =
        std::thread([this, &timers, retention, interval, &logger, may_run = std::move(may_run)] {
          NameThisThread("motcua-timers");
          std::unique_lock lock(mutex_);
          while (!stopping_) {
            if (wake_.wait_for(lock, interval, [this] { return stopping_; })) break;
            lock.unlock();
            if (!may_run()) {
              lock.lock();
              continue;
            }
            Result<SweepResult> swept = timers.Sweep();
            if (!swept.ok()) {
              logger.Log(LogLevel::kError, "timers", {{"message", swept.error().message()}});
            } else {
              for (const std::string& line : SweepLogLines(*swept)) {
                logger.Log(LogLevel::kInfo, "timers", {{"message", line}});
              }
            }
            if (retention != nullptr) PruneFeed(*retention, logger);
            lock.lock();
          }
        });
  }
  TimerLoop(const TimerLoop&) = delete;
  TimerLoop& operator=(const TimerLoop&) = delete;
  ~TimerLoop() { Stop(); }

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

// What signing needs, alive as long as the server: the trust store's
// verifier, the agency seal, and the ResultSigning built on them.
struct SigningSetup {
  std::unique_ptr<OpenSslSignatureVerifier> verifier;
  std::unique_ptr<OpenSslResultSealer> sealer;
  ResultSigning signing{SigningTools{}};
};

// Loads --trust and the seal options. A seal is tried once at start-up: one
// that does not verify against the trust store stops the start.
Result<SigningSetup> LoadSigning(const ParsedOptions& options, IdentityStore& identities,
                                 CommandIo io) {
  SigningSetup setup;
  if (std::optional<std::string> trust_path = options.Get("trust")) {
    std::vector<std::string> crls;
    if (std::optional<std::string> crl = options.Get("crl")) crls.push_back(*crl);
    Result<TrustStore> trust = TrustStore::Load(*trust_path, crls);
    if (!trust.ok()) {
      return Error(trust.error().code(),
                   (crls.empty() ? "--trust: " : "--trust/--crl: ") + trust.error().message());
    }
    io.out << "trust store: " << trust->size() << " certificate(s) from " << *trust_path;
    if (!crls.empty()) io.out << ", " << trust->crl_count() << " CRL(s) from " << crls.front();
    io.out << '\n';
    setup.verifier = std::make_unique<OpenSslSignatureVerifier>(std::move(trust).value());
  } else {
    io.out << "no --trust: result signatures will be refused\n";
  }
  if (std::optional<std::string> key = options.Get("seal-key")) {
    Result<OpenSslResultSealer> sealer =
        LoadSealerFiles(*key, *options.Get("seal-cert"), options.Get("seal-chain").value_or(""),
                        options.Get("seal-password-file"));
    if (!sealer.ok())
      return Error(sealer.error().code(), "--seal-key: " + sealer.error().message());
    setup.sealer = std::make_unique<OpenSslResultSealer>(std::move(sealer).value());
    Result<SealedSignature> probe = setup.sealer->SealDetached("motcua seal check");
    if (!probe.ok()) return Error(probe.error().code(), "agency seal: " + probe.error().message());
    Result<VerifiedSignature> verified =
        setup.verifier->VerifyDetached(probe->der, "motcua seal check");
    if (!verified.ok()) {
      return Error(
          ErrorCode::kFailedPrecondition,
          "the agency seal does not verify against --trust: " + verified.error().message());
    }
    io.out << "agency seal: " << verified->evidence.signer_subject << '\n';
  }
  SigningTools tools{setup.verifier.get(), setup.sealer.get(), &Base64Decode,
                     &Sha256Hex,           &identities,        SignatureWindow{}};
  if (std::optional<std::string> age = options.Get("signature-max-age")) {
    int minutes = 0;
    auto [end, error] = std::from_chars(age->data(), age->data() + age->size(), minutes);
    if (error != std::errc() || end != age->data() + age->size() || minutes < 1 ||
        minutes > 7 * 24 * 60) {
      return Error(ErrorCode::kInvalidArgument, "--signature-max-age must be 1-10080 minutes");
    }
    tools.window.max_age = std::chrono::minutes(minutes);
  }
  setup.signing = ResultSigning(std::move(tools));
  return setup;
}

// The payment gateway's shared secret from --payment-secret-file (a file
// only its owner may read; its trailing line break is ignored), or nullopt
// without the option.
Result<std::optional<std::string>> LoadPaymentSecret(const std::optional<std::string>& path) {
  if (!path) return std::optional<std::string>();
  struct stat info {};
  if (stat(path->c_str(), &info) != 0) {
    return Error(ErrorCode::kNotFound, "--payment-secret-file: cannot read " + *path);
  }
  if ((info.st_mode & 077) != 0) {
    return Error(ErrorCode::kFailedPrecondition,
                 "--payment-secret-file: " + *path +
                     " is readable or writable by group or others; chmod 600 it");
  }
  ASSIGN_OR_RETURN(std::string key, ReadWholeFile(*path));
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r')) key.pop_back();
  if (key.size() < 16) {
    return Error(ErrorCode::kInvalidArgument,
                 "--payment-secret-file: the secret must be at least 16 bytes");
  }
  return std::optional<std::string>(std::move(key));
}

int Fail(CommandIo io, const std::string& message) {
  io.err << "motcua serve: " << message << '\n';
  return kExitFailure;
}

int RunServe(const std::vector<std::string>& args, CommandIo io) {
  Result<ParsedOptions> options = ParseServeArguments(args);
  if (!options.ok() || !options->positional.empty()) {
    io.err << "motcua serve: "
           << (options.ok() ? "unexpected argument \"" + options->positional.front() + "\""
                            : options.error().message())
           << '\n';
    return kExitUsage;
  }
  const std::optional<LogLevel> log_level =
      ParseLogLevel(options->Get("log-level").value_or("info"));
  if (!log_level) {
    io.err << "motcua serve: --log-level must be debug, info, warning or error\n";
    return kExitUsage;
  }
  SystemClock clock;
  BufferedLogSink log_sink(io.err, BufferedLogSink::Options{});
  const Logger logger(log_sink, clock, *log_level);
  const std::string db = options->Get("db").value_or("motcua.db");
  const bool shared_database = IsPostgresUri(db);
  const std::string db_label = DatabaseLabel(db);
  const std::string admin_token_default =
      shared_database ? std::string("motcua.admin-token") : db + ".admin-token";
  std::size_t db_connections = 16;
  if (auto connections = options->Get("db-connections")) {
    int n = 0;
    auto [end, error] =
        std::from_chars(connections->data(), connections->data() + connections->size(), n);
    if (!shared_database || error != std::errc() ||
        end != connections->data() + connections->size() || n < 1 || n > 500) {
      io.err << "motcua serve: --db-connections must be 1-500 and needs a postgresql:// --db\n";
      return kExitUsage;
    }
    db_connections = static_cast<std::size_t>(n);
  }
  const std::string workflows = options->Get("workflows").value_or("workflows");
  const std::string calendars = options->Get("calendars").value_or(workflows + "/calendars");
  Result<Listen> listen = ParseListen(options->Get("listen").value_or("127.0.0.1:8080"));
  if (!listen.ok()) {
    io.err << "motcua serve: " << listen.error().message() << '\n';
    return kExitUsage;
  }
  HttpServerOptions server_options;
  server_options.address = listen->host;
  server_options.port = listen->port;
  // One I/O thread reads and writes about 70,000 small requests a second on
  // this project's 2-core machine, and a second one there only competes for
  // the cores (tools/bench_healthz.sh); handlers run on their own pool.
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  const std::optional<int> io_threads =
      CountOption(*options, "threads", 1, 256, std::max(1, cores / 4));
  if (!io_threads) {
    io.err << "motcua serve: --threads must be 1-256\n";
    return kExitUsage;
  }
  server_options.threads = *io_threads;
  const std::optional<int> handler_threads =
      CountOption(*options, "handler-threads", 1, 1024, server_options.handler_threads);
  if (!handler_threads) {
    io.err << "motcua serve: --handler-threads must be 1-1024\n";
    return kExitUsage;
  }
  server_options.handler_threads = *handler_threads;
  // On fibers, a dossier request waiting for SQLite's group commit holds no
  // thread (api/fiber_pool.h): 0.80x the server CPU per transition on the
  // 2-core machine with one fiber thread (BENCHMARKS.md). PostgreSQL's waits
  // are network round trips, which would block a fiber's thread: no fibers.
  const std::optional<int> fiber_threads =
      CountOption(*options, "fiber-threads", 0, 256, std::max(1, cores / 2));
  if (!fiber_threads) {
    io.err << "motcua serve: --fiber-threads must be 0-256\n";
    return kExitUsage;
  }
  const bool use_fibers = *fiber_threads > 0 && !shared_database;
  if (use_fibers) server_options.fiber_threads = *fiber_threads;
  if (options->Get("tls-cert").has_value() != options->Get("tls-key").has_value()) {
    io.err << "motcua serve: --tls-cert and --tls-key go together\n";
    return kExitUsage;
  }
  if (options->Get("tls-cert")) {
    server_options.tls = TlsFiles{*options->Get("tls-cert"), *options->Get("tls-key")};
  }
  server_options.error_log = logger.MessageWriter(LogLevel::kError, "http_server");
  server_options.request_log = &logger;
  std::size_t session_idle_seconds = 1800;
  std::size_t session_lifetime_seconds = 43200;
  std::size_t feed_retention_days = 90;
  struct SizeFlag {
    const char* name;
    std::size_t least;
    std::size_t most;
    std::size_t* value;
  };
  for (const SizeFlag& flag :
       {SizeFlag{"max-connections", 1, 100'000, &server_options.max_connections},
        SizeFlag{"max-connections-per-client", 1, 100'000,
                 &server_options.max_connections_per_address},
        SizeFlag{"max-anonymous-body", 0, server_options.max_body_bytes,
                 &server_options.max_unauthenticated_body_bytes},
        SizeFlag{"session-idle-timeout", 60, 86400, &session_idle_seconds},
        SizeFlag{"session-lifetime", 60, 30 * 86400, &session_lifetime_seconds},
        SizeFlag{"feed-retention-days", 0, 36500, &feed_retention_days}}) {
    const std::optional<std::string> text = options->Get(flag.name);
    if (!text) continue;
    std::size_t n = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), n);
    if (error != std::errc() || end != text->data() + text->size() || n < flag.least ||
        n > flag.most) {
      io.err << "motcua serve: --" << flag.name << " must be " << flag.least << "-" << flag.most
             << "\n";
      return kExitUsage;
    }
    *flag.value = n;
  }
  int timer_interval = 60;
  if (auto interval = options->Get("timer-interval")) {
    auto [end, error] =
        std::from_chars(interval->data(), interval->data() + interval->size(), timer_interval);
    if (error != std::errc() || end != interval->data() + interval->size() || timer_interval < 0 ||
        timer_interval > 86400) {
      io.err << "motcua serve: --timer-interval must be 0-86400 seconds\n";
      return kExitUsage;
    }
  }
  // Signed checkpoints read the SQLite file directly; on PostgreSQL they are
  // not written yet.
  int checkpoint_interval = shared_database ? 0 : 600;
  if (auto interval = options->Get("checkpoint-interval")) {
    auto [end, error] =
        std::from_chars(interval->data(), interval->data() + interval->size(), checkpoint_interval);
    if (error != std::errc() || end != interval->data() + interval->size() ||
        checkpoint_interval < 0 || checkpoint_interval > 86400) {
      io.err << "motcua serve: --checkpoint-interval must be 0-86400 seconds\n";
      return kExitUsage;
    }
    if (shared_database && checkpoint_interval > 0) {
      io.err << "motcua serve: checkpoints are not written on PostgreSQL yet; "
                "use --checkpoint-interval 0\n";
      return kExitUsage;
    }
  }
  if (options->Get("seal-key").has_value() != options->Get("seal-cert").has_value()) {
    io.err << "motcua serve: --seal-key and --seal-cert go together\n";
    return kExitUsage;
  }
  if (options->Get("seal-key") && !options->Get("trust")) {
    io.err << "motcua serve: --seal-key needs --trust (seals are verified before use)\n";
    return kExitUsage;
  }
  AgencyRoleDirectory agency_roles;
  if (auto path = options->Get("agency-roles")) {
    Result<AgencyRoleDirectory> loaded = LoadAgencyRoles(*path);
    if (!loaded.ok()) return Fail(io, "--agency-roles " + loaded.error().message());
    agency_roles = std::move(loaded).value();
  }
  // Loaded (secrets read, CA files checked) before anything else starts, so
  // that a bad file stops the server at once; the login routes use them.
  std::vector<LoadedOidcProvider> oidc_providers;
  if (auto path = options->Get("oidc-config")) {
    Result<std::vector<LoadedOidcProvider>> loaded = LoadOidcProviders(*path);
    if (!loaded.ok()) return Fail(io, "--oidc-config " + loaded.error().message());
    oidc_providers = std::move(loaded).value();
    io.out << "OpenID Connect providers:";
    for (const LoadedOidcProvider& provider : oidc_providers) {
      io.out << ' ' << provider.config.id << " ("
             << (provider.config.kind == OidcProviderKind::kCitizen ? "citizen" : "staff") << ", "
             << provider.config.issuer << ')';
    }
    io.out << '\n';
  }
  std::optional<WebhookUrl> webhook;
  if (auto url = options->Get("feed-webhook")) {
    Result<WebhookUrl> parsed = ParseWebhookUrl(*url);
    if (!parsed.ok()) {
      io.err << "motcua serve: " << parsed.error().message() << '\n';
      return kExitUsage;
    }
    webhook = std::move(parsed).value();
  }
  FeedPusherOptions pusher_options;
  pusher_options.log = logger.MessageWriter(LogLevel::kWarning, "feed_pusher");
  if (auto attempts = options->Get("feed-max-attempts")) {
    int n = 0;
    auto [end, error] = std::from_chars(attempts->data(), attempts->data() + attempts->size(), n);
    if (!webhook || error != std::errc() || end != attempts->data() + attempts->size() || n < 1 ||
        n > 1000) {
      io.err << "motcua serve: --feed-max-attempts must be 1-1000 and needs --feed-webhook\n";
      return kExitUsage;
    }
    pusher_options.max_attempts = n;
  }

  // Block the stop signals in every thread; the main thread waits for them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  Result<WorkingCalendar> calendar = LoadCalendarDirectory(calendars);
  if (!calendar.ok()) return Fail(io, calendar.error().message());
  if (std::optional<std::string> warning = CalendarEndWarning(*calendar, clock.Now())) {
    logger.Log(LogLevel::kWarning, "calendar", {{"message", *warning}});
  }

  Metrics metrics;
  StoreMetrics store_metrics(metrics);
  DatabaseOptions database_options;
  database_options.db = db;
  database_options.connections = db_connections;
  database_options.clock = &clock;
  database_options.observer = &store_metrics;
  database_options.log = logger.MessageWriter(LogLevel::kInfo, "background");
  database_options.migration_log = logger.MessageWriter(LogLevel::kInfo, "migration");
  Result<std::unique_ptr<Database>> database = Database::Open(database_options);
  if (!database.ok()) return Fail(io, db_label + ": " + database.error().message());
  DossierStore& store = (*database)->dossiers();
  IdentityStore& identities = (*database)->identities();
  OpenSslTokenCrypto token_crypto;
  TokenService tokens(identities, token_crypto, clock);
  Result<std::optional<std::string>> admin = EnsureInitialAdmin(
      identities, tokens, clock, options->Get("admin-token-file").value_or(admin_token_default),
      options->Get("admin-agency").value_or(kDefaultAdminAgency));
  if (!admin.ok()) return Fail(io, admin.error().message());
  if (*admin) io.out << "first start: admin token written to " << **admin << '\n';

  Result<nlohmann::json> schema_json = ParseJsonText(std::string(BundledWorkflowSchemaText()));
  if (!schema_json.ok()) return Fail(io, "built-in schema: " + schema_json.error().message());
  Result<JsonSchema> schema = JsonSchema::Compile(*schema_json);
  if (!schema.ok()) return Fail(io, "built-in schema: " + schema.error().message());
  WorkflowCatalog catalog(store, *schema, *calendar, clock);
  catalog.SetProblemLog(logger.MessageWriter(LogLevel::kWarning, "workflow_catalog"));
  if (Status published = PublishBundledWorkflows(catalog, *schema, workflows, io.err);
      !published.ok()) {
    return Fail(io, published.error().message());
  }
  const bool demo_mode = options->Has("demo");
  Result<std::optional<std::string>> payment_secret =
      LoadPaymentSecret(options->Get("payment-secret-file"));
  if (!payment_secret.ok()) return Fail(io, payment_secret.error().message());
  // The demo gateway signs its callbacks with a secret nobody else knows.
  if (demo_mode && !payment_secret->has_value()) *payment_secret = token_crypto.NewSecret();
  CallbackVerifier gateway;
  if (payment_secret->has_value()) {
    gateway = [key = **payment_secret](std::string_view body, std::string_view signature) {
      return HmacSha256Matches(key, body, signature);
    };
  }
  Result<SigningSetup> signing = LoadSigning(*options, identities, io);
  if (!signing.ok()) return Fail(io, signing.error().message());
  // An agency is served when some enabled staff account belongs to it.
  AgencyDirectory agencies = [&identities](const std::string& agency) -> Result<bool> {
    ASSIGN_OR_RETURN(std::vector<User> staff, identities.ListUsers(agency));
    return std::any_of(staff.begin(), staff.end(), [](const User& u) { return !u.disabled; });
  };
  DossierService dossiers(store, catalog, *calendar, clock, &signing->signing, std::move(agencies));
  dossiers.SetProblemLog(logger.MessageWriter(LogLevel::kWarning, "dossiers"));
  const std::string staff_agency = options->Get("admin-agency").value_or(kDefaultAdminAgency);
  // The agencies the demo staff agency's inter-agency procedures hand
  // branches to, for their demo officers and leaders.
  std::map<std::string, std::string> demo_role_agencies;
  for (const char* role : {kDemoResidencePoliceRole, kDemoSocialInsuranceRole}) {
    if (std::optional<std::string> agency = agency_roles.Find(staff_agency, role)) {
      demo_role_agencies.emplace(role, *agency);
    }
  }
  dossiers.SetAgencyRoles(std::move(agency_roles));
  PaymentService payments(dossiers, store, std::move(gateway));
  DocumentService documents(
      store, catalog, &Sha256Hex, clock,
      DocumentLimits{static_cast<std::int64_t>(server_options.max_body_bytes)});
  // Browser sessions; sign-in starts them through sessions.StartFunction().
  SessionService sessions(
      identities, (*database)->sessions(), token_crypto, clock,
      SessionTimeouts{std::chrono::seconds(static_cast<std::int64_t>(session_idle_seconds)),
                      std::chrono::seconds(static_cast<std::int64_t>(session_lifetime_seconds))});
  UserAdministration users(identities, tokens, clock, &sessions);
  std::unique_ptr<DemoService> demo;
  if (demo_mode) {
    demo = std::make_unique<DemoService>(
        DemoServices{identities, sessions, dossiers, payments, token_crypto, clock},
        [key = **payment_secret](std::string_view body) { return HmacSha256Hex(key, body); },
        staff_agency, demo_role_agencies);
    if (Status ensured = demo->EnsureAccounts(); !ensured.ok()) {
      return Fail(io, "demo accounts: " + ensured.error().message());
    }
    logger.Log(LogLevel::kWarning, "demo_mode",
               {{"message",
                 "DEMO MODE: anyone can sign in as any demo account (GET /v1/demo/accounts) "
                 "and pay through the demo gateway; never let this server face the internet"}});
  }

  StoreMetrics::AddQueueDepthGauge(metrics, (*database)->queue_depths);
  AddCalendarGauges(metrics, *calendar, clock);
  Router router;
  const RequestAuthenticator request_authenticator(
      [&tokens](std::string_view secret) { return tokens.Authenticate(secret); }, &sessions,
      server_options.tls.has_value());
  const Authenticator authenticate = request_authenticator;
  DossierApi api{dossiers, catalog, authenticate, *calendar};
  DocumentApi document_api{documents, authenticate};
  UserApi user_api{users, authenticate};
  FeedService feed(store, &(*database)->feed_delivery());
  FeedApi feed_api{feed, authenticate};
  ReportService reports(store, clock);
  ReportApi report_api{reports, authenticate, *calendar};
  MigrationService migrations(store, catalog, *calendar, clock, &Sha256Hex);
  MigrationApi migration_api{migrations, authenticate};
  StartSession start_session = sessions.StartFunction();
  const std::function<void(std::string_view)> log_line =
      logger.MessageWriter(LogLevel::kWarning, "sign_in");
  Result<std::unique_ptr<SignInSetup>> sign_in =
      SignInSetup::Create(oidc_providers, (*database)->open_sign_in, identities, users, clock,
                          std::move(start_session), log_line);
  if (!sign_in.ok()) return Fail(io, db_label + ": " + sign_in.error().message());
  SignInApi sign_in_api{(*sign_in)->login(),
                        (*sign_in)->links(),
                        authenticate,
                        clock,
                        server_options.tls.has_value(),
                        log_line};
  // Logging out of a provider's session returns the browser to this
  // engine's front page: the origin of that provider's redirect_uri.
  LogoutUrl sign_in_logout = [&oidc_providers,
                              &sign_in](const std::string& provider) -> std::optional<std::string> {
    for (const LoadedOidcProvider& loaded : oidc_providers) {
      if (loaded.config.id != provider) continue;
      const std::string& callback = loaded.config.redirect_uri;
      const std::size_t authority = callback.find("://");
      const std::size_t path =
          authority == std::string::npos ? std::string::npos : callback.find('/', authority + 3);
      const std::string front_page = callback.substr(0, path) + "/";
      Result<std::optional<std::string>> url =
          (*sign_in)->login().EndSessionUrl(provider, front_page);
      if (!url.ok()) return std::nullopt;
      return *url;
    }
    return std::nullopt;
  };
  if (Status added = AddOperationalRoutes(router, metrics); !added.ok()) {
    return Fail(io, added.error().message());
  }
  for (Status added : {AddDossierRoutes(router, api), AddDocumentRoutes(router, document_api),
                       AddUserRoutes(router, user_api), AddFeedRoutes(router, feed_api),
                       AddPaymentRoutes(router, PaymentApi{payments, authenticate}),

                       AddReportRoutes(router, report_api), AddSignInRoutes(router, sign_in_api),
                       AddMigrationRoutes(router, migration_api),
                       AddSessionRoutes(router, SessionApi{request_authenticator, sign_in_logout}),
                       AddWebRoutes(router, EmbeddedWebAssets())}) {
    if (!added.ok()) return Fail(io, added.error().message());
  }
  if (demo) {
    if (Status added = AddDemoRoutes(router, DemoApi{*demo, request_authenticator, clock});
        !added.ok()) {
      return Fail(io, added.error().message());
    }
  }
  server_options.runs_inline = [&router](const HttpRequest& request) {
    return router.RunsInline(request);
  };
  if (use_fibers) {
    server_options.runs_on_fibers = [&router](const HttpRequest& request) {
      return router.WaitsOnStoreOnly(request);
    };
  }
  server_options.authenticate_body = [&authenticate](const HttpRequest& head) {
    return authenticate(head).ok();
  };
  std::unique_ptr<CheckpointLoop> checkpoints;
  if (checkpoint_interval > 0) {
    Result<std::unique_ptr<CheckpointLoop>> started = CheckpointLoop::Start(
        {db, options->Get("checkpoint-dir").value_or(db + ".checkpoints"),
         options->Get("checkpoint-key"), std::chrono::seconds(checkpoint_interval)},
        clock, logger.MessageWriter(LogLevel::kError, "checkpoints"));
    if (!started.ok()) return Fail(io, "checkpoints: " + started.error().message());
    checkpoints = std::move(started).value();
  }
  FeedRetentionPolicy retention_policy;
  retention_policy.retention = std::chrono::days(feed_retention_days);
  FeedRetention feed_retention(store, webhook ? &(*database)->feed_delivery() : nullptr, clock,
                               retention_policy);
  if (feed_retention_days == 0) {
    io.out << "feed: entries are kept forever (--feed-retention-days 0)\n";
  } else if (timer_interval == 0) {
    io.out << "feed: entries are kept: --timer-interval 0 turns off the sweeps that delete them\n";
  } else {
    io.out << "feed: entries older than " << feed_retention_days
           << " days are deleted at each timer sweep"
           << (webhook ? " once the webhook has them" : "") << '\n';
  }
  HttpServer server(server_options, IdempotentHandler(InstrumentedHandler(router, metrics),
                                                      (*database)->idempotency(),
                                                      request_authenticator, &Sha256Hex, clock));
  if (Status started = server.Start(); !started.ok()) return Fail(io, started.error().message());
  io.out << "motcua listening on " << (server_options.tls ? "https" : "http") << "://"
         << listen->host << ':' << server.port() << " (database " << db_label << ")" << std::endl;
  // Request lines from now on: written in batches (buffered_log_sink.h).
  log_sink.StartBatching();

  TimerService timers(store, catalog, dossiers, clock);
  TimerLoop timer_loop(timers, &feed_retention, std::chrono::seconds(timer_interval), logger,
                       (*database)->runs_background);
  // The pusher's thread is created after the signals were blocked, so only
  // the main thread receives them.
  std::unique_ptr<WebhookClient> webhook_client;
  std::unique_ptr<FeedPusher> pusher;
  if (webhook) {
    webhook_client = std::make_unique<WebhookClient>(*webhook);
    pusher_options.may_run = (*database)->runs_background;
    pusher = std::make_unique<FeedPusher>(store, (*database)->feed_delivery(), *webhook_client,
                                          clock, std::move(pusher_options));
    pusher->Start();
    io.out << "feed: pushing to http://" << webhook->host << ':' << webhook->port << webhook->target
           << std::endl;
  }

  int received = 0;
  sigwait(&stop_signals, &received);
  io.out << "signal " << received << ": stopping" << std::endl;
  timer_loop.Stop();
  if (pusher) pusher->Stop();
  server.Stop();
  server.Wait();
  if (checkpoints) checkpoints->Stop();
  return kExitOk;
}

}  // namespace

Command ServeCommand() {
  static const std::string usage = ServeUsage();
  return {"serve", "serve the REST API", usage, &RunServe};
}

}  // namespace motcua::cli
