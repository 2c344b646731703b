#include "engine/postgres/pg_lease.h"

#include <utility>

#include "engine/domain/status_macros.h"

namespace motcua {

Result<std::unique_ptr<PgLease>> PgLease::Open(const std::string& conninfo, std::int64_t key) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> connection, PgConnection::Connect(conninfo));
  std::unique_ptr<PgLease> lease(new PgLease(key, std::move(connection)));
  RETURN_IF_ERROR(lease->Configure());
  return lease;
}

Status PgLease::Configure() {
  // So that the server notices a vanished holder and frees the lock.
  return connection_->RunScript(
      "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5; "
      "SET tcp_keepalives_count = 3");
}

bool PgLease::Held() {
  std::lock_guard lock(mutex_);
  if (held_) {
    // Still ours while the session that holds it lives.
    if (connection_->RunScript("SELECT 1").ok()) return true;
    held_ = false;
  }
  if (!connection_->Healthy()) {
    if (!connection_->Reset().ok() || !Configure().ok()) return false;
  }
  Result<PgResult> taken =
      connection_->Exec("SELECT pg_try_advisory_lock($1)", PgParams().Int(key_));
  held_ = taken.ok() && taken->Rows() == 1 && taken->Text(0, 0) == "t";
  return held_;
}

}  // namespace motcua
