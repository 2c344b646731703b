#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang-14, ASan+UBSan) into
# build-fuzz/ and runs each for SECONDS (default 30) on a copy of its seed
# corpus. Fails if any target crashes, including on a known reproducer.
#
# Usage: tools/fuzz.sh [SECONDS] [TARGET...]     e.g. tools/fuzz.sh 600
#        (TARGET: json_workflow calendar http cms report_query id_token; default all)
#
# For each target, first every file of tests/fuzz/regressions/<name>/ is
# replayed on its own (each is a minimized input that once crashed the
# target; "still crashes" means its fix has not landed on this branch). Those
# that pass join the seeds of tests/fuzz/corpus/<name>/, and libFuzzer
# mutates that copy for SECONDS. A new crash leaves its input in
# build-fuzz/fuzz-work/<name>/artifacts/; minimize it with
#   build-fuzz/fuzz/<name>_fuzzer -minimize_crash=1 -runs=100000 FILE
# and add it to tests/fuzz/regressions/<name>/. The corpus copy grows in
# build-fuzz/fuzz-work/<name>/corpus/ and is never written back.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-30}"
shift || true
all_targets=(json_workflow calendar http cms report_query id_token)
targets=("$@")
[[ ${#targets[@]} -eq 0 ]] && targets=("${all_targets[@]}")
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "usage: tools/fuzz.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi

# Longest input libFuzzer may generate, per target: room for a workflow
# definition with a form (seeds are ~7 KB) or a request with a body; small
# for a query string.
declare -A max_len=([json_workflow]=65536 [calendar]=16384 [http]=65536 [cms]=8192
                    [report_query]=2048 [id_token]=16384)

tools/install-deps.sh --tests || exit 1
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
# Line tables only (-gline-tables-only): enough for the crash reports' frames,
# and much cheaper to compile than full debug information.
CC=clang-14 CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -gline-tables-only -DNDEBUG" \
  -DMOTCUA_WERROR=ON -DMOTCUA_FUZZ=ON -DMOTCUA_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null || exit 1
cmake --build build-fuzz -j"$(nproc)" --target "${targets[@]/%/_fuzzer}" || exit 1

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
command -v llvm-symbolizer-14 >/dev/null &&
  export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-$(command -v llvm-symbolizer-14)}"

# The first line naming what went wrong in a sanitizer or libFuzzer log.
finding() {
  grep -m1 -E 'ERROR: (AddressSanitizer|UndefinedBehaviorSanitizer|LeakSanitizer|libFuzzer)|runtime error:|==[0-9]+== ?ERROR|answered 5[0-9][0-9]|Assertion|terminate called' "$1" |
    sed -E 's/^==[0-9]+==//' | cut -c1-160
}

summary=()
failed=0
total_runs=0
for name in "${targets[@]}"; do
  binary="build-fuzz/fuzz/${name}_fuzzer"
  work="build-fuzz/fuzz-work/$name"
  rm -rf "$work/corpus" "$work/artifacts"
  mkdir -p "$work/corpus" "$work/artifacts" "$work/logs"
  cp tests/fuzz/corpus/"$name"/* "$work/corpus/"

  known=0
  for reproducer in tests/fuzz/regressions/"$name"/*; do
    [[ -f "$reproducer" ]] || continue
    log="$work/logs/replay-$(basename "$reproducer").log"
    if timeout 60 "$binary" -rss_limit_mb=2048 -timeout=10 "$reproducer" >"$log" 2>&1; then
      cp "$reproducer" "$work/corpus/"
    else
      known=$((known + 1))
      failed=1
      summary+=("$(printf '%-14s STILL CRASHES  %s: %s' "$name" "$reproducer" "$(finding "$log")")")
    fi
  done

  log="$work/logs/fuzz.log"
  echo "== $name: fuzzing ${seconds}s (max_len ${max_len[$name]}), log $log"
  "$binary" "$work/corpus" -max_total_time="$seconds" -max_len="${max_len[$name]}" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/artifacts/" \
    >"$log" 2>&1
  status=$?
  runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  runs="${runs:-0}"
  if [[ $status -ne 0 ]]; then
    # A crash ends the run before the final stats: count what the last
    # progress line reached.
    progress=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    runs="${progress:-$runs}"
  fi
  total_runs=$((total_runs + runs))
  if [[ $status -eq 0 ]]; then
    summary+=("$(printf '%-14s ok             %s executions in %ss, %s known reproducer(s) still crash' \
      "$name" "$runs" "$seconds" "$known")")
  else
    failed=1
    artifact=$(ls -t "$work/artifacts/" 2>/dev/null | head -1)
    summary+=("$(printf '%-14s NEW CRASH      after %s executions: %s\n%-14s                input: %s' \
      "$name" "$runs" "$(finding "$log")" "" "$work/artifacts/$artifact")")
  fi
done

echo
echo "== fuzz summary (${seconds}s per target, ${total_runs} executions in total)"
printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
  echo "fuzz: FAILED (logs in build-fuzz/fuzz-work/<target>/logs/)"
  exit 1
fi
echo "fuzz: no crashes"
