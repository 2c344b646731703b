#include "engine/cli/store_commands.h"

#include <optional>
#include <ostream>

#include "engine/cli/checkpoint_files.h"
#include "engine/cli/database.h"
#include "engine/cli/files.h"
#include "engine/cli/options.h"
#include "engine/cli/system_clock.h"
#include "engine/crypto/checkpoint_key.h"
#include "engine/domain/rfc3339.h"
#include "engine/postgres/pg_audit.h"
#include "engine/sqlite/audit_chain.h"
#include "engine/sqlite/backup.h"

namespace motcua::cli {
namespace {

constexpr std::string_view kAuditUsage =
    "Usage: motcua audit verify --db PATH|URI [--dossier CODE] [--checkpoint FILE [--key PEM]]\n"
    "       motcua audit checkpoint --db PATH --signing-key FILE --out FILE\n"
    "\n"
    "verify recomputes the hash chain of every dossier's event log (or of one\n"
    "dossier) and replays each dossier's events through the workflow version it\n"
    "is pinned to: it names every event whose content or order was changed, and\n"
    "every dossier row whose state, version or assignee its events do not\n"
    "produce (a row edited directly, an event deleted). --db is the SQLite file\n"
    "or a postgresql:// URI (one snapshot, while nodes keep writing).\n"
    "  --checkpoint FILE  a signed checkpoint (the server's checkpoints.jsonl,\n"
    "                     whose last line is used): its signature is checked, and\n"
    "                     every dossier it lists must still have its events with\n"
    "                     the same chain hash (finds truncation and rewrites,\n"
    "                     even with the chain recomputed, since the checkpoint)\n"
    "  --key PEM          the public key (or certificate) the checkpoint must be\n"
    "                     signed with; without it, the key in the checkpoint\n"
    "\n"
    "checkpoint appends a checkpoint of the chain heads, signed with the key in\n"
    "FILE (an Ed25519 key is made there, with FILE.pub, if absent), to --out and\n"
    "to the sync feed.\n"
    "\n"
    "Exit status: 0 everything verifies, 1 a problem was found or the checkpoint\n"
    "is not trustworthy, 2 usage error, 3 a file cannot be read.\n";

constexpr std::string_view kBackupUsage =
    "Usage: motcua backup --db PATH --out FILE\n"
    "\n"
    "Copies the database to FILE (which must not exist) with SQLite's online\n"
    "backup API: a consistent snapshot, safe while the server is running.\n"
    "\n"
    "Exit status: 0 done, 2 usage error, 3 the backup failed.\n";

void PrintProblem(std::ostream& out, const BrokenLink& problem) {
  switch (problem.kind) {
    case BrokenLink::Kind::kChain:
      out << "broken: dossier " << problem.dossier_code << ", event " << problem.index
          << " (sequence " << problem.sequence << "): " << problem.reason << '\n';
      return;
    case BrokenLink::Kind::kRow:
      out << "mismatch: dossier " << problem.dossier_code << ": " << problem.reason << '\n';
      return;
    case BrokenLink::Kind::kCheckpoint:
      out << "checkpoint: dossier " << problem.dossier_code << ": " << problem.reason << '\n';
      return;
    case BrokenLink::Kind::kReport: out << "report counts: " << problem.reason << '\n'; return;
  }
}

int RunAuditCheckpoint(const ParsedOptions& options, CommandIo io) {
  if (!options.Get("signing-key") || !options.Get("out") || options.Get("checkpoint") ||
      options.Get("key") || options.Get("dossier")) {
    io.err << kAuditUsage;
    return kExitUsage;
  }
  SystemClock clock;
  Result<Checkpoint> published = PublishCheckpointOnce(
      *options.Get("db"), *options.Get("signing-key"), *options.Get("out"), clock);
  if (!published.ok()) {
    io.err << "motcua audit: " << published.error().message() << '\n';
    return kExitFailure;
  }
  io.out << "checkpoint of " << published->dossiers << " dossiers, " << published->events
         << " events appended to " << *options.Get("out") << " (key " << published->key_id << ")\n";
  return kExitOk;
}

int RunAudit(const std::vector<std::string>& args, CommandIo io) {
  Result<ParsedOptions> options =
      ParseOptions(args, {"db", "dossier", "checkpoint", "key", "signing-key", "out"});
  if (!options.ok()) {
    io.err << "motcua audit: " << options.error().message() << '\n';
    return kExitUsage;
  }
  const std::vector<std::string>& verb = options->positional;
  if (verb == std::vector<std::string>{"checkpoint"} && options->Get("db")) {
    return RunAuditCheckpoint(*options, io);
  }
  if (verb != std::vector<std::string>{"verify"} || !options->Get("db") ||
      options->Get("signing-key") || options->Get("out") ||
      (options->Get("key") && !options->Get("checkpoint"))) {
    io.err << kAuditUsage;
    return kExitUsage;
  }
  AuditOptions audit;
  audit.dossier_code = options->Get("dossier");
  std::optional<Checkpoint> checkpoint;
  if (std::optional<std::string> path = options->Get("checkpoint")) {
    Result<Checkpoint> read = ReadLatestCheckpoint(*path);
    if (!read.ok()) {
      io.err << "motcua audit: " << read.error().message() << '\n';
      return read.error().code() == ErrorCode::kInvalidArgument ? kExitProblems : kExitFailure;
    }
    std::optional<std::string> pinned;
    if (std::optional<std::string> key_path = options->Get("key")) {
      Result<std::string> pem = ReadWholeFile(*key_path);
      if (!pem.ok()) {
        io.err << "motcua audit: " << pem.error().message() << '\n';
        return kExitFailure;
      }
      pinned = std::move(pem).value();
    }
    if (Status trusted = VerifyCheckpoint(*read, pinned); !trusted.ok()) {
      io.out << "checkpoint: " << trusted.error().message() << '\n';
      return kExitProblems;
    }
    checkpoint = std::move(read).value();
    audit.checkpoint = &*checkpoint;
  }
  const std::string db = *options->Get("db");
  if (IsPostgresUri(db)) {
    if (Status uri = CheckPostgresUri(db); !uri.ok()) {
      io.err << "motcua audit: " << uri.error().message() << '\n';
      return kExitUsage;
    }
  }
  Result<AuditVerification> verification =
      IsPostgresUri(db) ? VerifyPostgresAudit(db, audit) : VerifyAudit(db, audit);
  if (!verification.ok()) {
    io.err << "motcua audit: " << verification.error().message() << '\n';
    return kExitFailure;
  }
  if (verification->ok) {
    io.out << "ok: " << verification->events_checked << " events verified\n";
    if (checkpoint) {
      io.out << "checkpoint: every dossier matches the checkpoint issued at "
             << FormatRfc3339DateTime(checkpoint->issued_at) << " (" << checkpoint->dossiers
             << " dossiers, key " << checkpoint->key_id << ")\n";
    }
    return kExitOk;
  }
  for (const BrokenLink& problem : verification->problems) PrintProblem(io.out, problem);
  io.out << verification->problems.size() << " problems; " << verification->events_checked
         << " events verified\n";
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
