// postgres_test_database.h: a fresh, empty PostgreSQL database for one test,
// in the throw-away cluster that ctest starts for the tests that require the
// fixture postgres_cluster (tests/CMakeLists.txt, tests/postgres/cluster.sh).
// Header-only; the test executable links libpq.
#pragma once

#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>

namespace motcua {

// Creates a database of its own, with a unique name, in the cluster whose
// state directory (cluster.sh's DIR) MOTCUA_TEST_POSTGRES_DIR names; drops it
// on destruction, first ending any connection still open to it.
//
// The constructor sets PGPASSFILE to DIR/passfile (overwriting it), so that
// every libpq connection of the process, the store's included, authenticates
// with the cluster's password: construct it before starting threads.
//
// Without MOTCUA_TEST_POSTGRES_DIR, available() is false and uri() empty;
// such a test must fail, not pass silently:
//   PostgresTestDatabase db;
//   REQUIRE_MESSAGE(db.available(), db.unavailable_reason());
// With it set but the cluster unusable (not running, refused, CREATE DATABASE
// failed), the constructor throws std::runtime_error saying why.
class PostgresTestDatabase {
 public:
  PostgresTestDatabase() {
    const char* dir = std::getenv("MOTCUA_TEST_POSTGRES_DIR");
    if (dir == nullptr || *dir == '\0') return;
    const std::string state = dir;
    admin_uri_ = ReadFirstLine(state + "/uri");
    if (admin_uri_.empty()) {
      throw std::runtime_error("cannot read " + state +
                               "/uri: is the cluster running? (ctest fixture postgres_cluster; "
                               "tests/postgres/cluster.sh start " +
                               state + ")");
    }
    if (setenv("PGPASSFILE", (state + "/passfile").c_str(), 1) != 0) {
      throw std::runtime_error("setenv(PGPASSFILE) failed");
    }
    name_ = UniqueName();
    std::string error;
    Connection admin = Connect(admin_uri_, error);
    if (admin == nullptr) throw std::runtime_error(error);
    if (!Command(admin.get(), "CREATE DATABASE " + name_, error)) throw std::runtime_error(error);
    uri_ = WithDatabase(admin_uri_, name_);
    ca_file_ = ReadableOrEmpty(state + "/ca.crt");
    other_ca_file_ = ReadableOrEmpty(state + "/other-ca.crt");
  }

