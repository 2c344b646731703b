#!/usr/bin/env bash
# Runs tools/bench_half_load.sh for one short round against a spawned server
# and checks what its report rests on: loadgen ran both runs without an
# error, the paced run was given half of the maximum the first run reached
# and ran at about that rate (not at the maximum: the pacing held; nor far
# below it, which a slow machine might, so the bounds are wide), and the
# slowest operation and its p99 were read from loadgen's table. A change to
# loadgen's report that the script no longer reads fails here rather than in
# a benchmark.
#
# Usage: half_load_check.sh LOADGEN_BINARY MOTCUA_BINARY
set -euo pipefail
loadgen="$1"
motcua="$2"
root="$(cd "$(dirname "$0")/../.." && pwd)"

report="$(LOADGEN="$loadgen" "$root/tools/bench_half_load.sh" "$motcua" transitions 1 2)"
echo "$report"
line="$(echo "$report" | sed -n 2p)"
IFS=, read -r round max paced reached operation p99 <<<"$line"
fail() { echo "half_load_check: $1 (line: $line)" >&2; exit 1; }
[[ "$round" == 1 ]] || fail "no round 1"
awk -v m="$max" 'BEGIN { exit !(m > 0) }' || fail "no maximum writes/s"
[[ "$paced" == "$(awk -v m="$max" 'BEGIN { printf "%d", m / 2 }')" ]] || fail "the paced rate is not half the maximum"
awk -v r="$reached" -v p="$paced" 'BEGIN { exit !(r > 0.5 * p && r < 1.1 * p) }' || fail "the paced run did not run at its rate"
case "$operation" in
  upload | submit | supplement | resubmit) ;;
  *) fail "no operation of the transitions mix named" ;;
esac
awk -v p="$p99" 'BEGIN { exit !(p > 0) }' || fail "no p99"
echo "$report" | grep -q '^rounds with the slowest operation.s p99 under 10 ms at half load: [01] of 1$' ||
  fail "no summary line"
echo "ok"
