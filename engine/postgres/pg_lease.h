// pg_lease.h: work that runs on one node at a time (timers, automatic
// actions, feed retention and the report backfill of the timer sweep; the
// feed pusher), among the nodes sharing one PostgreSQL database.
//
// The lease is a session-level advisory lock held on a connection of its own.
// Held() takes it when no node holds it, and keeps it while that connection
// lives. When the holding node dies, its connection ends and the server
// releases the lock: at once when the process is killed (the kernel closes
// the socket), within about 25 s when the machine vanishes (the session sets
// the server's TCP keepalives: 10 s idle, then 3 probes 5 s apart). Another
// node then takes it at its next Held().
//
// A holder that loses its connection learns it at its next Held() (false),
// so between two checks both an old and a new holder may run one round of
// work: the work itself stays safe to repeat (timers commit version-checked
// transitions; the pusher delivers at least once).
// Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "engine/domain/status.h"
#include "engine/postgres/pg_connection.h"

namespace motcua {

// The advisory lock key of the background work ("motcuabg" in ASCII).
inline constexpr std::int64_t kBackgroundLeaseKey = 0x6d6f74637561'6267;

class PgLease {
 public:
  // Connects; kUnavailable when the server cannot be reached.
  static Result<std::unique_ptr<PgLease>> Open(const std::string& conninfo,
                                               std::int64_t key = kBackgroundLeaseKey);

  // Whether this node holds the lease now, taking it if it is free.
  bool Held();

 private:
  PgLease(std::int64_t key, std::unique_ptr<PgConnection> connection)
      : key_(key), connection_(std::move(connection)) {}
  Status Configure();

  std::mutex mutex_;
  std::int64_t key_ = 0;
  std::unique_ptr<PgConnection> connection_;
  bool held_ = false;
};

}  // namespace motcua
