// daily_numbers.h: the daily dossier numbers the SQLite store hands out,
// per (agency, local day), kept in memory so that handing one out costs no
// commit of its own.
//
// The table dossier_sequences holds, per agency and day, the highest number
// a stored dossier carries: the dossier's own write raises it
// (RecordDossierNumber, dossier_tables.h), in the dossier's transaction. A
// number handed out here therefore reaches the disk with its dossier, and
// only with it. Contract (store.h, NextDossierSequence):
//  - numbers of one agency and day count up from the table's value, 1 for a
//    new day; none is handed out twice while this object lives;
//  - a number whose dossier was never stored (the submission failed, or the
//    process died before the commit) may be handed out again after a
//    restart: nobody was ever told it;
//  - another process writing dossiers to the same file is seen through
//    Raise: the store calls it when its insert meets an existing code, and
//    the next number then comes after both that code and the table.
// Thread-safe. An entry no number was handed out of for kIdleLimit is
// dropped, and read from the table again if asked for later: by then every
// dossier numbered from it has been stored or has failed (a request's write
// is answered within seconds), so the table's value is complete. Dropping
// by calendar distance instead would lose numbers still in flight whenever
// days are asked for out of order (a generator of past dossiers, a clock set
// back). The map therefore holds the agencies and days of the last minutes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "engine/domain/calendar.h"
#include "engine/domain/status.h"

namespace motcua {

class DailyNumbers {
 public:
  // Reads the table's last number of (agency, date), 0 for none.
  using ReadLast = std::function<Result<std::int64_t>(const std::string& agency, LocalDate date)>;
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

  // How long an entry stays without handing out a number before it is dropped.
  static constexpr std::chrono::minutes kIdleLimit{10};

  explicit DailyNumbers(ReadLast read_last, SteadyNow now = std::chrono::steady_clock::now)
      : read_last_(std::move(read_last)), now_(std::move(now)) {}

  // The next number of `agency` on `date`. `read_last`'s error when the
  // table must be read (the first time, or after Raise) and cannot be.
  Result<std::int64_t> Next(const std::string& agency, LocalDate date);

  // Another writer stored a dossier numbered `number`: later numbers come
  // after it, and after what the table then says.
  void Raise(const std::string& agency, LocalDate date, std::int64_t number);

 private:
  struct Entry {
    std::int64_t last = 0;
    bool read = false;  // `last` already includes the table's value
    std::chrono::steady_clock::time_point used;
  };
  using Key = std::pair<std::string, std::int64_t>;  // agency, days since the epoch

  // Drops the entries idle for kIdleLimit; scans at most once a minute.
  void DropIdle(std::chrono::steady_clock::time_point now);

  std::mutex mutex_;
  std::map<Key, Entry> entries_;
  std::chrono::steady_clock::time_point last_sweep_{};
  const ReadLast read_last_;
  const SteadyNow now_;
};

}  // namespace motcua
