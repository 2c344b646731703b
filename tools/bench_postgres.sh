#!/usr/bin/env bash
# bench_postgres.sh: whole lifecycles per second on SQLite, on PostgreSQL with
# one node, and on PostgreSQL with two nodes, next to raw PostgreSQL
# transactions per second (pgbench -N) on the same machine, in one run.
#
# Usage: tools/bench_postgres.sh [MOTCUA] [SECONDS] [CONNECTIONS]
#   MOTCUA        a Release build of motcua (default build/motcua)
#   SECONDS       load per run (default 10)
#   CONNECTIONS   loadgen connections per node (default 8)
#
# Every server is durable: SQLite with synchronous=FULL (the default), and a
# throw-away PostgreSQL cluster (tests/postgres/cluster.sh) with fsync,
# synchronous_commit and full_page_writes on (MOTCUA_PG_DURABLE=1). The
# two-node run starts two `motcua serve` on one database and one loadgen per
# node at once; its figures are the sums. The reference is pgbench's
# simple-update script without branch updates (-N: three UPDATEs, a SELECT
# and an INSERT per transaction) at as many clients as motcua has
# connections in total. For each run the script samples CPU time of the
# servers, PostgreSQL and the load generators (from /proc), so the report
# says which of them saturates the two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
motcua="${1:-build/motcua}"
seconds="${2:-10}"
connections="${3:-8}"
loadgen="${LOADGEN:-build/tools/loadgen}"
for binary in "$motcua" "$loadgen"; do
  [[ -x "$binary" ]] || { echo "bench_postgres: not an executable: $binary" >&2; exit 2; }
