#!/usr/bin/env bash
# bench_postgres_reads.sh: queue, list and report latencies at a million
# dossiers on PostgreSQL, next to libpq references measured in the same run.
#
# Usage: tools/bench_postgres_reads.sh SQLITE_DB [BUILD_DIR] [SECONDS]
#   SQLITE_DB   a database made by gen_dossiers (README, Benchmarks)
#   BUILD_DIR   a Release build directory (default build-release) holding
#               motcua, tools/bench_queries and tools/bench_reports
#   SECONDS     per bench_queries measurement (default 5)
#
# In one throw-away PostgreSQL cluster (tests/postgres/cluster.sh, durable:
# fsync on), the script:
#   1. copies SQLITE_DB into a fresh database with `motcua copy`, timed;
#   2. runs bench_queries on it (queues, an applicant's list, GetDossier; the
#      inputs come from SQLITE_DB, so SQLite and PostgreSQL get the same
#      calls), next to `SELECT 1` and a primary-key lookup over libpq;
#   3. runs bench_reports --postgres on a second, empty database (1,000,000
#      report rows, 40 agencies, the same rows as its SQLite run), next to
#      COUNT(*) over the same rows.
# The cluster keeps PostgreSQL's default settings (shared_buffers 128 MB);
# the operating system's page cache holds the rest. Nothing is asserted: the
# tools print p50/p99 and flag a queue p99 over 5 ms or a report over 100 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 1 ]] || { echo "usage: $0 SQLITE_DB [BUILD_DIR] [SECONDS]" >&2; exit 2; }
sqlite_db="$1"
build="${2:-build-release}"
seconds="${3:-5}"
[[ -f "$sqlite_db" ]] || { echo "bench_postgres_reads: no such file: $sqlite_db" >&2; exit 2; }
for binary in "$build/motcua" "$build/tools/bench_queries" "$build/tools/bench_reports"; do
  [[ -x "$binary" ]] || { echo "bench_postgres_reads: not an executable: $binary" >&2; exit 2; }
done
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[[ -x "$bindir/psql" ]] || { echo "bench_postgres_reads: psql not found (Debian postgresql)" >&2; exit 2; }

work="$(mktemp -d)"
cleanup() {
  MOTCUA_POSTGRES_BINDIR="$bindir" tests/postgres/cluster.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "bench_postgres_reads: starting a durable PostgreSQL cluster" >&2
MOTCUA_PG_DURABLE=1 MOTCUA_POSTGRES_BINDIR="$bindir" tests/postgres/cluster.sh start "$work/pg" >&2
export PGPASSFILE="$work/pg/passfile"
admin_uri="$(cat "$work/pg/uri")"
uri_of() { echo "${admin_uri%/*}/$1"; }
"$bindir/psql" -q "$admin_uri" -c "CREATE DATABASE queries" -c "CREATE DATABASE reports" >&2

echo "== motcua copy: $sqlite_db ($(du -h "$sqlite_db" | cut -f1))"
start=$(date +%s%N)
"$build/motcua" copy --from "$sqlite_db" --to "$(uri_of queries)" | tail -n 3
echo "copied in $((($(date +%s%N) - start) / 1000000)) ms"
"$bindir/psql" -q "$(uri_of queries)" -c "VACUUM ANALYZE" >&2
echo "database size: $("$bindir/psql" -At "$(uri_of queries)" -c \
  "SELECT pg_size_pretty(pg_database_size(current_database()))")"

echo
echo "== bench_queries on PostgreSQL"
"$build/tools/bench_queries" --db "$sqlite_db" --store "$(uri_of queries)" --seconds "$seconds"

echo
echo "== bench_reports on PostgreSQL"
"$build/tools/bench_reports" --postgres "$(uri_of reports)"
