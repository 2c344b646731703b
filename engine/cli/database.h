// database.h: the stores the commands run on, chosen by --db:
//   - a file path (the default motcua.db): the embedded SQLite database;
//   - postgresql://... (or postgres://...): a PostgreSQL database that several
//     engine nodes share (engine/postgres).
//
// A PostgreSQL URI must not carry a password: command lines are visible to
// every local user (ps). The password comes from a password file (passfile=
// in the URI, or PGPASSFILE; libpq reads it) and TLS from the URI's sslmode,
// sslrootcert, ... (libpq's parameters). A URI libpq cannot parse, or one with
// a password, is refused with kInvalidArgument naming "/db".
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/domain/clock.h"
#include "engine/domain/feed_delivery.h"
#include "engine/domain/idempotency.h"
#include "engine/domain/identity.h"
#include "engine/domain/session_store.h"
#include "engine/domain/sign_in_store.h"
#include "engine/domain/status.h"
#include "engine/domain/store.h"
#include "engine/storage/store_observer.h"

namespace motcua::cli {

// Whether --db names a PostgreSQL database rather than a SQLite file.
bool IsPostgresUri(const std::string& db);
// What logs and errors call the database: a file's path; a PostgreSQL URI's
// host and database only, without user, password or parameters.
std::string DatabaseLabel(const std::string& db);
// kInvalidArgument when `uri` does not parse as a libpq URI or carries a
// password.
Status CheckPostgresUri(const std::string& uri);

struct DatabaseOptions {
  std::string db;                     // --db
  std::size_t connections = 16;       // PostgreSQL only
  const Clock* clock = nullptr;       // migration records
  StoreObserver* observer = nullptr;  // optional; must outlive the stores
  // Told when this node takes or loses the background lease (PostgreSQL).
  std::function<void(std::string_view)> log;
  // Told of the schema migrations Open applies: each step of an upgrade
  // before and after it ("migration 0022_... (1 of 2): applying", then
  // "... applied in 1612 ms"), and for a new database one line once its
  // schema is made. Optional.
  std::function<void(std::string_view)> migration_log;
};

// Every store `motcua serve` needs, on one database. Each pointer is set and
// owned here.
class Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const DatabaseOptions& options);
  ~Database();

  DossierStore& dossiers() { return *dossiers_; }
  IdempotencyStore& idempotency() { return *idempotency_; }
  FeedDeliveryStore& feed_delivery() { return *feed_delivery_; }
  IdentityStore& identities() { return *identities_; }
  SessionStore& sessions() { return *sessions_; }
  // Opens the sign-in store on the same database (done when sign-in is set up).
  std::function<Result<std::unique_ptr<SignInStore>>()> open_sign_in;
  // The depth of every queue, for metrics.
  std::function<Result<std::vector<QueueDepth>>()> queue_depths;
  // Whether this node runs the background work now: timers and the feed
  // pusher run on one node at a time (a lease on PostgreSQL, pg_lease.h;
  // always on SQLite, which one node serves). Thread-safe.
  std::function<bool()> runs_background;
  // Whether several nodes may share it (PostgreSQL).
  bool shared() const { return shared_; }

 private:
  Database() = default;
  // Points every port at `store` and `identities`, which it keeps alive.
  template <typename Store, typename Identities>
  static std::unique_ptr<Database> Hold(std::shared_ptr<Store> store,
                                        std::shared_ptr<Identities> identities, bool shared);
  std::shared_ptr<void> dossier_owner_;
  std::shared_ptr<void> identity_owner_;
  DossierStore* dossiers_ = nullptr;
  IdempotencyStore* idempotency_ = nullptr;
  FeedDeliveryStore* feed_delivery_ = nullptr;
  IdentityStore* identities_ = nullptr;
  SessionStore* sessions_ = nullptr;
  bool shared_ = false;
};

// The identity store alone (motcua token), on either database.
struct IdentityDatabase {
  std::shared_ptr<void> owner;
  IdentityStore* identities = nullptr;
};
Result<IdentityDatabase> OpenIdentityDatabase(const std::string& db, const Clock* clock);

}  // namespace motcua::cli
