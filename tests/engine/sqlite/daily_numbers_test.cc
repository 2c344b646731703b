// DailyNumbers: the SQLite store's in-memory daily dossier numbers. The
// table is a fake that counts its reads; the steady clock is set by hand.
#include "engine/sqlite/daily_numbers.h"

#include <doctest/doctest.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>

namespace motcua {
namespace {

using std::chrono::minutes;
using namespace std::chrono_literals;

constexpr LocalDate kDay{std::chrono::year{2026}, std::chrono::month{12}, std::chrono::day{7}};

// The table dossier_sequences as a map, with the number of times it was read.
struct FakeTable {
  std::map<std::pair<std::string, LocalDate>, std::int64_t> last;
  int reads = 0;
};

struct Numbers {
  FakeTable table;
  std::chrono::steady_clock::time_point now{std::chrono::hours(1)};
  DailyNumbers numbers{[this](const std::string& agency, LocalDate date) -> Result<std::int64_t> {
                         ++table.reads;
                         auto found = table.last.find({agency, date});
                         return found == table.last.end() ? 0 : found->second;
                       },
                       [this] { return now; }};

  std::int64_t Next(const std::string& agency, LocalDate date) {
    Result<std::int64_t> next = numbers.Next(agency, date);
    REQUIRE(next.ok());
    return *next;
  }
};

TEST_CASE("daily numbers: days asked for out of order never hand a number out twice") {
  // A generator of past dossiers asks for days in any order, and none of
  // these numbers has reached the table yet (their dossiers are in flight).
  Numbers n;
  const LocalDate later = std::chrono::sys_days(kDay) + std::chrono::days(30);
  CHECK(n.Next("A", kDay) == 1);
  CHECK(n.Next("A", later) == 1);
  CHECK(n.Next("A", std::chrono::sys_days(kDay) + std::chrono::days(60)) == 1);
  CHECK(n.Next("A", kDay) == 2);
  CHECK(n.Next("A", later) == 2);
  CHECK(n.table.reads == 3);
}

TEST_CASE("daily numbers: an entry idle for the limit is read from the table again") {
  Numbers n;
  n.table.last[{"A", kDay}] = 4;
  CHECK(n.Next("A", kDay) == 5);
  CHECK(n.table.reads == 1);

  // Within the limit the entry stays, whatever the table says by then.
  n.table.last[{"A", kDay}] = 5;
  n.now += DailyNumbers::kIdleLimit - 1min;
  CHECK(n.Next("A", kDay) == 6);
  CHECK(n.table.reads == 1);

  // Idle for the limit: dropped, and the table (now holding 6) read again.
  n.table.last[{"A", kDay}] = 6;
  n.now += DailyNumbers::kIdleLimit;
  CHECK(n.Next("A", kDay) == 7);
  CHECK(n.table.reads == 2);
}

TEST_CASE("daily numbers: another writer's number raises the next one and rereads the table") {
  Numbers n;
  CHECK(n.Next("A", kDay) == 1);
  n.numbers.Raise("A", kDay, 9);
  n.table.last[{"A", kDay}] = 12;  // the other writer stored more meanwhile
  CHECK(n.Next("A", kDay) == 13);
  n.numbers.Raise("A", kDay, 20);
  n.table.last[{"A", kDay}] = 3;  // a table behind the raised number does not lower it
  CHECK(n.Next("A", kDay) == 21);
  CHECK(n.Next("B", kDay) == 1);
  CHECK(n.table.reads == 4);
}

}  // namespace
}  // namespace motcua