  // Never throws; a database it cannot drop is reported on stderr and left
  // to the cluster's removal (cluster.sh stop).
  ~PostgresTestDatabase() {
    if (uri_.empty()) return;
    std::string error;
    Connection admin = Connect(admin_uri_, error);
    if (admin != nullptr) {
      const char* const params[] = {name_.c_str()};
      Result ended{PQexecParams(admin.get(),
                                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                " WHERE datname = $1 AND pid <> pg_backend_pid()",
                                1, nullptr, params, nullptr, nullptr, 0)};
      // FORCE also ends connections opened since (PostgreSQL 13 and later).
      if (Command(admin.get(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)", error)) return;
    }
    std::fprintf(stderr, "PostgresTestDatabase: could not drop %s: %s\n", name_.c_str(),
                 error.c_str());
  }

  PostgresTestDatabase(const PostgresTestDatabase&) = delete;
  PostgresTestDatabase& operator=(const PostgresTestDatabase&) = delete;

  // True when the database was created; false only without MOTCUA_TEST_POSTGRES_DIR.
  bool available() const { return !uri_.empty(); }

  // The new database's connection URI: the cluster's host, port and user,
  // no password (libpq reads it from PGPASSFILE). Empty when !available().
  const std::string& uri() const { return uri_; }

  // The new database's name: lowercase letters, digits and underscores.
  const std::string& name() const { return name_; }

  // The path of the certificate (PEM) of the CA that signed the cluster's
  // server certificate: cluster.sh's DIR/ca.crt, DIR as
  // MOTCUA_TEST_POSTGRES_DIR spells it (ctest's is absolute). For
  // `sslmode=verify-full&sslrootcert=<it>`: the server's certificate names
  // 127.0.0.1 and localhost. Empty when !available() or when the cluster has
  // no TLS (the file is missing or unreadable).
  const std::string& ca_file() const { return ca_file_; }

  // The path of an unrelated CA's certificate (DIR/other-ca.crt): a root that
  // must not verify the cluster's server. Empty as ca_file() is.
  const std::string& other_ca_file() const { return other_ca_file_; }

  // Why !available(), for a test's failure message; empty when available().
  std::string unavailable_reason() const {
    if (available()) return {};
    return "MOTCUA_TEST_POSTGRES_DIR is not set: run this test through ctest (it requires the "
           "fixture postgres_cluster, tests/CMakeLists.txt), or start a cluster with "
           "`tests/postgres/cluster.sh start DIR` and set MOTCUA_TEST_POSTGRES_DIR=DIR";
  }

 private:
  struct ConnectionDeleter {
    void operator()(PGconn* connection) const { PQfinish(connection); }
  };
  struct ResultDeleter {
    void operator()(PGresult* result) const { PQclear(result); }
  };
  using Connection = std::unique_ptr<PGconn, ConnectionDeleter>;
  using Result = std::unique_ptr<PGresult, ResultDeleter>;

  // The file's first line without trailing whitespace; empty if unreadable.
  static std::string ReadFirstLine(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) {
      line.pop_back();
    }
    return line;
  }

  // `path` if this process can read it; empty otherwise.
  static std::string ReadableOrEmpty(const std::string& path) {
    return access(path.c_str(), R_OK) == 0 ? path : std::string();
  }

  // A connection to `uri`, bounded in time (10 s to connect, 60 s a
  // statement); null with `error` set on failure.
  static Connection Connect(const std::string& uri, std::string& error) {
    const char* const keywords[] = {"dbname", "connect_timeout", "options", "sslmode", nullptr};
    const char* const values[] = {uri.c_str(), "10", "-c statement_timeout=60000", "disable",
                                  nullptr};
    Connection connection{PQconnectdbParams(keywords, values, 1)};
    if (connection == nullptr) {
      error = "out of memory connecting to " + uri;
      return nullptr;
    }
    if (PQstatus(connection.get()) != CONNECTION_OK) {
      error = "cannot connect to " + uri + ": " + PQerrorMessage(connection.get());
      return nullptr;
    }
    return connection;
  }

  // Runs one statement that returns no rows; false with `error` set on failure.
  static bool Command(PGconn* connection, const std::string& sql, std::string& error) {
    Result result{PQexec(connection, sql.c_str())};
    if (result != nullptr && PQresultStatus(result.get()) == PGRES_COMMAND_OK) return true;
    error = sql + ": " + PQerrorMessage(connection);
    return false;
  }

  // motcua_t<pid>_<counter>_<8 random hex digits>: unique within the process
  // (counter), among processes running at once (pid) and across runs that
  // reuse a pid on a cluster that outlived them (random).
  static std::string UniqueName() {
    static std::atomic<unsigned long> counter{0};
    const unsigned long number = counter.fetch_add(1);
    std::random_device random;
    unsigned int bits = random();
    std::string suffix;
    for (int i = 0; i < 8; ++i) {
      suffix += "0123456789abcdef"[bits & 0xFu];
      bits >>= 4;
    }
    return "motcua_t" + std::to_string(getpid()) + "_" + std::to_string(number) + "_" + suffix;
  }

  // `uri` with its database (the path after host:port) replaced by `database`.
  static std::string WithDatabase(const std::string& uri, const std::string& database) {
    const std::string::size_type scheme = uri.find("://");
    const std::string::size_type authority = scheme == std::string::npos ? 0 : scheme + 3;
    const std::string::size_type query = uri.find('?', authority);
    const std::string::size_type path = std::min(uri.find('/', authority), query);
    const std::string rest = query != std::string::npos ? uri.substr(query) : std::string();
    return uri.substr(0, path) + "/" + database + rest;
  }

  std::string admin_uri_;  // the cluster's `postgres` database
  std::string name_;
  std::string uri_;  // empty until the database exists
  std::string ca_file_;
  std::string other_ca_file_;
};

}  // namespace motcua
