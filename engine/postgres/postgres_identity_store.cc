#include "engine/postgres/postgres_identity_store.h"

#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/postgres/pg_migrations.h"
#include "engine/storage/column_codec.h"
#include "engine/storage/identity_codec.h"

namespace motcua {
namespace {

const std::string kUserColumns =
    "id, name, roles, agency, certificate_fingerprint, disabled, created_at";
const std::string kTokenColumns = "token_hash, user_id, label, created_at, expires_at, revoked_at";

Result<User> ReadUser(const PgResult& rows, int r) {
  User user;
  user.id = rows.Text(r, 0);
  user.name = rows.Text(r, 1);
  ASSIGN_OR_RETURN(user.roles, DecodeUserRoles(rows.Text(r, 2), user.id));
  user.agency = rows.Text(r, 3);
  user.certificate_fingerprint = rows.OptionalText(r, 4);
  user.disabled = rows.Int(r, 5) != 0;
  user.created_at = FromSeconds(rows.Int(r, 6));
  return user;
}

// $1..$6: the user's columns but created_at, in kUserColumns' order.
PgParams UserParams(const User& user) {
  PgParams params;
  params.Text(user.id)
      .Text(user.name)
      .Text(EncodeUserRoles(user.roles))
      .Text(user.agency)
      .OptionalText(user.certificate_fingerprint)
      .Bool(user.disabled);
  return params;
}

TokenRecord ReadToken(const PgResult& rows, int r) {
  TokenRecord token;
  token.token_hash = rows.Text(r, 0);
  token.user_id = rows.Text(r, 1);
  token.label = rows.Text(r, 2);
  token.created_at = FromSeconds(rows.Int(r, 3));
  token.expires_at = FromSeconds(rows.Int(r, 4));
  if (std::optional<std::int64_t> revoked = rows.OptionalInt(r, 5)) {
    token.revoked_at = FromSeconds(*revoked);
  }
  return token;
}

Result<SessionRecord> ReadSession(const PgResult& rows) {
  SessionColumns columns;
  columns.session_hash = rows.Text(0, 0);
  columns.user_id = rows.Text(0, 1);
  columns.auth_method = rows.Text(0, 2);
  columns.identity_provider = rows.Text(0, 3);
  columns.created_at = rows.Int(0, 4);
  columns.last_seen_at = rows.Int(0, 5);
  columns.expires_at = rows.Int(0, 6);
  columns.ended_at = rows.OptionalInt(0, 7);
  columns.verified_identity = rows.OptionalText(0, 8);
  return DecodeSessionColumns(std::move(columns));
}

}  // namespace

Result<std::unique_ptr<PostgresIdentityStore>> PostgresIdentityStore::Open(
    const std::string& conninfo, const Clock* clock, std::size_t connections) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool, OpenMigratedPool(conninfo, connections, clock));
  return std::unique_ptr<PostgresIdentityStore>(new PostgresIdentityStore(std::move(pool)));
}

