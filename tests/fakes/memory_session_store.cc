#include "tests/fakes/memory_session_store.h"

namespace motcua {

std::vector<SessionRecord> MemorySessionStore::Sessions() const {
  std::lock_guard lock(mutex_);
  std::vector<SessionRecord> sessions;
  for (const auto& [hash, session] : sessions_) sessions.push_back(session);
  return sessions;
}

int MemorySessionStore::touches() const {
  std::lock_guard lock(mutex_);
  return touches_;
}

Status MemorySessionStore::DoCreate(const SessionRecord& session) {
  std::lock_guard lock(mutex_);
  if (!sessions_.emplace(session.session_hash, session).second) {
    return Error(ErrorCode::kConflict, "the session exists");
  }
  return Status();
}

Result<SessionRecord> MemorySessionStore::DoGet(const std::string& session_hash) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(session_hash);
  if (found == sessions_.end()) return UnknownSession();
  return found->second;
}

Status MemorySessionStore::DoTouch(const std::string& session_hash, Instant at) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(session_hash);
  if (found != sessions_.end() && !found->second.ended_at && found->second.last_seen_at < at) {
    found->second.last_seen_at = at;
    ++touches_;
  }
  return Status();
}

Status MemorySessionStore::DoEnd(const std::string& session_hash, Instant at) {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(session_hash);
  if (found != sessions_.end() && !found->second.ended_at) found->second.ended_at = at;
  return Status();
}

Result<std::int64_t> MemorySessionStore::DoEndUserSessions(const std::string& user_id, Instant at) {
  std::lock_guard lock(mutex_);
  std::int64_t ended = 0;
  for (auto& [hash, session] : sessions_) {
    if (session.user_id == user_id && !session.ended_at) {
      session.ended_at = at;
      ++ended;
    }
  }
  return ended;
}

}  // namespace motcua
