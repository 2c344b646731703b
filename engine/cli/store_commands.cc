#include "engine/cli/store_commands.h"

#include <ostream>

#include "engine/cli/options.h"
#include "engine/sqlite/audit_chain.h"
#include "engine/sqlite/backup.h"

namespace motcua::cli {
namespace {

constexpr std::string_view kAuditUsage =
    "Usage: motcua audit verify --db PATH [--dossier CODE]\n"
    "\n"
    "Recomputes the hash chain of every dossier's event log (or of one\n"
    "dossier) and names the first broken link: an event whose content or\n"
    "order was changed after it was written.\n"
    "\n"
    "Exit status: 0 every chain verifies, 1 a chain is broken, 2 usage error,\n"
    "3 the database cannot be read.\n";

constexpr std::string_view kBackupUsage =
    "Usage: motcua backup --db PATH --out FILE\n"
    "\n"
    "Copies the database to FILE (which must not exist) with SQLite's online\n"
    "backup API: a consistent snapshot, safe while the server is running.\n"
    "\n"
    "Exit status: 0 done, 2 usage error, 3 the backup failed.\n";

int RunAudit(const std::vector<std::string>& args, CommandIo io) {
  Result<ParsedOptions> options = ParseOptions(args, {"db", "dossier"});
  if (!options.ok()) {
    io.err << "motcua audit: " << options.error().message() << '\n';
    return kExitUsage;
  }
  if (options->positional != std::vector<std::string>{"verify"} || !options->Get("db")) {
    io.err << kAuditUsage;
    return kExitUsage;
  }
  Result<AuditVerification> verification =
      VerifyAuditChain(*options->Get("db"), options->Get("dossier"));
  if (!verification.ok()) {
    io.err << "motcua audit: " << verification.error().message() << '\n';
    return kExitFailure;
  }
  if (verification->ok) {
    io.out << "ok: " << verification->events_checked << " events verified\n";
    return kExitOk;
  }
  const BrokenLink& broken = *verification->first_broken;
  io.out << "broken: dossier " << broken.dossier_code << ", event " << broken.index << " (sequence "
         << broken.sequence << "): " << broken.reason << '\n'
         << verification->events_checked << " events checked before it\n";
  return kExitProblems;
}

int RunBackup(const std::vector<std::string>& args, CommandIo io) {
  Result<ParsedOptions> options = ParseOptions(args, {"db", "out"});
  if (!options.ok()) {
    io.err << "motcua backup: " << options.error().message() << '\n';
    return kExitUsage;
  }
  if (!options->positional.empty() || !options->Get("db") || !options->Get("out")) {
    io.err << kBackupUsage;
    return kExitUsage;
  }
  Status done = BackupDatabase(*options->Get("db"), *options->Get("out"));
  if (!done.ok()) {
    io.err << "motcua backup: " << done.error().message() << '\n';
    return kExitFailure;
  }
  io.out << "backup written to " << *options->Get("out") << '\n';
  return kExitOk;
}

}  // namespace

Command AuditCommand() {
  return {"audit", "verify the tamper-evident audit trail of a database", kAuditUsage, &RunAudit};
}

Command BackupCommand() {
  return {"backup", "copy a live database safely", kBackupUsage, &RunBackup};
}

}  // namespace motcua::cli