Status PostgresIdentityStore::CreateUser(const User& user) {
  return pool_->Write([&](PgConnection& db) -> Status {
    ASSIGN_OR_RETURN(PgResult inserted,
                     db.Exec("INSERT INTO users (" + kUserColumns +
                                 ") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                             UserParams(user).Int(ToSeconds(user.created_at))));
    if (inserted.Affected() == 0) {
      return Error(ErrorCode::kConflict, "user " + user.id + " already exists",
                   ErrorReason::kUserExists);
    }
    return Status();
  });
}

Status PostgresIdentityStore::UpdateUser(const User& user) {
  return pool_->Write([&](PgConnection& db) -> Status {
    ASSIGN_OR_RETURN(PgResult updated,
                     db.Exec("UPDATE users SET name = $2, roles = $3, agency = $4, "
                             "certificate_fingerprint = $5, disabled = $6 WHERE id = $1",
                             UserParams(user)));
    if (updated.Affected() == 0) {
      return Error(ErrorCode::kNotFound, "user " + user.id + " does not exist",
                   ErrorReason::kUserNotFound);
    }
    return Status();
  });
}

Result<User> PostgresIdentityStore::GetUser(const std::string& id) {
  return pool_->Read<User>([&](PgConnection& db) -> Result<User> {
    ASSIGN_OR_RETURN(PgResult rows, db.Exec("SELECT " + kUserColumns + " FROM users WHERE id = $1",
                                            PgParams().Text(id)));
    if (rows.Rows() == 0) {
      return Error(ErrorCode::kNotFound, "user " + id + " does not exist",
                   ErrorReason::kUserNotFound);
    }
    return ReadUser(rows, 0);
  });
}

Result<std::vector<User>> PostgresIdentityStore::ListUsers(std::optional<std::string> agency) {
  using List = std::vector<User>;
  return pool_->Read<List>([&](PgConnection& db) -> Result<List> {
    ASSIGN_OR_RETURN(PgResult rows, db.Exec("SELECT " + kUserColumns +
                                                " FROM users WHERE $1::text IS NULL OR agency = $1 "
                                                "ORDER BY agency, id",
                                            PgParams().OptionalText(agency)));
    List users;
    for (int r = 0; r < rows.Rows(); ++r) {
      ASSIGN_OR_RETURN(User user, ReadUser(rows, r));
      users.push_back(std::move(user));
    }
    return users;
  });
}

Result<std::int64_t> PostgresIdentityStore::CountUsers() {
  return pool_->Read<std::int64_t>([](PgConnection& db) -> Result<std::int64_t> {
    ASSIGN_OR_RETURN(PgResult count, db.Exec("SELECT count(*) FROM users"));
    return count.Int(0, 0);
  });
}

Status PostgresIdentityStore::CreateToken(const TokenRecord& token) {
  return pool_->Write([&](PgConnection& db) {
    return db.Run("INSERT INTO tokens (" + kTokenColumns + ") VALUES ($1, $2, $3, $4, $5, $6)",
                  PgParams()
                      .Text(token.token_hash)
                      .Text(token.user_id)
                      .Text(token.label)
                      .Int(ToSeconds(token.created_at))
                      .Int(ToSeconds(token.expires_at))
                      .OptionalInt(OptionalSeconds(token.revoked_at)));
  });
}

Result<TokenRecord> PostgresIdentityStore::GetToken(const std::string& token_hash) {
  return pool_->Read<TokenRecord>([&](PgConnection& db) -> Result<TokenRecord> {
    ASSIGN_OR_RETURN(PgResult rows,
                     db.Exec("SELECT " + kTokenColumns + " FROM tokens WHERE token_hash = $1",
                             PgParams().Text(token_hash)));
    if (rows.Rows() == 0) {
      return Error(ErrorCode::kNotFound, "no such token", ErrorReason::kTokenNotFound);
    }
    return ReadToken(rows, 0);
  });
}

Result<std::vector<TokenRecord>> PostgresIdentityStore::ListTokens(const std::string& user_id) {
  using List = std::vector<TokenRecord>;
  return pool_->Read<List>([&](PgConnection& db) -> Result<List> {
    ASSIGN_OR_RETURN(PgResult rows,
                     db.Exec("SELECT " + kTokenColumns +
                                 " FROM tokens WHERE user_id = $1 ORDER BY created_at DESC, "
                                 "token_hash",
                             PgParams().Text(user_id)));
    List tokens;
    for (int r = 0; r < rows.Rows(); ++r) tokens.push_back(ReadToken(rows, r));
    return tokens;
  });
}

Status PostgresIdentityStore::RevokeToken(const std::string& token_hash, Instant at) {
  return pool_->Write([&](PgConnection& db) {
    return db.Run("UPDATE tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
                  PgParams().Text(token_hash).Int(ToSeconds(at)));
  });
}

Result<std::int64_t> PostgresIdentityStore::IdentityGeneration() {
  return pool_->Read<std::int64_t>([](PgConnection& db) -> Result<std::int64_t> {
    ASSIGN_OR_RETURN(PgResult rows,
                     db.Exec("SELECT generation FROM identity_generation WHERE id = 1"));
    if (rows.Rows() == 0) return Error(ErrorCode::kInternal, "identity_generation has no row");
    return rows.Int(0, 0);
  });
}

Status PostgresIdentityStore::DoCreate(const SessionRecord& session) {
  return pool_->Write([&](PgConnection& db) {
    return db.Run(std::string("INSERT INTO sessions (") + kSessionColumnList +
                      ") VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8)",
                  PgParams()
                      .Text(session.session_hash)
                      .Text(session.user_id)
                      .Text(AuthMethodName(session.method))
                      .Text(session.identity_provider)
                      .Int(ToSeconds(session.created_at))
                      .Int(ToSeconds(session.last_seen_at))
                      .Int(ToSeconds(session.expires_at))
                      .OptionalText(EncodeVerifiedIdentity(session.verified_identity)));
  });
}

Result<SessionRecord> PostgresIdentityStore::DoGet(const std::string& session_hash) {
  return pool_->Read<SessionRecord>([&](PgConnection& db) -> Result<SessionRecord> {
    ASSIGN_OR_RETURN(PgResult rows, db.Exec(std::string("SELECT ") + kSessionColumnList +
                                                " FROM sessions WHERE session_hash = $1",
                                            PgParams().Text(session_hash)));
    if (rows.Rows() == 0) return UnknownSession();
    return ReadSession(rows);
  });
}

Status PostgresIdentityStore::DoTouch(const std::string& session_hash, Instant at) {
  return pool_->Write([&](PgConnection& db) {
    return db.Run(
        "UPDATE sessions SET last_seen_at = $2 WHERE session_hash = $1 AND ended_at IS NULL "
        "AND last_seen_at < $2",
        PgParams().Text(session_hash).Int(ToSeconds(at)));
  });
}

Status PostgresIdentityStore::DoEnd(const std::string& session_hash, Instant at) {
  return pool_->Write([&](PgConnection& db) {
    return db.Run("UPDATE sessions SET ended_at = $2 WHERE session_hash = $1 AND ended_at IS NULL",
                  PgParams().Text(session_hash).Int(ToSeconds(at)));
  });
}

Result<std::int64_t> PostgresIdentityStore::DoEndUserSessions(const std::string& user_id,
                                                              Instant at) {
  std::int64_t ended = 0;
  RETURN_IF_ERROR(pool_->Write([&](PgConnection& db) -> Status {
    ASSIGN_OR_RETURN(
        PgResult updated,
        db.Exec("UPDATE sessions SET ended_at = $2 WHERE user_id = $1 AND ended_at IS NULL",
                PgParams().Text(user_id).Int(ToSeconds(at))));
    ended = updated.Affected();
    return Status();
  }));
  return ended;
}

}  // namespace motcua
