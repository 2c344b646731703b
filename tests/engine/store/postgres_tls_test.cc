// TLS between motcua's PostgreSQL store and the server. It is libpq's, and the
// connection URI decides it (sslmode, sslrootcert: postgres_store.h); these
// tests show that the store really connects over verified TLS when the URI asks
// for it and refuses a server it cannot verify. The throw-away cluster
// (tests/postgres/cluster.sh) serves TLS with a certificate for 127.0.0.1 and
// localhost, signed by DIR/ca.crt, and keeps taking plain connections;
// DIR/other-ca.crt is an unrelated CA.
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "engine/postgres/pg_connection.h"
#include "engine/postgres/postgres_store.h"
#include "tests/engine/sqlite/sample_dossiers.h"
#include "tests/postgres_test_database.h"

#if MOTCUA_POSTGRES_TESTS

namespace motcua {
namespace {

// `text` percent-encoded for a value in a URI's query: every byte but the
// unreserved characters and '/' (a certificate's path stays readable).
std::string PercentEncoded(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || c == '/';
    if (unreserved) {
      encoded += c;
      continue;
    }
    const auto byte = static_cast<unsigned char>(c);
    encoded += '%';
    encoded += kHex[byte >> 4];
    encoded += kHex[byte & 0xFu];
  }
  return encoded;
}

// The test database's URI (host 127.0.0.1, no query string) with `query`
// (key=value&...) added.
std::string UriWith(const PostgresTestDatabase& database, const std::string& query) {
  const std::string& uri = database.uri();
  return uri + (uri.find('?') == std::string::npos ? "?" : "&") + query;
}

// verify-full: the server's certificate must chain to `root_certificate` and
// name the URI's host. The host stays 127.0.0.1: libpq matches an IP address
// against the certificate's IP subjectAltName (PostgreSQL 14 and later).
std::string VerifyFullUri(const PostgresTestDatabase& database,
                          const std::string& root_certificate) {
  return UriWith(database, "sslmode=verify-full&sslrootcert=" + PercentEncoded(root_certificate));
}

// Fails the test case unless the test database exists in a cluster that serves
// TLS (one started by a cluster.sh that writes DIR/ca.crt and DIR/other-ca.crt).
void RequireTlsCluster(const PostgresTestDatabase& database) {
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  REQUIRE_MESSAGE(!database.ca_file().empty(),
                  "the PostgreSQL test cluster has no TLS: MOTCUA_TEST_POSTGRES_DIR holds no "
                  "readable ca.crt (restart it with the current tests/postgres/cluster.sh)");
  REQUIRE_MESSAGE(!database.other_ca_file().empty(),
                  "the PostgreSQL test cluster has no TLS: MOTCUA_TEST_POSTGRES_DIR holds no "
                  "readable other-ca.crt (restart it with the current tests/postgres/cluster.sh)");
}

Result<std::unique_ptr<PostgresStore>> OpenStore(const std::string& conninfo) {
  PostgresStoreOptions options;
  options.conninfo = conninfo;
  options.connections = 2;
  return PostgresStore::Open(options);
}

// A connection opened with `conninfo`; fails the test case when it cannot.
std::unique_ptr<PgConnection> Connect(const std::string& conninfo) {
  Result<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(conninfo);
  REQUIRE_MESSAGE(connection.ok(), (connection.ok() ? "" : connection.error().message()));
  return std::move(connection).value();
}

// The server's view of `connection`'s own session: "t" when it is encrypted,
// "f" when it is not.
std::string SessionSsl(PgConnection& connection) {
  Result<PgResult> ssl =
      connection.Exec("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
  REQUIRE_MESSAGE(ssl.ok(), (ssl.ok() ? "" : ssl.error().message()));
  REQUIRE(ssl->Rows() == 1);
  return ssl->Text(0, 0);
}

// The sessions other than the checker's own on the test database (those of the
// stores a test opened), as the server sees them.
struct SessionsOnDatabase {
  std::int64_t encrypted = 0;
  std::int64_t plain = 0;
};

SessionsOnDatabase OtherSessions(const PostgresTestDatabase& database) {
  std::unique_ptr<PgConnection> checker = Connect(UriWith(database, "sslmode=disable"));
  Result<PgResult> counts = checker->Exec(
      "SELECT count(*) FILTER (WHERE s.ssl), count(*) FILTER (WHERE NOT s.ssl)"
      " FROM pg_stat_activity a JOIN pg_stat_ssl s ON s.pid = a.pid"
      " WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()");
  REQUIRE_MESSAGE(counts.ok(), (counts.ok() ? "" : counts.error().message()));
  return SessionsOnDatabase{counts->Int(0, 0), counts->Int(0, 1)};
}

// Creates a sample dossier `code` in `store` and reads it back.
void CheckDossierRoundTrip(PostgresStore& store, const std::string& code) {
  const Status created = store.CreateDossier(NewDossier(code), {"clerk"}, 1);
  REQUIRE_MESSAGE(created.ok(), (created.ok() ? "" : created.error().message()));
  Result<Dossier> stored = store.GetDossier(code);
  REQUIRE_MESSAGE(stored.ok(), (stored.ok() ? "" : stored.error().message()));
  CHECK(stored->code == code);
  CHECK(stored->state == "submitted");
  CHECK(stored->version == 1);
  CHECK(stored->form == NewDossier(code).form);
}

TEST_CASE("postgres tls: a store on verify-full with the cluster's CA works over TLS") {
  PostgresTestDatabase database;
  RequireTlsCluster(database);
  const std::string uri = VerifyFullUri(database, database.ca_file());

  Result<std::unique_ptr<PostgresStore>> store = OpenStore(uri);
  REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().message()));
  CheckDossierRoundTrip(**store, "H26-261120-0001");
  // The store's own pool connections, as the server sees them: all encrypted.
  const SessionsOnDatabase sessions = OtherSessions(database);
  CHECK(sessions.encrypted >= 2);
  CHECK(sessions.plain == 0);

