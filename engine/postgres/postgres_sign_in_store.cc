#include "engine/postgres/postgres_sign_in_store.h"

#include <utility>

#include "engine/domain/status_macros.h"
#include "engine/postgres/pg_migrations.h"
#include "engine/storage/column_codec.h"

namespace motcua {
namespace {

const std::string kAttemptColumns =
    "state_hash, provider, nonce, code_verifier, binding_hash, return_to, created_at, used_at";
const std::string kIdentityColumns = "issuer, subject, user_id, provider, created_at";

LoginAttempt ReadAttempt(const PgResult& rows) {
  LoginAttempt attempt;
  attempt.state_hash = rows.Text(0, 0);
  attempt.provider = rows.Text(0, 1);
  attempt.nonce = rows.Text(0, 2);
  attempt.code_verifier = rows.Text(0, 3);
  attempt.binding_hash = rows.Text(0, 4);
  attempt.return_to = rows.Text(0, 5);
  attempt.created_at = FromSeconds(rows.Int(0, 6));
  if (std::optional<std::int64_t> used = rows.OptionalInt(0, 7)) {
    attempt.used_at = FromSeconds(*used);
  }
  return attempt;
}

// The one identity `rows` holds, or `missing`.
Result<ExternalIdentity> OneIdentity(const PgResult& rows, const Error& missing) {
  if (rows.Rows() == 0) return missing;
  return ExternalIdentity{rows.Text(0, 0), rows.Text(0, 1), rows.Text(0, 2), rows.Text(0, 3),
                          FromSeconds(rows.Int(0, 4))};
}

std::string NoUserIdentity(const std::string& user_id, const std::string& provider) {
  return "user " + user_id + " has no identity at " + provider;
}

}  // namespace

Result<std::unique_ptr<PostgresSignInStore>> PostgresSignInStore::Open(const std::string& conninfo,
                                                                       const Clock* clock,
                                                                       std::size_t connections) {
  ASSIGN_OR_RETURN(std::unique_ptr<PgPool> pool, OpenMigratedPool(conninfo, connections, clock));
  return std::unique_ptr<PostgresSignInStore>(new PostgresSignInStore(std::move(pool)));
}

Status PostgresSignInStore::DoCreateLoginAttempt(const LoginAttempt& attempt) {
  return pool_->Write([&](PgConnection& db) {
    return db.Run("INSERT INTO login_attempts (" + kAttemptColumns +
                      ") VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
                  PgParams()
                      .Text(attempt.state_hash)
                      .Text(attempt.provider)
                      .Text(attempt.nonce)
                      .Text(attempt.code_verifier)
                      .Text(attempt.binding_hash)
                      .Text(attempt.return_to)
                      .Int(ToSeconds(attempt.created_at)));
  });
}

Result<LoginAttempt> PostgresSignInStore::DoGetLoginAttempt(const std::string& state_hash) {
  return pool_->Read<LoginAttempt>([&](PgConnection& db) -> Result<LoginAttempt> {
    ASSIGN_OR_RETURN(PgResult rows, db.Exec("SELECT " + kAttemptColumns +
                                                " FROM login_attempts WHERE state_hash = $1",
                                            PgParams().Text(state_hash)));
    if (rows.Rows() == 0) return LoginAttemptNotFound();
    return ReadAttempt(rows);
  });
}

Status PostgresSignInStore::DoMarkLoginAttemptUsed(const std::string& state_hash, Instant at) {
  return pool_->Write([&](PgConnection& db) -> Status {
    ASSIGN_OR_RETURN(PgResult marked, db.Exec("UPDATE login_attempts SET used_at = $2 "
                                              "WHERE state_hash = $1 AND used_at IS NULL",
                                              PgParams().Text(state_hash).Int(ToSeconds(at))));
    if (marked.Affected() == 1) return Status();
    // Nothing changed: tell a missing attempt from a used one.
    ASSIGN_OR_RETURN(PgResult exists, db.Exec("SELECT 1 FROM login_attempts WHERE state_hash = $1",
                                              PgParams().Text(state_hash)));
    return exists.Rows() == 1 ? LoginAttemptAlreadyUsed() : LoginAttemptNotFound();
  });
}

Status PostgresSignInStore::DoPruneLoginAttempts(Instant created_before) {
  return pool_->Write([&](PgConnection& db) {
    return db.Run("DELETE FROM login_attempts WHERE created_at < $1",
                  PgParams().Int(ToSeconds(created_before)));
  });
}

Status PostgresSignInStore::DoLinkIdentity(const ExternalIdentity& identity) {
  return pool_->Write([&](PgConnection& db) -> Status {
    ASSIGN_OR_RETURN(PgResult owner,
                     db.Exec("SELECT user_id, provider FROM external_identities "
                             "WHERE issuer = $1 AND subject = $2 FOR UPDATE",
                             PgParams().Text(identity.issuer).Text(identity.subject)));
    if (owner.Rows() == 1 && owner.Text(0, 0) != identity.user_id) {
      return IdentityAlreadyLinked(identity.issuer, identity.subject);
    }
    if (owner.Rows() == 1 && owner.Text(0, 1) == identity.provider) return Status();
    RETURN_IF_ERROR(db.Run("DELETE FROM external_identities WHERE user_id = $1 AND provider = $2",
                           PgParams().Text(identity.user_id).Text(identity.provider)));
    // Another node may have linked the subject meanwhile (the row was not
    // there to lock): then only a link to the same user may stand.
    ASSIGN_OR_RETURN(
        PgResult linked,
        db.Exec("INSERT INTO external_identities (" + kIdentityColumns +
                    ") VALUES ($1, $2, $3, $4, $5) ON CONFLICT (issuer, subject) DO UPDATE "
                    "SET user_id = EXCLUDED.user_id, provider = EXCLUDED.provider, "
                    "created_at = EXCLUDED.created_at WHERE external_identities.user_id = "
                    "EXCLUDED.user_id",
                PgParams()
                    .Text(identity.issuer)
                    .Text(identity.subject)
                    .Text(identity.user_id)
                    .Text(identity.provider)
                    .Int(ToSeconds(identity.created_at))));
    if (linked.Affected() == 0) return IdentityAlreadyLinked(identity.issuer, identity.subject);
    return Status();
  });
}

Result<ExternalIdentity> PostgresSignInStore::DoFindIdentity(const std::string& issuer,
                                                             const std::string& subject) {
  return pool_->Read<ExternalIdentity>([&](PgConnection& db) -> Result<ExternalIdentity> {
    ASSIGN_OR_RETURN(PgResult rows,
                     db.Exec("SELECT " + kIdentityColumns +
                                 " FROM external_identities WHERE issuer = $1 AND subject = $2",
                             PgParams().Text(issuer).Text(subject)));
    return OneIdentity(rows, IdentityNotLinked("subject " + subject + " of " + issuer +
                                               " is not linked to a user"));
  });
}

Result<ExternalIdentity> PostgresSignInStore::DoFindUserIdentity(const std::string& user_id,
                                                                 const std::string& provider) {
  return pool_->Read<ExternalIdentity>([&](PgConnection& db) -> Result<ExternalIdentity> {
    ASSIGN_OR_RETURN(PgResult rows,
                     db.Exec("SELECT " + kIdentityColumns +
                                 " FROM external_identities WHERE user_id = $1 AND provider = $2",
                             PgParams().Text(user_id).Text(provider)));
    return OneIdentity(rows, IdentityNotLinked(NoUserIdentity(user_id, provider)));
  });
}

Status PostgresSignInStore::DoUnlinkIdentity(const std::string& user_id,
                                             const std::string& provider) {
  return pool_->Write([&](PgConnection& db) -> Status {
    ASSIGN_OR_RETURN(PgResult removed,
                     db.Exec("DELETE FROM external_identities WHERE user_id = $1 AND provider = $2",
                             PgParams().Text(user_id).Text(provider)));
    if (removed.Affected() == 0) return IdentityNotLinked(NoUserIdentity(user_id, provider));
    return Status();
  });
}

}  // namespace motcua
