// memory_session_store.h: an in-memory SessionStore for service and API tests.
// Unlike SQLite it does not know users, so it stores sessions of any user id.
#pragma once

#include <map>
#include <mutex>
#include <vector>

#include "engine/domain/session_store.h"

namespace motcua {

class MemorySessionStore final : public SessionStore {
 public:
  // Every stored session, for tests that check what is kept.
  std::vector<SessionRecord> Sessions() const;
  // How many times last_seen_at was written.
  int touches() const;

 private:
  Status DoCreate(const SessionRecord& session) override;
  Result<SessionRecord> DoGet(const std::string& session_hash) override;
  Status DoTouch(const std::string& session_hash, Instant at) override;
  Status DoEnd(const std::string& session_hash, Instant at) override;
  Result<std::int64_t> DoEndUserSessions(const std::string& user_id, Instant at) override;

  mutable std::mutex mutex_;
  std::map<std::string, SessionRecord> sessions_;
  int touches_ = 0;
};

}  // namespace motcua