done
bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[[ -x "$bindir/pgbench" ]] || { echo "bench_postgres: pgbench not found (Debian postgresql)" >&2; exit 2; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  MOTCUA_POSTGRES_BINDIR="$bindir" tests/postgres/cluster.sh stop "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "bench_postgres: starting a durable PostgreSQL cluster" >&2
MOTCUA_PG_DURABLE=1 MOTCUA_POSTGRES_BINDIR="$bindir" tests/postgres/cluster.sh start "$work/pg" >&2
export PGPASSFILE="$work/pg/passfile"
admin_uri="$(cat "$work/pg/uri")"
uri_of() { echo "${admin_uri%/*}/$1"; }
"$bindir/psql" -q "$admin_uri" -c "CREATE DATABASE pgbench" -c "CREATE DATABASE motcua1" \
  -c "CREATE DATABASE motcua2" >&2
"$motcua" pki demo --out "$work/pki" >/dev/null

# CPU ticks (user + system) of the processes pgrep finds with "$@".
cpu_of() {
  local total=0 pid stat
  for pid in $(pgrep "$@" || true); do
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
    total=$((total + $(awk '{print $12 + $13}' <<<"${stat##*) }" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
# The same for this run's PostgreSQL cluster, whose backends come and go:
# the postmaster, its live children, and what it collected from exited ones.
cpu_of_postgres() {
  local postmaster stat total
  postmaster=$(head -1 "$work/pg/data/postmaster.pid")
  total=$(cpu_of -P "$postmaster")
  stat=$(cat "/proc/$postmaster/stat")
  echo $((total + $(awk '{print $12 + $13 + $14 + $15}' <<<"${stat##*) }")))
}
ticks=$(getconf CLK_TCK)

echo "bench_postgres: pgbench -N reference" >&2
clients=$((connections * 2))
"$bindir/pgbench" -q -i -s 4 "$(uri_of pgbench)" >/dev/null 2>&1
pg_before=$(cpu_of_postgres)
pgbench_tps=$("$bindir/pgbench" -N -c "$clients" -j 2 -T "$seconds" "$(uri_of pgbench)" 2>/dev/null |
  awk '/^tps = / { print $3; exit }')
pg_cpu=$(( $(cpu_of_postgres) - pg_before ))
echo "pgbench -N, $clients clients: $pgbench_tps tps (PostgreSQL CPU $(awk -v t="$pg_cpu" -v h="$ticks" -v s="$seconds" 'BEGIN { printf "%.0f%%", 100 * t / h / s }'))"

# Starts `motcua serve` on $1 (a path or URI), logging to $2; sets $port.
serve() {
  local db="$1" log="$2"
  "$motcua" serve --db "$db" --listen 127.0.0.1:0 --workflows workflows \
    --admin-token-file "$work/admin-token-$(basename "$log")" --timer-interval 0 \
    --trust "$work/pki/root-ca.pem" --seal-key "$work/pki/agency-seal.key" \
    --seal-cert "$work/pki/agency-seal.pem" --seal-chain "$work/pki/chain.pem" >"$log" 2>&1 &
  pids+=($!)
  port=""
  for _ in $(seq 1 100); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" 2>/dev/null | grep -o '[0-9]*$' || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "bench_postgres: serve did not start; its log:" >&2; cat "$log" >&2; exit 1; }
}

# One loadgen run against port $1 on database $2, CSV line on stdout.
load() {
  "$loadgen" --url "http://127.0.0.1:$1" --db "$2" --pki "$work/pki" --connections "$connections" \
    --duration "$seconds" --healthz-seconds 0 --raw-seconds 0 --csv 2>"$work/loadgen-$1.txt"
}

report() {  # name, lifecycles/s, transitions/s, errors, server cpu ticks, postgres cpu ticks, loadgen ticks
  awk -v name="$1" -v l="$2" -v t="$3" -v e="$4" -v s="$5" -v p="$6" -v g="$7" -v h="$ticks" \
    -v secs="$seconds" -v ref="$pgbench_tps" 'BEGIN {
      printf "%-22s %9.1f lifecycles/s %9.1f transitions/s  errors %s  ratio to pgbench %.3f  CPU: motcua %.0f%%, postgres %.0f%%, loadgen %.0f%% (of one core)\n",
        name, l, t, e, t / ref, 100 * s / h / secs, 100 * p / h / secs, 100 * g / h / secs }'
}

run() {  # name, then pairs of port and db
  local name="$1"
  shift
  local before_s before_p
  before_s=$(cpu_of -f "motcua serve")
  before_p=$(cpu_of_postgres)
  local outputs=() i=0
  while [[ $# -gt 0 ]]; do
    load "$1" "$2" >"$work/csv-$i" &
    outputs+=("$work/csv-$i")
    i=$((i + 1))
    shift 2
  done
  wait_pids=$(jobs -p | tail -n "$i")
  for pid in $wait_pids; do wait "$pid" || true; done
  local lifecycles=0 transitions=0 errors=0
  local loadgen_ticks
  # loadgen reports its own CPU time ("CPU during load  loadgen N s").
  loadgen_ticks=$(cat "$work"/loadgen-*.txt | awk -v h="$ticks" '
    /^CPU during load/ { for (i = 1; i <= NF; i++) if ($i == "loadgen") s += $(i + 1) * h }
    END { printf "%d", s }')
  rm -f "$work"/loadgen-*.txt
  for out in "${outputs[@]}"; do
    IFS=, read -r _ l t _ _ e _ <"$out" || true
    lifecycles=$(awk -v a="$lifecycles" -v b="${l:-0}" 'BEGIN { print a + b }')
    transitions=$(awk -v a="$transitions" -v b="${t:-0}" 'BEGIN { print a + b }')
    errors=$((errors + ${e:-0}))
  done
  report "$name" "$lifecycles" "$transitions" "$errors" \
    $(( $(cpu_of -f "motcua serve") - before_s )) $(( $(cpu_of_postgres) - before_p )) \
    "$loadgen_ticks"
}

echo "bench_postgres: 1 node on SQLite" >&2
serve "$work/motcua.db" "$work/sqlite.log"
run "SQLite, 1 node" "$port" "$work/motcua.db"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

echo "bench_postgres: 1 node on PostgreSQL" >&2
serve "$(uri_of motcua1)" "$work/pg1.log"
run "PostgreSQL, 1 node" "$port" "$(uri_of motcua1)"
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

echo "bench_postgres: 2 nodes on PostgreSQL" >&2
serve "$(uri_of motcua2)" "$work/pg2a.log"
port_a="$port"
serve "$(uri_of motcua2)" "$work/pg2b.log"
port_b="$port"
run "PostgreSQL, 2 nodes" "$port_a" "$(uri_of motcua2)" "$port_b" "$(uri_of motcua2)"
