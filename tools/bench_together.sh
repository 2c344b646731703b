#!/usr/bin/env bash
# bench_together.sh: is a change faster or slower, on a machine whose speed
# drifts? Runs two motcua servers under load at the same time, each with
# its own loadgen, so that whatever slows the machine slows both alike; then
# compares them round by round.
#
# Usage:
#   tools/bench_together.sh BASE_MOTCUA NEW_MOTCUA [ROUNDS] [SECONDS] [MIX]
#
#   BASE_MOTCUA, NEW_MOTCUA   Release builds of `motcua`; both serve the
#                             source tree's workflows/
#   ROUNDS                    rounds, default 6; the first server started
#                             alternates, base first in odd rounds
#   SECONDS                   load per run, default 10
#   MIX                       transitions (default; no reads between writes)
#                             or lifecycles
#
# Each loadgen has 32 connections and skips its references (/healthz, raw
# SQLite, fdatasync), which the two would otherwise run against each other.
# Prints both runs of each round (loadgen's --csv line after the build's
# name), the ratios new/base of that round, and the medians of the ratios:
# throughput (transitions/s, or lifecycles/s) and server CPU per transition.
# Run it with the same binary twice (an A/A run) to see what the method
# itself scatters: on the project machine, within 3% (BENCHMARKS.md).
#
# Alternating runs (tools/bench_compare.sh) compare runs minutes apart; on
# the project machine the same binary's throughput then ranged from 6,400 to
# 11,800 transitions/s within ten minutes, more than most changes move it.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -lt 2 ]]; then
  sed -n '7,17p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
base="$1" new="$2" rounds="${3:-6}" seconds="${4:-10}" mix="${5:-transitions}"
case "$mix" in
  transitions) mix_args=(--mix transitions --reads-per-write 0) ;;
  lifecycles) mix_args=(--mix lifecycles) ;;
  *) echo "bench_together: MIX must be transitions or lifecycles, not \"$mix\"" >&2; exit 2 ;;
esac
loadgen="${LOADGEN:-build-release/tools/loadgen}"
[[ -x "$loadgen" ]] || { echo "bench_together: no loadgen at $loadgen (set LOADGEN)" >&2; exit 2; }
for binary in "$base" "$new"; do
  [[ -x "$binary" ]] || { echo "bench_together: not an executable: $binary" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# One loadgen run against a server of its own, into $work/$1.csv.
run() {
  "$loadgen" --spawn --motcua "$2" --workflows workflows --connections 32 \
    --duration "$seconds" --healthz-seconds 0 --raw-seconds 0 --sync-seconds 0 \
    "${mix_args[@]}" --csv >"$work/$1.csv" 2>"$work/$1.txt" || true
  if [[ ! -s "$work/$1.csv" ]]; then
    echo "bench_together: loadgen printed no figures; its report:" >&2
    cat "$work/$1.txt" >&2
    return 1
  fi
}

# loadgen's --csv columns: 2 lifecycles/s, 3 transitions/s, 9 server CPU
# per transition.
throughput_column=$([[ $mix == lifecycles ]] && echo 2 || echo 3)
echo "round,build,connections,lifecycles_per_s,transitions_per_s,sign_result_p99_ms,healthz_per_s,errors,server_peak_rss_mib,any_request_p99_ms,server_cpu_us_per_transition"
ratios="$work/ratios"
for round in $(seq 1 "$rounds"); do
  if ((round % 2)); then
    run base "$base" & first=$!
    run new "$new" & second=$!
  else
    run new "$new" & first=$!
    run base "$base" & second=$!
  fi
  # Both runs end before a failure of either stops the script: a server
  # and its loadgen are never left running.
  failed=0
  wait "$first" || failed=1
  wait "$second" || failed=1
  if ((failed)); then
    echo "bench_together: round $round failed (above)" >&2
    exit 1
  fi
  for build in base new; do echo "$round,$build,$(cat "$work/$build.csv")"; done
  paste -d, "$work/base.csv" "$work/new.csv" |
    awk -F, -v t="$throughput_column" '{ n = NF / 2
      printf "%.4f %.4f\n", $(n + t) / $t, $(n + 9) / $9 }' >>"$ratios"
done

echo
echo "new/base, round by round: throughput and server CPU per transition"
awk '{ printf "  %.3f  %.3f\n", $1, $2 }' "$ratios"
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf "medians over %d rounds: %s %.3fx, server CPU per transition %.3fx\n" "$rounds" \
  "$([[ $mix == lifecycles ]] && echo lifecycles/s || echo transitions/s)" \
  "$(cut -d' ' -f1 "$ratios" | median)" "$(cut -d' ' -f2 "$ratios" | median)"
