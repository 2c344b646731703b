#!/usr/bin/env bash
# bench_compare.sh: is a change faster or slower? Alternating loadgen rounds
# against two motcua servers, with one load generator, on this machine.
#
# Usage:
#   tools/bench_compare.sh BASE_MOTCUA BASE_WORKFLOWS NEW_MOTCUA NEW_WORKFLOWS \
#                          [ROUNDS] [SECONDS]
#
#   BASE_MOTCUA, NEW_MOTCUA   Release builds of `motcua` (cmake
#                             -DCMAKE_BUILD_TYPE=Release), e.g. one built from
#                             a `git worktree` of the base commit
#   *_WORKFLOWS               the workflows directory each one serves
#   ROUNDS                    rounds, default 5; each runs both servers with
#                             both mixes (transitions, lifecycles)
#   SECONDS                   load per run, default 8
#
# LOADGEN (default build/tools/loadgen, else the PATH's) drives every run, so
# the client is the same. Runs alternate base/new so that drift of the shared
# machine hits both alike. Prints one CSV line per run (round, build, mix,
# then loadgen's --csv columns), then per mix the medians of base and new and
# the ratio new/base for transitions/s, lifecycles/s, the same run's
# GET /healthz reference and server CPU per request (from loadgen's report).
set -euo pipefail

if [[ $# -lt 4 ]]; then
  sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
base="$1" base_workflows="$2" new="$3" new_workflows="$4"
rounds="${5:-5}" seconds="${6:-8}"
loadgen="${LOADGEN:-}"
if [[ -z "$loadgen" ]]; then
  if [[ -x build/tools/loadgen ]]; then loadgen=build/tools/loadgen; else loadgen=loadgen; fi
fi
for binary in "$base" "$new"; do
  [[ -x "$binary" ]] || { echo "bench_compare: not an executable: $binary" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
csv="$work/runs.csv"
echo "round,build,mix,connections,lifecycles_per_s,transitions_per_s,sign_result_p99_ms,healthz_per_s,errors,server_peak_rss_mib,server_cpu_us_per_request" |
  tee "$csv"
for round in $(seq 1 "$rounds"); do
  for build in base new; do
    if [[ $build == base ]]; then motcua="$base" workflows="$base_workflows"
    else motcua="$new" workflows="$new_workflows"; fi
    for mix in transitions lifecycles; do
      echo "bench_compare: round $round/$rounds, $build, $mix" >&2
      report="$work/$round-$build-$mix.txt"
      # loadgen exits non-zero when no whole lifecycle ran, as in the
      # transitions mix; a run that printed no figures is what fails here.
      line=$("$loadgen" --spawn --motcua "$motcua" --workflows "$workflows" --connections 8 \
        --duration "$seconds" --healthz-seconds 2 --raw-seconds 0 --mix "$mix" --csv \
        2>"$report") || true
      if [[ -z "$line" ]]; then
        echo "bench_compare: loadgen printed no figures; its report:" >&2
        cat "$report" >&2
        exit 1
      fi
      # Server CPU seconds over the requests of every operation in the report.
      cpu_us=$(awk '
        /^CPU during load/ { for (i = 1; i <= NF; i++) if ($i == "server") cpu = $(i + 1) }
        /^[a-z_()]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+$/ { requests += $2 }
        END { if (requests > 0) printf "%.0f", cpu * 1e6 / requests; else print "" }' "$report")
      echo "$round,$build,$mix,$line,$cpu_us" | tee -a "$csv"
    done
  done
done

echo
echo "medians over $rounds rounds (ratio new/base):"
awk -F, '
  NR == 1 { next }
  { key = $3 SUBSEP $2; n[key]++
    t[key, n[key]] = $6; l[key, n[key]] = $5; h[key, n[key]] = $8; c[key, n[key]] = $11 }
  function median(arr, key, count,    i, j, v, tmp) {
    for (i = 1; i <= count; i++) v[i] = arr[key, i] + 0
    for (i = 2; i <= count; i++) { tmp = v[i]; for (j = i - 1; j >= 1 && v[j] > tmp; j--) v[j + 1] = v[j]; v[j + 1] = tmp }
    return count % 2 ? v[(count + 1) / 2] : (v[count / 2] + v[count / 2 + 1]) / 2
  }
  END {
    split("transitions lifecycles", mixes, " ")
    for (m = 1; m <= 2; m++) {
      mix = mixes[m]; b = mix SUBSEP "base"; w = mix SUBSEP "new"
      if (!(b in n) || !(w in n)) continue
      col = mix == "transitions" ? "transitions/s" : "lifecycles/s"
      vb = mix == "transitions" ? median(t, b, n[b]) : median(l, b, n[b])
      vw = mix == "transitions" ? median(t, w, n[w]) : median(l, w, n[w])
      hb = median(h, b, n[b]); hw = median(h, w, n[w])
      cb = median(c, b, n[b]); cw = median(c, w, n[w])
      printf "  %-12s %-14s base %9.1f  new %9.1f  ratio %.3f\n", mix, col, vb, vw, vw / vb
      printf "  %-12s %-14s base %9.1f  new %9.1f  ratio %.3f\n", mix, "healthz/s", hb, hw, hw / hb
      if (cb > 0) printf "  %-12s %-14s base %9.0f  new %9.0f  ratio %.3f\n", mix, "server us/req", cb, cw, cw / cb
    }
  }' "$csv"
