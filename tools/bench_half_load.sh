#!/usr/bin/env bash
# bench_half_load.sh: the p99 of every request at half of the maximum load,
# with that maximum measured in the same round (issue 18). This machine's
# speed drifts by up to 1.5x within the hour, so a rate that was half the
# maximum an hour ago may be nearly all of it now; each round therefore
# measures the maximum right before the paced run it halves.
#
# Usage:
#   tools/bench_half_load.sh [MOTCUA] [MIX] [ROUNDS] [SECONDS]
#
#   MOTCUA    a Release build of `motcua` (default build-release/motcua)
#   MIX       lifecycles (default) or transitions (no reads between writes)
#   ROUNDS    rounds, default 5
#   SECONDS   measured load per run, default 15, after 2 s of warm-up
#
# Each round runs loadgen twice against a fresh server of its own, 64
# connections: first as fast as the connections go, which gives the maximum
# writing requests per second (uploads, submissions and actions: loadgen's
# "all 2xx POSTs/s"); then paced at half of that (--rate), where loadgen
# counts each request's latency from its scheduled time. Prints, per round,
# the maximum, the paced rate reached, and the slowest operation's p99 in the
# paced run (the client's own CMS signing is not a request and is left out);
# then how many rounds stayed under 10 ms. Exit status 1 if a run failed.
set -euo pipefail
cd "$(dirname "$0")/.."

motcua="${1:-build-release/motcua}" mix="${2:-lifecycles}" rounds="${3:-5}" seconds="${4:-15}"
case "$mix" in
  transitions) mix_args=(--mix transitions --reads-per-write 0) ;;
  lifecycles) mix_args=(--mix lifecycles) ;;
  *) echo "bench_half_load: MIX must be transitions or lifecycles, not \"$mix\"" >&2; exit 2 ;;
esac
loadgen="${LOADGEN:-build-release/tools/loadgen}"
[[ -x "$loadgen" ]] || { echo "bench_half_load: no loadgen at $loadgen (set LOADGEN)" >&2; exit 2; }
[[ -x "$motcua" ]] || { echo "bench_half_load: not an executable: $motcua" >&2; exit 2; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One loadgen run, its report into $work/$1.txt; the rest of the arguments
# go to loadgen.
run() {
  local name="$1"
  shift
  if ! "$loadgen" --spawn --motcua "$motcua" --workflows workflows --connections 64 \
    --warmup 2 --duration "$seconds" --healthz-seconds 0 --raw-seconds 0 --sync-seconds 0 \
    "${mix_args[@]}" "$@" >"$work/$name.txt" 2>&1; then
    echo "bench_half_load: loadgen failed; its report:" >&2
    cat "$work/$name.txt" >&2
    return 1
  fi
}

# The writing requests per second of a report.
writes_per_second() { awk '/^all 2xx POSTs\/s/ { print $4 }' "$1"; }

# "OPERATION P99" of the report's slowest operation that ran.
slowest() {
  awk '/^operation/ { table = 1; next }
       table && NF == 0 { table = 0 }
       table && $2 > 0 && $1 != "sign(client)" && $6 > worst { worst = $6; name = $1 }
       END { print name, worst }' "$1"
}

echo "round,max_writes_per_s,paced_writes_per_s,reached_writes_per_s,slowest_operation,p99_ms"
under=0
for round in $(seq 1 "$rounds"); do
  run max
  max="$(writes_per_second "$work/max.txt")"
  half="$(awk -v m="$max" 'BEGIN { printf "%d", m / 2 }')"
  run half --rate "$half"
  read -r operation p99 <<<"$(slowest "$work/half.txt")"
  echo "$round,$max,$half,$(writes_per_second "$work/half.txt"),$operation,$p99"
  if awk -v p="$p99" 'BEGIN { exit !(p < 10) }'; then under=$((under + 1)); fi
done
echo "rounds with the slowest operation's p99 under 10 ms at half load: $under of $rounds"
