// `motcua copy` (engine/cli/copy_command.h): a SQLite deployment, made over
// HTTP by the real server, is copied into a throw-away PostgreSQL database
// and served from there: the same dossiers, document bytes and bearer tokens,
// and new work goes on above what was copied (dossier numbers, event
// sequences, feed ids). A copy into a database that holds rows, from a file
// at another schema version, or with a password on the command line is
// refused and changes nothing.
#include <doctest/doctest.h>
#include <libpq-fe.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/hostile/live_server.h"
#include "tests/postgres_test_database.h"

#if MOTCUA_POSTGRES_TESTS

namespace motcua {
namespace {

constexpr const char* kAgency = "000.00.01.H26";
constexpr const char* kCitizen = "001090012345";

// The tables `motcua copy` copies (every table of both schemas but
// schema_migrations and identity_generation).
const std::vector<std::string>& CopiedTables() {
  static const std::vector<std::string> tables = {"definitions",
                                                  "dossier_sequences",
                                                  "dossiers",
                                                  "queue_entries",
                                                  "documents",
                                                  "document_uploads",
                                                  "dossier_documents",
                                                  "events",
                                                  "outbox",
                                                  "outbox_retention",
                                                  "feed_delivery",
                                                  "feed_dead_letters",
                                                  "idempotency_keys",
                                                  "payments",
                                                  "report_facts",
                                                  "report_branch_facts",
                                                  "report_daily",
                                                  "users",
                                                  "tokens",
                                                  "sessions",
                                                  "login_attempts",
                                                  "external_identities"};
  return tables;
}

// One value (first row, first column) of `sql` on the PostgreSQL database
// `uri`, "NULL" for a null; the test fails when the query does.
std::string PgValue(const std::string& uri, const std::string& sql) {
  std::unique_ptr<PGconn, void (*)(PGconn*)> db(PQconnectdb(uri.c_str()), PQfinish);
  REQUIRE_MESSAGE(PQstatus(db.get()) == CONNECTION_OK, PQerrorMessage(db.get()));
  std::unique_ptr<PGresult, void (*)(PGresult*)> result(PQexec(db.get(), sql.c_str()), PQclear);
  REQUIRE_MESSAGE(PQresultStatus(result.get()) == PGRES_TUPLES_OK,
                  sql << ": " << PQerrorMessage(db.get()));
  REQUIRE(PQntuples(result.get()) == 1);
  if (PQgetisnull(result.get(), 0, 0)) return "NULL";
  return std::string(PQgetvalue(result.get(), 0, 0),
                     static_cast<std::size_t>(PQgetlength(result.get(), 0, 0)));
}

// Every copied table's row count on PostgreSQL.
std::map<std::string, long long> PgCounts(const std::string& uri) {
  std::map<std::string, long long> counts;
  for (const std::string& table : CopiedTables()) {
    counts[table] = std::stoll(PgValue(uri, "SELECT COUNT(*) FROM " + table));
  }
  return counts;
}

// Runs `sql` on the SQLite file `path` (no server on it).
void SqliteRun(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  CHECK_MESSAGE(rc == SQLITE_OK, (error != nullptr ? error : ""));
  sqlite3_free(error);
  sqlite3_close(db);
}

// The integer `sql` selects from the SQLite file `path`.
long long SqliteInt(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
  const long long value = sqlite3_column_int64(statement, 0);
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

// The ids of agency `agency`'s outbox rows in the SQLite file `path`: what
// its feed serves.
std::vector<long long> SqliteFeedIds(const std::string& path, const std::string& agency) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT id FROM outbox WHERE agency = ?1 ORDER BY id", -1,
                             &statement, nullptr) == SQLITE_OK);
  sqlite3_bind_text(statement, 1, agency.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<long long> ids;
  while (sqlite3_step(statement) == SQLITE_ROW) ids.push_back(sqlite3_column_int64(statement, 0));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return ids;
}

// Every copied table's row count in the SQLite file `path`.
std::map<std::string, long long> SqliteCounts(const std::string& path) {
  std::map<std::string, long long> counts;
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  for (const std::string& table : CopiedTables()) {
    sqlite3_stmt* count = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, ("SELECT COUNT(*) FROM " + table).c_str(), -1, &count,
                               nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(count) == SQLITE_ROW);
    counts[table] = sqlite3_column_int64(count, 0);
    sqlite3_finalize(count);
  }
  sqlite3_close(db);
  return counts;
}

