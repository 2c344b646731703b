#!/usr/bin/env bash
# bench_storage.sh: bytes per dossier on disk, as gen_dossiers writes them and
# after the default 90-day feed retention (issue 18's storage figure).
#
# Usage:
#   tools/bench_storage.sh BUILD_DIR [COUNT] [KEEP_DIR]
#
#   BUILD_DIR   a build tree holding tools/gen_dossiers (Release is fastest)
#   COUNT       dossiers to generate, default 100000 (issue 18 asks for 1M)
#   KEEP_DIR    where to leave the database; default a temporary directory,
#               deleted afterwards
#
# Documents are not generated (their bytes are excluded from the figure).
# gen_dossiers writes each dossier's feed entries at its simulated times, in
# dossier order rather than time order, so the server's own pass (which stops
# at the first entry young enough to keep) would delete almost nothing here.
# The script therefore applies the same rule to every entry in SQL: entries
# created more than 90 days ago go, except the newest, as the server deletes
# them over time; then VACUUM gives the pages back. Prints the bytes per
# dossier of each table and index (SQLite's dbstat), before and after, and
# the totals.
set -euo pipefail

if [[ $# -lt 1 ]]; then
  sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
build="$1" count="${2:-100000}" keep="${3:-}"
generator="$build/tools/gen_dossiers"
[[ -x "$generator" ]] || { echo "bench_storage: not an executable: $generator" >&2; exit 2; }
command -v sqlite3 >/dev/null ||
  { echo "bench_storage: sqlite3 is not installed (apt-get install -y sqlite3)" >&2; exit 2; }

if [[ -n "$keep" ]]; then
  work="$keep"
  mkdir -p "$work"
  rm -f "$work/gen.db" "$work/gen.db-wal" "$work/gen.db-shm"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
db="$work/gen.db"

"$generator" --db "$db" --count "$count" >&2

per_table() {
  sqlite3 "$db" "SELECT printf('%-40s %8.0f', name, SUM(pgsize) * 1.0 / $count) FROM dbstat
                 GROUP BY name HAVING SUM(pgsize) * 1.0 / $count >= 1 ORDER BY SUM(pgsize) DESC"
}
total() { sqlite3 "$db" "SELECT printf('%.0f', SUM(pgsize) * 1.0 / $count) FROM dbstat"; }

echo "== as generated: bytes per dossier, by table and index (>= 1 byte)"
per_table
generated="$(total)"

sqlite3 "$db" <<'SQL'
PRAGMA synchronous = FULL;
BEGIN;
UPDATE outbox_retention SET pruned_through = (SELECT max(id) - 1 FROM outbox) WHERE singleton = 1;
DELETE FROM outbox WHERE created_at < CAST(strftime('%s', 'now') AS INTEGER) - 90 * 86400
  AND id < (SELECT max(id) FROM outbox);
COMMIT;
VACUUM;
SQL
echo "== after 90-day feed retention and VACUUM"
per_table
retained="$(total)"
echo "== totals: $count dossiers; bytes per dossier as generated, after retention"
echo "generated,$generated"
echo "after_retention,$retained"
