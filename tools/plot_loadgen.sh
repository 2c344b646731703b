#!/usr/bin/env bash
# Sweeps tools/loadgen over connection counts against a spawned server and
# plots throughput and sign_result p99 against connections with gnuplot.
#
# Usage: tools/plot_loadgen.sh BUILD_DIR OUT.png [seconds per point, default 8]
#   e.g. tools/plot_loadgen.sh build-release loadgen.png
# Prints the CSV lines (connections,lifecycles_per_s,transitions_per_s,
# sign_result_p99_ms,healthz_per_s,errors,server_peak_rss_mib) as it goes and
# keeps them next to the plot (OUT.csv).
set -euo pipefail
build=${1:?usage: tools/plot_loadgen.sh BUILD_DIR OUT.png [seconds]}
out=${2:?usage: tools/plot_loadgen.sh BUILD_DIR OUT.png [seconds]}
seconds=${3:-8}
command -v gnuplot > /dev/null || apt-get install -y gnuplot-nox
data="${out%.png}.csv"
: > "$data"
for connections in 1 2 4 8 16 32 64; do
  "$build/tools/loadgen" --spawn --csv --duration "$seconds" --connections "$connections" \
    --motcua "$build/motcua" 2> /dev/null | tee -a "$data"
done
gnuplot <<PLOT
set terminal pngcairo size 900,520 font ",10" noenhanced
set output "$out"
set datafile separator ","
set title "motcua loadgen: whole 1.003677 lifecycles with CMS signing (2 cores, client and server)"
set xlabel "keep-alive connections"
set logscale x 2
set ylabel "per second"
set y2label "sign_result p99 (ms)"
set ytics nomirror
set y2tics
set key top left
set grid
plot "$data" using 1:3 with linespoints title "durable transitions/s", \
     "$data" using 1:2 with linespoints title "lifecycles/s", \
     "$data" using 1:4 axes x1y2 with linespoints title "sign_result p99 (ms, right)"
PLOT
echo "wrote $out"
