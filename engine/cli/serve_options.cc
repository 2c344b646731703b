#include "engine/cli/serve_options.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>

#include "engine/cli/files.h"
#include "engine/domain/status_macros.h"

namespace motcua::cli {
namespace {

constexpr std::size_t kHelpColumn = 25;

// clang-format off
const std::vector<OptionSpec> kServeOptions = {
    {"db", "PATH|URI", OptionKind::kPath,
     "the SQLite database file (default motcua.db), or\na PostgreSQL database shared by several nodes:\npostgresql://USER@HOST/DB?sslmode=verify-full;\nits password from a password file (passfile=\nin the URI, or PGPASSFILE), never in the URI"},
    {"db-connections", "N", OptionKind::kInteger,
     "PostgreSQL connections of this node (default 16;\n1-500); the SQLite store keeps its own pool"},
    {"listen", "HOST:PORT", OptionKind::kText,
     "address to listen on (default 127.0.0.1:8080;\nport 0 = any)"},
    {"workflows", "DIR", OptionKind::kPath,
     "workflow definitions to publish at start (default\nworkflows); a file whose content changed becomes\na new version"},
    {"calendars", "DIR", OptionKind::kPath,
     "working-day calendars (default DIR/calendars of\n--workflows)"},
    {"threads", "N", OptionKind::kInteger, "HTTP I/O threads (default: cores/4, at least 1; 1-256)"},
    {"handler-threads", "N", OptionKind::kInteger,
     "threads running request handlers (default 32;\n1-1024); writers waiting on them are what group\ncommit batches"},
    {"fiber-threads", "N", OptionKind::kInteger,
     "threads running the dossier routes on fibers,\nwhich wait for commits without holding a thread\n(default: cores/2, at least 1; 0-256; 0: on the\nhandler threads; SQLite only)"},
    {"tls-cert", "FILE", OptionKind::kPath,
     "serve HTTPS with this PEM certificate chain\n(with --tls-key)"},
    {"tls-key", "FILE", OptionKind::kPath, "the TLS private key (PEM; with --tls-cert)"},
    {"admin-token-file", "FILE", OptionKind::kPath,
     "where the first start writes the admin token\n(mode 0600; default PATH.admin-token next to the\ndatabase)"},
    {"admin-agency", "ID", OptionKind::kText,
     "agency scope of that first admin and, with --demo,\nof the demo staff (default 000.00.00.H26)"},
    {"trust", "PATH", OptionKind::kPath,
     "CA certificates (a PEM file or a directory of\nthem) that result signatures must chain to;\nwithout it no signature is accepted"},
    {"crl", "PATH", OptionKind::kPath,
     "certificate revocation lists (a PEM or DER file,\nor a directory of *.crl/*.pem): a revoked signer\nis refused, and so is one whose issuer has no CRL\nhere (OCSP is not used)"},
    {"signature-max-age", "MIN", OptionKind::kInteger,
     "refuse uploaded signatures whose signingTime is\nmore than MIN minutes old (default 60; 1-10080)"},
    {"seal-key", "FILE", OptionKind::kPath,
     "the agency seal's private key (PKCS#8 PEM or\nPKCS#12, not readable by group or others), for\nworkflow actions that require agency_seal (needs\n--seal-cert and --trust)"},
    {"seal-cert", "FILE", OptionKind::kPath, "the agency seal's certificate"},
    {"seal-chain", "FILE", OptionKind::kPath, "intermediate certificates to include in seals"},
    {"seal-password-file", "FILE", OptionKind::kPath, "the seal key's password"},
    {"payment-secret-file", "FILE", OptionKind::kPath,
     "the payment gateway's shared secret (HMAC-SHA256\nof each callback body); the file must not be\nreadable by group or others. Without it online\npayments are refused"},
    {"timer-interval", "S", OptionKind::kInteger,
     "seconds between sweeps of workflow timers and\npending automatic actions (default 60; 0 turns\nthem off; at most 86400)"},
    {"feed-webhook", "URL", OptionKind::kText,
     "push every sync-feed entry, in order, as an HTTP\nPOST to this http:// URL (header\nX-Motcua-Entry-Id; a 2xx acknowledges); failures\nare retried with exponential backoff up to 30 s;\nprogress survives restarts"},
    {"feed-retention-days", "D", OptionKind::kInteger,
     "days sync-feed entries are kept (default 90; 0\nkeeps them forever; at most 36500); older ones\nare deleted after each timer sweep, once a\n--feed-webhook has delivered them; a reader\nwhose cursor falls behind gets 410"},
    {"feed-max-attempts", "N", OptionKind::kInteger,
     "failed attempts before an entry becomes a dead\nletter (GET /v1/feed/dead-letters; default 10)"},
    {"max-connections", "N", OptionKind::kInteger,
     "connections open at once (default 512); more\nget 503"},
    {"max-connections-per-client", "N", OptionKind::kInteger,
     "connections open at once from one IP address\n(default 64; raise it behind a reverse proxy);\nmore get 503"},
    {"max-anonymous-body", "BYTES", OptionKind::kInteger,
     "the largest request body read before the caller\n(bearer token, or session cookie and CSRF token)\nis verified (default 65536); larger bodies are\nread only for valid callers, up to 10 MiB, else\n413"},
    {"checkpoint-dir", "DIR", OptionKind::kPath,
     "where signed checkpoints of the audit chain heads\nare appended (checkpoints.jsonl; default\nPATH.checkpoints next to the database); each also\ngoes onto the sync feed"},
    {"checkpoint-interval", "S", OptionKind::kInteger,
     "seconds between checkpoints, written when the\nheads changed and at shutdown (default 600; 0\nturns them off)"},
    {"checkpoint-key", "FILE", OptionKind::kPath,
     "Ed25519 or EC private key (PEM) signing them\n(default: DIR/checkpoint.key, made at first\nstart, public key in DIR/checkpoint.key.pub)"},
    {"oidc-config", "FILE", OptionKind::kPath,
     "OpenID Connect providers for sign-in (JSON; see\ntools/oidc-providers.example.json); refuses to\nstart on a bad file or a client secret others\nmay read"},
    {"agency-roles", "FILE", OptionKind::kPath,
     "which agency fills each agency role of\ninter-agency procedures, per receiving agency\n(JSON; see tools/agency-roles.example.json);\nwithout it such procedures are refused at\nsubmission"},
    {"session-idle-timeout", "S", OptionKind::kInteger,
     "a browser session unused this many seconds ends\n(default 1800; 60-86400)"},
    {"session-lifetime", "S", OptionKind::kInteger,
     "a browser session ends this many seconds after\nsign-in, used or not (default 43200;\n60-2592000)"},
    {"log-level", "LEVEL", OptionKind::kText,
     "debug, info (default), warning or error: the\nleast severe log line written to stderr (JSON\nlines; see the README's operations section)"},
    {"demo", "", OptionKind::kFlag,
     "demo mode, for a laptop only (\"demo\": true in\n--config): demo accounts anyone can sign in as\n(GET /v1/demo/accounts, POST /v1/demo/sign-in)\nand a demo payment gateway; logged loudly at\nstart. Never let it face the internet"},
};
// clang-format on

constexpr std::string_view kUsageHead =
    "Usage: motcua serve [--config FILE] [--OPTION VALUE]... [--demo]\n"
    "\n"
    "Serves the REST API on a SQLite database (created if absent).\n"
    "\n"
    "  --config FILE          read options from FILE, a JSON object whose keys\n"
    "                         are the option names below without \"--\" (e.g.\n"
    "                         {\"db\": \"/var/lib/motcua/motcua.db\", \"threads\": 4});\n"
    "                         relative paths are relative to FILE's directory;\n"
    "                         flags win over the file; an unknown key or a\n"
    "                         value of the wrong type is an error naming it\n";

constexpr std::string_view kUsageTail =
    "\n"
    "Log lines (requests, problems, timers, the feed pusher, sign-in refusals)\n"
    "are JSON objects, one per line, on stderr.\n"
    "SIGINT or SIGTERM stops accepting, finishes requests in flight, and exits 0.\n";

const OptionSpec* FindOption(std::string_view name) {
  for (const OptionSpec& spec : kServeOptions) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

Error ConfigError(const std::string& path, const std::string& key, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument, path + ": key \"" + key + "\": " + what);
}

// The file's options as flag values (see the header for the rules).
Result<std::map<std::string, std::string>> ReadServeConfig(const std::string& path) {
  ASSIGN_OR_RETURN(nlohmann::json document, ReadJsonFile(path));
  if (!document.is_object()) {
    return Error(ErrorCode::kInvalidArgument, path + ": must be one JSON object of options");
  }
  const std::filesystem::path directory = std::filesystem::path(path).parent_path();
  std::map<std::string, std::string> values;
  for (const auto& [key, value] : document.items()) {
    const OptionSpec* spec = FindOption(key);
    if (spec == nullptr) {
      return ConfigError(path, key, "unknown option (see `motcua serve --help`)");
    }
    switch (spec->kind) {
      case OptionKind::kInteger:
        if (!value.is_number_integer()) return ConfigError(path, key, "must be an integer");
        values[key] = value.is_number_unsigned() ? std::to_string(value.get<std::uint64_t>())
                                                 : std::to_string(value.get<std::int64_t>());
        break;
      case OptionKind::kFlag:
        if (!value.is_boolean()) return ConfigError(path, key, "must be true or false");
        if (value.get<bool>()) values[key] = kFlagValue;
        break;
      case OptionKind::kText:
      case OptionKind::kPath: {
        if (!value.is_string()) return ConfigError(path, key, "must be a string");
        std::string text = value.get<std::string>();
        // A database URI (--db postgresql://...) names no file.
        if (spec->kind == OptionKind::kPath && !text.empty() &&
            text.find("://") == std::string::npos && std::filesystem::path(text).is_relative()) {
          text = (directory / text).string();
        }
        values[key] = std::move(text);
        break;
      }
    }
  }
  return values;
}

}  // namespace

const std::vector<OptionSpec>& ServeOptionTable() {
  return kServeOptions;
}

std::string ServeUsage() {
  std::string usage(kUsageHead);
  for (const OptionSpec& spec : kServeOptions) {
    std::string flag = "  --" + std::string(spec.name);
    if (!spec.value_name.empty()) flag += " " + std::string(spec.value_name);
    if (flag.size() < kHelpColumn) {
      flag.resize(kHelpColumn, ' ');
    } else {
      flag += "\n" + std::string(kHelpColumn, ' ');
    }
    usage += flag;
    std::string_view help = spec.help;
    for (std::size_t start = 0; start <= help.size();) {
      std::size_t end = std::min(help.find('\n', start), help.size());
      if (start > 0) usage.append(kHelpColumn, ' ');
      usage.append(help.substr(start, end - start));
      usage += '\n';
      start = end + 1;
    }
  }
  usage += kUsageTail;
  return usage;
}

Result<ParsedOptions> ParseServeArguments(const std::vector<std::string>& args) {
  std::vector<std::string> allowed = {"config"};
  std::vector<std::string> flags;
  for (const OptionSpec& spec : kServeOptions) {
    (spec.kind == OptionKind::kFlag ? flags : allowed).emplace_back(spec.name);
  }
  Result<ParsedOptions> parsed = ParseOptions(args, allowed, flags);
  RETURN_IF_ERROR(parsed);
  std::optional<std::string> config = parsed->Get("config");
  if (!config) return parsed;
  parsed->values.erase("config");
  Result<std::map<std::string, std::string>> from_file = ReadServeConfig(*config);
  RETURN_IF_ERROR(from_file);
  // emplace keeps a value already given by a flag: flags win.
  for (auto& [name, value] : *from_file) parsed->values.emplace(name, std::move(value));
  return parsed;
}

}  // namespace motcua::cli
