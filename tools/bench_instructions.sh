#!/usr/bin/env bash
# bench_instructions.sh: instructions per request of two motcua builds, under
# callgrind, for the same loadgen workload. Unlike requests per second on a
# shared machine, an instruction count repeats from run to run (valgrind
# counts, it does not time), so a change of a few percent shows.
#
# Usage:
#   tools/bench_instructions.sh BASE_MOTCUA BASE_WORKFLOWS NEW_MOTCUA NEW_WORKFLOWS \
#                               [SECONDS] [MIXES]
#
#   *_MOTCUA, *_WORKFLOWS   as for tools/bench_compare.sh (Release builds)
#   SECONDS                 load per run under valgrind, default 40
#   MIXES                   default "transitions lifecycles"
#
# LOADGEN (default build/tools/loadgen) drives every run on 8 connections,
# with no /healthz or raw-insert reference and no reads between writes. The
# server runs `serve` under `valgrind --tool=callgrind`, counting only inside
# request handling (Router::Handle) and the store's writer batches
# (SqliteConnectionPool::RunBatch): the engine's own work, not the socket
# reads and writes. Prints, per build and mix, the requests and durable
# transitions loadgen counted, the instructions, and both per request; then
# the ratio new/base per request. Needs valgrind (Debian's package).
set -euo pipefail

if [[ $# -lt 4 ]]; then
  sed -n '7,13p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
base="$1" base_workflows="$2" new="$3" new_workflows="$4"
seconds="${5:-40}" mixes="${6:-transitions lifecycles}"
loadgen="${LOADGEN:-}"
if [[ -z "$loadgen" ]]; then
  if [[ -x build/tools/loadgen ]]; then loadgen=build/tools/loadgen; else loadgen=loadgen; fi
fi
command -v valgrind > /dev/null || { echo "bench_instructions: needs valgrind" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The motcua loadgen spawns: `serve` under callgrind, anything else as is.
cat > "$work/motcua" <<'EOF'
#!/usr/bin/env bash
if [[ "$1" == "serve" ]]; then
  exec valgrind --tool=callgrind --callgrind-out-file="$CALLGRIND_OUT" \
    --toggle-collect='motcua::Router::Handle*' \
    --toggle-collect='motcua::SqliteConnectionPool::RunBatch*' "$REAL_MOTCUA" "$@"
fi
exec "$REAL_MOTCUA" "$@"
EOF
chmod +x "$work/motcua"

declare -A per_request
for mix in $mixes; do
  for build in base new; do
    if [[ $build == base ]]; then motcua="$base" workflows="$base_workflows"
    else motcua="$new" workflows="$new_workflows"; fi
    echo "bench_instructions: $build, $mix" >&2
    report="$work/$build-$mix.txt"
    REAL_MOTCUA="$motcua" CALLGRIND_OUT="$work/$build-$mix.callgrind" \
      "$loadgen" --spawn --motcua "$work/motcua" --workflows "$workflows" --connections 8 \
      --duration "$seconds" --healthz-seconds 0 --raw-seconds 0 --mix "$mix" \
      --reads-per-write 0 --timeout 60 > "$report" 2>&1 || true
    requests=$(awk '/^[a-z_()]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$/ &&
                    $1 != "sign(client)" { r += $2 } END { print r + 0 }' "$report")
    transitions=$(sed -nE 's/.*\(([0-9]+) = action POSTs.*/\1/p' "$report" | head -1)
    instructions=$(awk '/^totals:/ { print $2 }' "$work/$build-$mix.callgrind" 2>/dev/null || true)
    if [[ -z "$instructions" || "$requests" -eq 0 ]]; then
      echo "bench_instructions: the $build $mix run counted nothing; loadgen's report:" >&2
      cat "$report" >&2
      exit 1
    fi
    per_request[$build-$mix]=$((instructions / requests))
    echo "$build $mix requests=$requests transitions=${transitions:-0}" \
      "instructions=$instructions per_request=${per_request[$build-$mix]}"
  done
  awk -v b="${per_request[base-$mix]}" -v n="${per_request[new-$mix]}" -v m="$mix" \
    'BEGIN { printf "%s: instructions per request, new/base %.3f\n", m, n / b }'
done