// Uploads `bytes` as a PDF; returns the document's id.
std::string Upload(const LiveServer& server, const std::string& citizen, const std::string& bytes) {
  const LiveReply uploaded =
      server.Send("POST", "/v1/documents", citizen, bytes, "application/pdf");
  REQUIRE_MESSAGE(uploaded.status == 201, uploaded.body);
  const std::string id = uploaded.Json().value("id", "");
  REQUIRE(!id.empty());
  return id;
}

// Submits a permanent-residence dossier (1.004222) with the two papers;
// returns its code.
std::string Submit(const LiveServer& server, const std::string& citizen,
                   const std::string& declaration, const std::string& residence_proof) {
  const nlohmann::json body = {
      {"procedure", "1.004222"},
      {"agency", kAgency},
      {"form",
       {{"full_name", "Nguyễn Văn An"},
        {"citizen_id", kCitizen},
        {"address", "12 Hàng Bài \\ \"Hoàn Kiếm\""}}},
      {"documents", {{"declaration", declaration}, {"legal_residence_proof", residence_proof}}}};
  const LiveReply created = server.Send("POST", "/v1/dossiers", citizen, body.dump());
  REQUIRE_MESSAGE(created.status == 201, created.body);
  const std::string code = created.Json().value("code", "");
  REQUIRE(!code.empty());
  return code;
}

// The ids of the feed entries `sync` reads after `after`.
std::vector<long long> FeedIds(const LiveServer& server, const std::string& sync, long long after) {
  const LiveReply feed =
      server.Send("GET", "/v1/feed?limit=1000&after=" + std::to_string(after), sync);
  REQUIRE_MESSAGE(feed.status == 200, feed.body);
  std::vector<long long> ids;
  const nlohmann::json page = feed.Json();
  for (const nlohmann::json& item : page.at("items")) {
    ids.push_back(item.at("id").get<long long>());
  }
  return ids;
}

std::string Joined(const std::vector<long long>& ids) {
  std::string text;
  for (long long id : ids) text += std::to_string(id) + " ";
  return text;
}

std::vector<std::string> Args() {
  return {"--timer-interval", "0"};
}

// Bytes that COPY's text format must escape, and some it must not touch.
std::string AwkwardBytes() {
  std::string bytes = "%PDF-1.4 ";
  bytes += std::string("\0\\\n\r\t\\N\\.\n", 11);
  for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
  return bytes;
}

