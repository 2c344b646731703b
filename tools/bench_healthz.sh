#!/usr/bin/env bash
# bench_healthz.sh: motcua's GET /healthz against nginx answering a fixed JSON
# body, in alternating wrk rounds on this machine (issue 18's first figure).
#
# Usage:
#   tools/bench_healthz.sh MOTCUA [ROUNDS] [SECONDS] [CONNECTIONS]
#
#   MOTCUA        a Release build of `motcua` (cmake -DCMAKE_BUILD_TYPE=Release)
#   ROUNDS        rounds, default 5; each runs nginx, then motcua
#   SECONDS       wrk duration per run, default 10
#   CONNECTIONS   wrk connections, default 32 (wrk -t1, one client thread)
#
# Needs wrk and nginx (Debian: wrk, nginx-light). nginx runs as this user
# with one worker process, from a temporary prefix on a free port; motcua
# serves an empty SQLite database in a temporary directory with the bundled
# workflows (or the folder WORKFLOWS names), at the default log level, with
# any further `serve` options SERVE_ARGS holds (e.g. "--threads 1"). Prints
# one CSV line per run (round, server, requests/s, p50 ms, p99 ms, non-2xx),
# then the medians and the ratio motcua/nginx.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 1 ]]; then
  sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
motcua="$1" rounds="${2:-5}" seconds="${3:-10}" connections="${4:-32}"
[[ -x "$motcua" ]] || { echo "bench_healthz: not an executable: $motcua" >&2; exit 2; }
for tool in wrk nginx; do
  command -v "$tool" >/dev/null || [[ -x /usr/sbin/$tool ]] ||
    { echo "bench_healthz: $tool is not installed (apt-get install -y wrk nginx-light)" >&2; exit 2; }
done
nginx_binary="$(command -v nginx || echo /usr/sbin/nginx)"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() {  # URL
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "bench_healthz: $1 never answered; motcua said:" >&2
  cat "$work/motcua.err" >&2
  exit 1
}

nginx_port="$(free_port)"
mkdir -p "$work/nginx/logs"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /healthz {
      default_type application/json;
      add_header Cache-Control no-store;
      return 200 '{"status":"ok"}';
    }
  }
}
EOF
"$nginx_binary" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)

motcua_port="$(free_port)"
"$motcua" serve --db "$work/motcua.db" --listen "127.0.0.1:$motcua_port" \
  --workflows "${WORKFLOWS:-workflows}" ${SERVE_ARGS:-} >"$work/motcua.out" 2>"$work/motcua.err" &
pids+=($!)

wait_for "http://127.0.0.1:$nginx_port/healthz"
wait_for "http://127.0.0.1:$motcua_port/healthz"

# wrk's summary, as "requests/s,p50 ms,p99 ms,non-2xx".
run_wrk() {  # URL
  local out
  out="$(wrk -t1 -c"$connections" -d"${seconds}s" --latency "$1")"
  local rate p50 p99 bad
  rate="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  bad="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")"
  echo "$rate,$(to_ms "$p50"),$(to_ms "$p99"),${bad:-0}"
}

to_ms() {  # wrk's "123.45us" / "1.23ms" / "1.02s" in milliseconds
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else printf "%s", v }'
}

csv="$work/runs.csv"
echo "round,server,requests_per_s,p50_ms,p99_ms,non_2xx" | tee "$csv"
for round in $(seq 1 "$rounds"); do
  echo "$round,nginx,$(run_wrk "http://127.0.0.1:$nginx_port/healthz")" | tee -a "$csv"
  echo "$round,motcua,$(run_wrk "http://127.0.0.1:$motcua_port/healthz")" | tee -a "$csv"
done

python3 - "$csv" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def median(server, column):
    return statistics.median(float(r[column]) for r in rows if r["server"] == server)
n, m = median("nginx", "requests_per_s"), median("motcua", "requests_per_s")
print()
print(f"median requests/s  nginx {n:,.0f}  motcua {m:,.0f}  motcua/nginx {m / n:.2f}")
print(f"median p99 ms      nginx {median('nginx', 'p99_ms'):.3f}  motcua {median('motcua', 'p99_ms'):.3f}")
bad = sum(int(r["non_2xx"]) for r in rows)
print(f"non-2xx answers    {bad}")
EOF