  std::unique_ptr<PgConnection> connection = Connect(uri);
  CHECK(SessionSsl(*connection) == "t");
}

TEST_CASE("postgres tls: verify-full with an unrelated CA is refused at Open") {
  PostgresTestDatabase database;
  RequireTlsCluster(database);
  const std::string uri = VerifyFullUri(database, database.other_ca_file());

  Result<std::unique_ptr<PostgresStore>> store = OpenStore(uri);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().code() == ErrorCode::kUnavailable);
  // libpq's words, from OpenSSL: "SSL error: certificate verify failed".
  CHECK_MESSAGE(store.error().message().find("certificate verify failed") != std::string::npos,
                store.error().message());

  Result<std::unique_ptr<PgConnection>> connection = PgConnection::Connect(uri);
  REQUIRE_FALSE(connection.ok());
  CHECK(connection.error().code() == ErrorCode::kUnavailable);
  CHECK_MESSAGE(connection.error().message().find("certificate verify failed") != std::string::npos,
                connection.error().message());
  // Refused before any session on the database began.
  const SessionsOnDatabase sessions = OtherSessions(database);
  CHECK(sessions.encrypted == 0);
  CHECK(sessions.plain == 0);
}

TEST_CASE("postgres tls: the URI's sslmode decides: require encrypts, disable does not") {
  PostgresTestDatabase database;
  RequireTlsCluster(database);

  // A store told sslmode=disable works, unencrypted: its pool's sessions are
  // the only ones on the database yet.
  Result<std::unique_ptr<PostgresStore>> store = OpenStore(UriWith(database, "sslmode=disable"));
  REQUIRE_MESSAGE(store.ok(), (store.ok() ? "" : store.error().message()));
  CheckDossierRoundTrip(**store, "H26-261120-0002");
  const SessionsOnDatabase sessions = OtherSessions(database);
  CHECK(sessions.encrypted == 0);
  CHECK(sessions.plain >= 2);

  std::unique_ptr<PgConnection> disabled = Connect(UriWith(database, "sslmode=disable"));
  CHECK(SessionSsl(*disabled) == "f");

  // require encrypts without checking the server (no sslrootcert; libpq would
  // check against ~/.postgresql/root.crt if the invoking user had one).
  std::unique_ptr<PgConnection> required = Connect(UriWith(database, "sslmode=require"));
  CHECK(SessionSsl(*required) == "t");
}

}  // namespace
}  // namespace motcua

#endif  // MOTCUA_POSTGRES_TESTS