TEST_CASE("copy: a SQLite deployment moves to PostgreSQL, keeps its tokens and goes on there") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  LiveServer first(Args());
  const std::string citizen = first.Token(kCitizen, "applicant");
  const std::string clerk = first.Token("clerk-1", "reception_clerk", kAgency);
  const std::string sync = first.Token("sync-1", "portal_sync", kAgency);
  const std::string awkward = AwkwardBytes();
  const std::string awkward_id = Upload(first, citizen, awkward);
  std::vector<std::string> codes;
  std::map<std::string, std::string> bytes_by_id = {{awkward_id, awkward}};
  for (int i = 0; i < 3; ++i) {
    const std::string paper = "%PDF residence proof " + std::to_string(i);
    const std::string paper_id = Upload(first, citizen, paper);
    bytes_by_id[paper_id] = paper;
    codes.push_back(Submit(first, citizen, awkward_id, paper_id));
  }
  const LiveReply received =
      first.Send("POST", "/v1/dossiers/" + codes[0] + "/actions/receive", clerk, "{}");
  REQUIRE_MESSAGE(received.status == 200, received.body);
  std::map<std::string, nlohmann::json> dossiers;
  for (const std::string& code : codes) {
    const LiveReply read = first.Send("GET", "/v1/dossiers/" + code, citizen);
    REQUIRE_MESSAGE(read.status == 200, read.body);
    dossiers[code] = read.Json();
  }
  const std::vector<long long> feed_before = FeedIds(first, sync, 0);
  REQUIRE(!feed_before.empty());
  first.Stop();
  // Text COPY must escape: a sign-in attempt with a tab, newline, carriage
  // return and backslashes in its text, and a NULL.
  const std::string awkward_text = "/v1/x?\ta\nb\rc\\d\\N\\.é";
  SqliteRun(first.db(),
            "INSERT INTO login_attempts (state_hash, provider, nonce, code_verifier, binding_hash,"
            " return_to, created_at, used_at) VALUES ('s1', 'vneid', 'n', 'v', 'b', '" +
                awkward_text + "', 1700000000, NULL)");
  const std::map<std::string, long long> sqlite_counts = SqliteCounts(first.db());
  // The feed as the server left it: what was read, and the checkpoint it
  // signed on stopping.
  const long long outbox_last = SqliteInt(first.db(), "SELECT MAX(id) FROM outbox");
  const std::vector<long long> feed_copied = SqliteFeedIds(first.db(), kAgency);
  REQUIRE(feed_copied.size() > feed_before.size());
  CHECK(std::equal(feed_before.begin(), feed_before.end(), feed_copied.begin()));

  std::string output;
  const int status =
      first.RunCliStatus("copy --from " + first.db() + " --to '" + database.uri() + "'", output);
  REQUIRE_MESSAGE(status == 0, output);
  CHECK_MESSAGE(output.find("copied ") != std::string::npos, output);
  CHECK_MESSAGE(output.find("now run: motcua audit verify --db postgresql://") != std::string::npos,
                output);
  CHECK_MESSAGE(output.find("dossiers: copying 3 rows") != std::string::npos, output);
  CHECK_MESSAGE(output.find("differs") == std::string::npos, output);
  // Both sides' counts, as printed and as the databases have them.
  const std::map<std::string, long long> pg_counts = PgCounts(database.uri());
  CHECK(pg_counts == sqlite_counts);
  CHECK(pg_counts.at("dossiers") == 3);
  CHECK(pg_counts.at("documents") == 4);
  CHECK(pg_counts.at("tokens") >= 4);
  CHECK(pg_counts.at("events") >= 4);
  CHECK(pg_counts.at("login_attempts") == 1);
  for (const auto& [table, count] : sqlite_counts) {
    const std::string line_start = "\n" + table + " ";
    const std::size_t at = output.find(line_start);
    REQUIRE_MESSAGE(at != std::string::npos, table << " is not in the counts:\n" << output);
    const std::string line = output.substr(at + 1, output.find('\n', at + 1) - at - 1);
    CHECK_MESSAGE(line.find(" " + std::to_string(count) + " ") != std::string::npos, line);
  }
  CHECK(PgValue(database.uri(), "SELECT return_to FROM login_attempts") == awkward_text);
  CHECK(PgValue(database.uri(), "SELECT used_at FROM login_attempts") == "NULL");
  CHECK(PgValue(database.uri(), "SELECT MAX(id) FROM outbox") == std::to_string(outbox_last));
  CHECK(PgValue(database.uri(), "SELECT last FROM outbox_ids") == std::to_string(outbox_last));
  // No trigger fired on the copied users and tokens: the generation is
  // SQLite's (0: nothing was ever updated there) moved on by one.
  CHECK(PgValue(database.uri(), "SELECT generation FROM identity_generation") == "1");
  // The outbox's positions follow its ids.
  CHECK(PgValue(database.uri(),
                "SELECT COUNT(*) FROM outbox a JOIN outbox b ON a.id < b.id"
                " WHERE a.position > b.position") == "0");

  // Served from PostgreSQL with the tokens issued before the copy.
  LiveServer moved(Args(), database.uri(), first.admin_token());
  for (const std::string& code : codes) {
    const LiveReply read = moved.Send("GET", "/v1/dossiers/" + code, citizen);
    REQUIRE_MESSAGE(read.status == 200, read.body);
    CHECK(read.Json() == dossiers[code]);
  }
  for (const auto& [id, bytes] : bytes_by_id) {
    const LiveReply download = moved.Send("GET", "/v1/documents/" + id, citizen);
    REQUIRE_MESSAGE(download.status == 200, download.body);
    CHECK(download.body == bytes);
  }
  const LiveReply history = moved.Send("GET", "/v1/dossiers/" + codes[0] + "/history", citizen);
  REQUIRE_MESSAGE(history.status == 200, history.body);
  CHECK(history.Json().at("items").size() == 2);
  const std::vector<long long> feed_moved = FeedIds(moved, sync, 0);
  CHECK_MESSAGE(feed_moved == feed_copied, Joined(feed_moved) << "vs " << Joined(feed_copied));
  std::string audit;
  CHECK_MESSAGE(moved.RunCliStatus("audit verify --db '" + database.uri() + "'", audit) == 0,
                audit);

  // New work goes on above what was copied: a new code, events and feed ids.
  const std::string fresh = Submit(moved, citizen, awkward_id, Upload(moved, citizen, "%PDF new"));
  CHECK(std::find(codes.begin(), codes.end(), fresh) == codes.end());
  CHECK(fresh > codes.back());
  const LiveReply fresh_received =
      moved.Send("POST", "/v1/dossiers/" + fresh + "/actions/receive", clerk, "{}");
  CHECK_MESSAGE(fresh_received.status == 200, fresh_received.body);
  const LiveReply again =
      moved.Send("POST", "/v1/dossiers/" + codes[1] + "/actions/receive", clerk, "{}");
  CHECK_MESSAGE(again.status == 200, again.body);
  std::vector<long long> feed_after;
  for (int i = 0; i < 50 && feed_after.size() < 3; ++i) {
    feed_after = FeedIds(moved, sync, outbox_last);
    if (feed_after.size() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  REQUIRE(feed_after.size() >= 3);
  CHECK(feed_after.front() > outbox_last);
  // A token revoked on PostgreSQL stops working at once: the server's cache
  // of authentications follows the identity generation, which the copy set.
  const std::string clerk_hash =
      PgValue(database.uri(), "SELECT token_hash FROM tokens WHERE user_id = 'clerk-1'");
  CHECK(moved.Send("GET", "/v1/queue?role=reception_clerk", clerk).status == 200);
  CHECK_MESSAGE(moved.RunCliStatus(
                    "token revoke --db '" + database.uri() + "' --hash " + clerk_hash, output) == 0,
                output);
  CHECK(moved.Send("GET", "/v1/queue?role=reception_clerk", clerk).status == 401);
}

TEST_CASE("copy: a non-empty target, another schema version or a password is refused") {
  PostgresTestDatabase database;
  REQUIRE_MESSAGE(database.available(), database.unavailable_reason());
  LiveServer first(Args());
  const std::string citizen = first.Token(kCitizen, "applicant");
  first.Token("clerk-1", "reception_clerk", kAgency);  // the agency is served: it has staff
  const std::string paper = Upload(first, citizen, "%PDF declaration");
  Submit(first, citizen, paper, paper);
  first.Stop();
  std::string output;

  // Usage errors: exit 2, nothing touched.
  const std::string with_password = "postgresql://motcua:secret@127.0.0.1:1/motcua";
  CHECK(first.RunCliStatus("copy --from " + first.db() + " --to " + with_password, output) == 2);
  CHECK_MESSAGE(output.find("password") != std::string::npos, output);
  CHECK(output.find("secret") == std::string::npos);
  CHECK(first.RunCliStatus("copy --from " + first.db() + " --to " + first.db(), output) == 2);
  CHECK(first.RunCliStatus("copy --from /nonexistent/motcua.db --to '" + database.uri() + "'",
                           output) == 2);
  CHECK(first.RunCliStatus("copy --from " + first.db(), output) == 2);

  // Another schema version: exit 1 before the target is touched.
  SqliteRun(first.db(), "INSERT INTO schema_migrations (version, applied_at) VALUES (999, 0)");
  CHECK(first.RunCliStatus("copy --from " + first.db() + " --to '" + database.uri() + "'",
                           output) == 1);
  CHECK_MESSAGE(output.find("upgrade one side first") != std::string::npos, output);
  CHECK(PgValue(database.uri(), "SELECT to_regclass('dossiers') IS NULL") == "t");
  SqliteRun(first.db(), "DELETE FROM schema_migrations WHERE version = 999");

  // The first copy goes; a second finds rows and changes nothing.
  REQUIRE_MESSAGE(first.RunCliStatus("copy --from " + first.db() + " --to '" + database.uri() + "'",
                                     output) == 0,
                  output);
  const std::map<std::string, long long> copied = PgCounts(database.uri());
  CHECK(copied.at("dossiers") == 1);
  const std::string generation =
      PgValue(database.uri(), "SELECT generation FROM identity_generation");
  const std::string outbox_last = PgValue(database.uri(), "SELECT last FROM outbox_ids");
  CHECK(first.RunCliStatus("copy --from " + first.db() + " --to '" + database.uri() + "'",
                           output) == 1);
  CHECK_MESSAGE(output.find("the target is not empty: table definitions") != std::string::npos,
                output);
  CHECK(PgCounts(database.uri()) == copied);
  CHECK(PgValue(database.uri(), "SELECT generation FROM identity_generation") == generation);
  CHECK(PgValue(database.uri(), "SELECT last FROM outbox_ids") == outbox_last);
}

}  // namespace
}  // namespace motcua

#endif  // MOTCUA_POSTGRES_TESTS
