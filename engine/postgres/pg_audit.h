// pg_audit.h: `motcua audit verify` on a PostgreSQL database: the audit of
// engine/storage/audit.h over one REPEATABLE READ snapshot, so that nodes
// writing meanwhile change nothing it sees. Events are read through a cursor,
// a few thousand at a time, so memory stays flat on large databases.
#pragma once

#include <string>

#include "engine/domain/status.h"
#include "engine/storage/audit.h"

namespace motcua {

// Connects to `conninfo` and audits it as RunAudit does; kUnavailable when
// the server cannot be reached.
Result<AuditVerification> VerifyPostgresAudit(const std::string& conninfo,
                                              const AuditOptions& options);

}  // namespace motcua
