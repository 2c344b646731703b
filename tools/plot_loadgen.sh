#!/usr/bin/env bash
# Sweeps tools/loadgen over connection counts against a spawned server and
# plots throughput and p99 latency against connections with gnuplot.
#
# Usage: tools/plot_loadgen.sh BUILD_DIR OUT.png [seconds per point, default 8] [MIX]
#   MIX: lifecycles (default: whole lifecycles with CMS signing; the p99 is
#        sign_result's) or transitions (loadgen --mix transitions
#        --reads-per-write 0; the p99 is the highest of any request)
#   e.g. tools/plot_loadgen.sh build-release loadgen.png
#        tools/plot_loadgen.sh build-release transitions.png 6 transitions
# Prints the CSV lines (loadgen --csv: connections,lifecycles_per_s,
# transitions_per_s,sign_result_p99_ms,healthz_per_s,errors,
# server_peak_rss_mib,any_request_p99_ms,server_cpu_us_per_transition) as it
# goes and keeps them next to the plot (OUT.csv).
set -euo pipefail
usage="usage: tools/plot_loadgen.sh BUILD_DIR OUT.png [seconds] [lifecycles|transitions]"
build=${1:?$usage}
out=${2:?$usage}
seconds=${3:-8}
mix=${4:-lifecycles}
case "$mix" in
  lifecycles) mix_args=() ;;
  transitions) mix_args=(--mix transitions --reads-per-write 0) ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
command -v gnuplot > /dev/null || apt-get install -y gnuplot-nox
data="${out%.png}.csv"
: > "$data"
for connections in 1 2 4 8 16 32 64; do
  "$build/tools/loadgen" --spawn --csv --duration "$seconds" --connections "$connections" \
    --motcua "$build/motcua" "${mix_args[@]}" 2> /dev/null | tee -a "$data"
done
if [[ $mix == lifecycles ]]; then
  title="whole 1.003677 lifecycles with CMS signing"
  lines='"'"$data"'" using 1:3 with linespoints title "durable transitions/s", \
     "'"$data"'" using 1:2 with linespoints title "lifecycles/s", \
     "'"$data"'" using 1:4 axes x1y2 with linespoints title "sign_result p99 (ms, right)"'
else
  title="durable transitions alone (--mix transitions)"
  lines='"'"$data"'" using 1:3 with linespoints title "durable transitions/s", \
     "'"$data"'" using 1:8 axes x1y2 with linespoints title "p99 of any request (ms, right)"'
fi
gnuplot <<PLOT
set terminal pngcairo size 900,520 font ",10" noenhanced
set output "$out"
set datafile separator ","
set title "motcua loadgen: $title (2 cores, client and server)"
set xlabel "keep-alive connections"
set logscale x 2
set ylabel "per second"
set y2label "p99 (ms)"
set ytics nomirror
set y2tics
set key top left
set grid
plot $lines
PLOT
echo "wrote $out"
