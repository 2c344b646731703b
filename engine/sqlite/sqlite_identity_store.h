// sqlite_identity_store.h: users, token hashes and browser sessions in the
// store's database file.
//
// Implements the IdentityStore and SessionStore ports (the sessions' SQL is in
// session_tables.h) on its own connection to the same file
// the SqliteStore uses (WAL lets both work at once). Identity traffic is
// small (the token service caches authentications), so one connection behind
// a mutex serves reads and writes. Open applies the embedded migrations, so
// either store may open a new file first. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "engine/domain/identity.h"
#include "engine/domain/session_store.h"
#include "engine/sqlite/sqlite_db.h"

namespace motcua {

class SqliteIdentityStore final : public IdentityStore, public SessionStore {
 public:
  // `clock` stamps migration records; may be null (system time).
  static Result<std::unique_ptr<SqliteIdentityStore>> Open(const std::string& path,
                                                           const Clock* clock = nullptr);

  Status CreateUser(const User& user) override;
  Status UpdateUser(const User& user) override;
  Result<User> GetUser(const std::string& id) override;
  Result<std::vector<User>> ListUsers(std::optional<std::string> agency) override;
  Result<std::int64_t> CountUsers() override;
  Status CreateToken(const TokenRecord& token) override;
  Result<TokenRecord> GetToken(const std::string& token_hash) override;
  Result<std::vector<TokenRecord>> ListTokens(const std::string& user_id) override;
  Status RevokeToken(const std::string& token_hash, Instant at) override;
  // Kept by triggers of migration 0009, so writers in other processes bump it too.
  Result<std::int64_t> IdentityGeneration() override;

 private:
  Status DoCreate(const SessionRecord& session) override;
  Result<SessionRecord> DoGet(const std::string& session_hash) override;
  Status DoTouch(const std::string& session_hash, Instant at) override;
  Status DoEnd(const std::string& session_hash, Instant at) override;
  Result<std::int64_t> DoEndUserSessions(const std::string& user_id, Instant at) override;

  explicit SqliteIdentityStore(std::unique_ptr<SqliteConnection> db) : db_(std::move(db)) {}

  std::mutex mutex_;
  std::unique_ptr<SqliteConnection> db_;
};

}  // namespace motcua
