#!/usr/bin/env bash
# Measures `motcua serve` start-up time and memory on a given database (issue
# 7: under 2 s and under 300 MB with a million dossiers), next to references
# taken in the same run.
#
# Usage: tools/bench_startup.sh BUILD_DIR DB_PATH [load seconds, default 10]
#   e.g. build-release/tools/gen_dossiers --db /tmp/motcua-1m.db --count 1000000
#        tools/bench_startup.sh build-release /tmp/motcua-1m.db
#
# DB_PATH is never modified: the server runs on a copy in a temporary
# directory (on the same file system as $TMPDIR, default /tmp), with a fresh
# demo PKI. The copy is read once before the measurement, so the page cache
# is warm for the server and for the reference alike. Then it prints:
#  1. reference: `sqlite3 COPY 'SELECT count(*) FROM dossiers'` (wall time);
#  2. start-up: from the exec of `motcua serve` until GET /healthz answers
#     200 (polled with curl every 10 ms: about 20 ms resolution; a server not
#     answering within 60 s fails the run), and the server's VmHWM / VmRSS
#     at that point;
#  3. reference: the same start-up on an empty database;
#  4. load: tools/loadgen for the given seconds (8 connections, lifecycles
#     plus queue and dossier reads), then reports (summary by procedure and
#     by month, scorecard) as an auditor, agency lists as a clerk and one
#     /metrics scrape (queue depths); VmHWM / VmRSS after each.
set -euo pipefail
build=${1:?usage: tools/bench_startup.sh BUILD_DIR DB_PATH [load seconds]}
source_db=${2:?usage: tools/bench_startup.sh BUILD_DIR DB_PATH [load seconds]}
load_seconds=${3:-10}
here=$(cd "$(dirname "$0")/.." && pwd)
motcua="$build/motcua"
agency=000.00.01.H26
[ -x "$motcua" ] || { echo "no $motcua" >&2; exit 2; }
[ -f "$source_db" ] || { echo "no $source_db" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/bench_startup.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

now_ns() { date +%s%N; }
ms_since() { echo $((($(now_ns) - $1) / 1000000)); }
memory() {  # VmHWM and VmRSS of the server, in MiB
  awk '/^VmHWM|^VmRSS/ {printf "%s %d MiB  ", $1, $2 / 1024}' "/proc/$server_pid/status"
  echo
}

# Starts the server on database $1, waits for /healthz and sets $port,
# $server_pid and $startup_ms.
start_server() {
  local db=$1 log=$work/server.log start line
  start=$(now_ns)
  "$motcua" serve --db "$db" --listen 127.0.0.1:0 --workflows "$here/workflows" \
    --trust "$work/pki/root-ca.pem" \
    --seal-key "$work/pki/agency-seal.key" --seal-cert "$work/pki/agency-seal.pem" \
    --seal-chain "$work/pki/chain.pem" > "$log" 2>&1 &
  server_pid=$!
  port=
  while :; do
    kill -0 "$server_pid" 2> /dev/null || { cat "$log" >&2; exit 1; }
    if [ "$(ms_since "$start")" -gt 60000 ]; then
      echo "no answer from /healthz within 60 s" >&2
      exit 1
    fi
    if [ -z "$port" ]; then
      line=$(grep -m1 'motcua listening on' "$log" 2> /dev/null || true)
      port=${line##*:}
      port=${port%% *}
    fi
    if [ -n "$port" ] &&
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" = 200 ]; then
      break
    fi
    sleep 0.01
  done
  startup_ms=$(ms_since "$start")
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid" || true
  server_pid=
}

token() {  # token USER ROLES: a bearer token on the copy
  "$motcua" token create --db "$work/motcua.db" --user "$1" --roles "$2" --agency "$agency" \
    --label bench_startup 2> /dev/null
}

"$motcua" pki demo --out "$work/pki" > /dev/null
cp "$source_db" "$work/motcua.db"
cat "$work/motcua.db" > /dev/null
echo "database: $source_db ($(du -m "$work/motcua.db" | cut -f1) MiB), copied to $work"

start=$(now_ns)
count=$(sqlite3 "$work/motcua.db" 'SELECT count(*) FROM dossiers')
echo "reference: sqlite3 SELECT count(*) FROM dossiers = $count in $(ms_since "$start") ms"

start_server "$work/empty.db"
echo "reference: start-up on an empty database: $startup_ms ms; $(memory)"
stop_server

start_server "$work/motcua.db"
echo "start-up on the copy: $startup_ms ms; $(memory)"

"$build/tools/loadgen" --url "http://127.0.0.1:$port" --db "$work/motcua.db" \
  --pki "$work/pki" --motcua "$motcua" --duration "$load_seconds" --connections 8 \
  --healthz-seconds 1 --raw-seconds 1 2>&1 | grep -E 'lifecycles/s|errors|healthz|raw' || true
echo "after loadgen ($load_seconds s): $(memory)"

url="http://127.0.0.1:$port"
auditor=$(token auditor.bench auditor)
clerk=$(token clerk.bench reception_clerk)
start=$(now_ns)
for query in "group_by=procedure" "group_by=month" "group_by=procedure&from=2026-01-01"; do
  curl -sf -o /dev/null -H "Authorization: Bearer $auditor" "$url/v1/reports/summary?$query"
done
curl -sf -o /dev/null -H "Authorization: Bearer $auditor" "$url/v1/reports/scorecard"
echo "4 report reads in $(ms_since "$start") ms: $(memory)"
start=$(now_ns)
after=
pages=0
while [ "$pages" -lt 20 ]; do
  page=$(curl -sf -H "Authorization: Bearer $clerk" "$url/v1/dossiers?limit=200$after")
  pages=$((pages + 1))
  last=$(printf '%s' "$page" | { grep -o '"code":"[^"]*"' || true; } | tail -1 | cut -d'"' -f4)
  [ -n "$last" ] || break
  after="&after=$last"
done
for _ in $(seq 20); do
  curl -sf -o /dev/null -H "Authorization: Bearer $clerk" "$url/v1/queue?role=reception_clerk"
done
echo "$pages agency list pages + 20 queue reads in $(ms_since "$start") ms: $(memory)"
start=$(now_ns)
curl -sf -o /dev/null "$url/metrics"
echo "/metrics scrape in $(ms_since "$start") ms: $(memory)"
stop_server
