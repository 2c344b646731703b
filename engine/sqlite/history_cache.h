// history_cache.h: decoded dossier histories by (dossier code, version),
// shared by the SQLite store's readers and writers, so that loading a dossier
// need not read and decode all its events again, nor fold its contents
// (dossier_contents.h) from them again.
//
// Why an entry never goes stale: events are append-only (triggers forbid
// updating or deleting them) and every appended event bumps the dossier's
// version, so the history of a dossier at a given version is fixed forever,
// whichever process wrote it, and so are the contents folded from it.
// GetDossier still reads the dossier's row, and so its current version, from
// the database in its own read transaction, and uses an entry only for
// exactly that version.
//
// Bounded by the number of events held: when over the bound, the entries put
// longest ago go first. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/domain/dossier.h"
#include "engine/domain/dossier_contents.h"

namespace motcua {

class HistoryCache {
 public:
  using History = std::shared_ptr<const std::vector<DossierEvent>>;
  using Contents = std::shared_ptr<const DossierContents>;

  // A dossier's history at one version, and what FoldHistoryContents makes
  // of it (null when it was put without them). False when nothing is known.
  struct Known {
    History history;
    Contents contents;
    explicit operator bool() const { return history != nullptr; }
  };

  explicit HistoryCache(std::size_t max_events) : max_events_(max_events) {}

  // What is known of `code` at `version`.
  Known Find(const std::string& code, std::int64_t version) const;
  // Remembers `history` as that of `code` at `version`, with the contents
  // folded from it (or null), replacing any other version of it.
  void Put(const std::string& code, std::int64_t version, History history, Contents contents);
  // What is known of `code` at `version`, dropped from the cache: for a
  // writer that appends to the history (EventHistory::Adopt) and Puts it back
  // when the new version commits.
  Known Take(const std::string& code, std::int64_t version);
  // Drops whatever is known of `code`.
  void Forget(const std::string& code);

  std::size_t events() const;  // held now, for tests

 private:
  struct Entry {
    std::int64_t version = 0;
    History history;
    Contents contents;
    std::uint64_t put = 0;  // which Put made it, to match `order_`
  };
  using Entries = std::unordered_map<std::string, Entry>;
  void EvictLocked();
  // Drops `entry`, keeping the count of events held; returns what it held.
  Known EraseLocked(Entries::iterator entry);

  const std::size_t max_events_;
  mutable std::mutex mutex_;
  Entries entries_;
  // (code, put) in the order of the Puts; items whose entry was replaced
  // since are skipped when evicting and dropped when compacting.
  std::deque<std::pair<std::string, std::uint64_t>> order_;
  std::uint64_t puts_ = 0;
  std::size_t events_ = 0;
};

}  // namespace motcua
