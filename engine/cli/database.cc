#include "engine/cli/database.h"

#include <libpq-fe.h>

#include <atomic>
#include <string>
#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/postgres/pg_lease.h"
#include "engine/postgres/postgres_identity_store.h"
#include "engine/postgres/postgres_sign_in_store.h"
#include "engine/postgres/postgres_store.h"
#include "engine/sqlite/sign_in_tables.h"
#include "engine/sqlite/sqlite_identity_store.h"
#include "engine/sqlite/sqlite_store.h"

namespace motcua::cli {
namespace {

Error BadUri(const std::string& why) {
  return Error(ErrorCode::kInvalidArgument, "--db: " + why, ErrorReason::kNone,
               {FieldError{"/db", why}});
}

// What DatabaseOptions::migration_log says of each migration step.
MigrationProgress MigrationLog(std::function<void(std::string_view)> log) {
  if (!log) return {};
  return [log = std::move(log)](const MigrationStep& step) {
    if (step.from_version != 0) return log(DescribeMigrationStep(step));
    if (step.took && step.number == step.count) {
      log("created the database schema at version " + std::to_string(step.migration.version) +
          " (" + std::to_string(step.count) + " migrations)");
    }
  };
}

}  // namespace

bool IsPostgresUri(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string DatabaseLabel(const std::string& db) {
  if (!IsPostgresUri(db)) return db;
  const std::size_t scheme_end = db.find("://") + 3;
  std::string rest = db.substr(scheme_end, db.find('?') - scheme_end);
  const std::size_t at = rest.rfind('@');
  if (at != std::string::npos) rest = rest.substr(at + 1);
  return db.substr(0, scheme_end) + rest;
}

Status CheckPostgresUri(const std::string& uri) {
  char* message = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(uri.c_str(), &message);
  if (parsed == nullptr) {
    std::string why = message != nullptr ? message : "cannot be parsed";
    PQfreemem(message);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return BadUri("not a PostgreSQL URI: " + why);
  }
  bool has_password = false;
  for (PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    if (std::string(option->keyword) == "password" && option->val != nullptr &&
        option->val[0] != '\0') {
      has_password = true;
    }
  }
  PQconninfoFree(parsed);
  if (has_password) {
    return BadUri(
        "the URI carries a password, which any local user can read on the command line; put it "
        "in a password file (passfile= in the URI, or PGPASSFILE)");
  }
  return Status();
}

Database::~Database() = default;

template <typename Store, typename Identities>
std::unique_ptr<Database> Database::Hold(std::shared_ptr<Store> store,
                                         std::shared_ptr<Identities> identities, bool shared) {
  std::unique_ptr<Database> database(new Database());
  database->dossiers_ = store.get();
  database->idempotency_ = store.get();
  database->feed_delivery_ = store.get();
  database->identities_ = identities.get();
  database->sessions_ = identities.get();
  database->queue_depths = [raw = store.get()] { return raw->QueueDepths(); };
  database->dossier_owner_ = std::move(store);
  database->identity_owner_ = std::move(identities);
  database->shared_ = shared;
  return database;
}

Result<std::unique_ptr<Database>> Database::Open(const DatabaseOptions& options) {
  if (IsPostgresUri(options.db)) {
    RETURN_IF_ERROR(CheckPostgresUri(options.db));
    PostgresStoreOptions store_options;
    store_options.conninfo = options.db;
    store_options.connections = options.connections;
    store_options.clock = options.clock;
    store_options.observer = options.observer;
    store_options.migration_progress = MigrationLog(options.migration_log);
    ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store, PostgresStore::Open(store_options));
    ASSIGN_OR_RETURN(std::unique_ptr<PostgresIdentityStore> identities,
                     PostgresIdentityStore::Open(options.db, options.clock));
    std::unique_ptr<Database> database =
        Hold(std::shared_ptr<PostgresStore>(std::move(store)),
             std::shared_ptr<PostgresIdentityStore>(std::move(identities)), true);
    database->open_sign_in = [db = options.db,
                              clock = options.clock]() -> Result<std::unique_ptr<SignInStore>> {
      ASSIGN_OR_RETURN(std::unique_ptr<PostgresSignInStore> sign_in,
                       PostgresSignInStore::Open(db, clock));
      return std::unique_ptr<SignInStore>(std::move(sign_in));
    };
    ASSIGN_OR_RETURN(std::unique_ptr<PgLease> opened_lease, PgLease::Open(options.db));
    database->runs_background = [lease = std::shared_ptr<PgLease>(std::move(opened_lease)),
                                 log = options.log,
                                 held_before = std::make_shared<std::atomic<bool>>(false)] {
      const bool held = lease->Held();
      if (held != held_before->exchange(held) && log) {
        log(held ? "this node took the background lease: it runs the timers and the feed pusher"
                 : "this node lost the background lease: another node runs the timers and "
                   "the feed pusher");
      }
      return held;
    };
    return database;
  }
  SqliteStoreOptions store_options;
  store_options.path = options.db;
  store_options.clock = options.clock;
  store_options.observer = options.observer;
  store_options.migration_progress = MigrationLog(options.migration_log);
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store, SqliteStore::Open(store_options));
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteIdentityStore> identities,
                   SqliteIdentityStore::Open(options.db, options.clock));
  std::unique_ptr<Database> database =
      Hold(std::shared_ptr<SqliteStore>(std::move(store)),
           std::shared_ptr<SqliteIdentityStore>(std::move(identities)), false);
  database->runs_background = [] { return true; };
  database->open_sign_in = [db = options.db,
                            clock = options.clock]() -> Result<std::unique_ptr<SignInStore>> {
    ASSIGN_OR_RETURN(std::unique_ptr<SqliteSignInStore> sign_in,
                     SqliteSignInStore::Open(db, clock));
    return std::unique_ptr<SignInStore>(std::move(sign_in));
  };
  return database;
}

Result<IdentityDatabase> OpenIdentityDatabase(const std::string& db, const Clock* clock) {
  IdentityDatabase opened;
  if (IsPostgresUri(db)) {
    RETURN_IF_ERROR(CheckPostgresUri(db));
    ASSIGN_OR_RETURN(std::unique_ptr<PostgresIdentityStore> store,
                     PostgresIdentityStore::Open(db, clock));
    opened.identities = store.get();
    opened.owner = std::shared_ptr<PostgresIdentityStore>(std::move(store));
    return opened;
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SqliteIdentityStore> store,
                   SqliteIdentityStore::Open(db, clock));
  opened.identities = store.get();
  opened.owner = std::shared_ptr<SqliteIdentityStore>(std::move(store));
  return opened;
}

}  // namespace motcua::cli
