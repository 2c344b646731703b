#!/usr/bin/env bash
# Sanitizer builds of the test suite.
#
# Usage: tools/sanitize.sh [asan|tsan|all]     (default all)
#
#   asan  builds motcua and every test suite with AddressSanitizer and
#         UndefinedBehaviorSanitizer (-fsanitize=address,undefined
#         -fno-sanitize-recover=all) into build-asan/ and runs all of ctest.
#         The tests that start build-asan/motcua run the instrumented server.
#   tsan  builds the suites with concurrency tests with ThreadSanitizer into
#         build-tsan/ and runs those tests (TSAN_TESTS below): the SQLite
#         writer and group commit, the handler pool and graceful stop of the
#         HTTP server, concurrent claims, the real server with its timer loop,
#         the feed pusher, shared metrics, schema and verifier, the WAL
#         checkpoint thread. Suppressions,
#         for third-party code only, are in tools/tsan-suppressions.txt.
#
# Any sanitizer report fails the test it happens in. CXX selects the compiler
# (default g++; clang++-14 works too).
set -euo pipefail
cd "$(dirname "$0")/.."

what="${1:-all}"
case "$what" in asan | tsan | all) ;; *)
  echo "usage: tools/sanitize.sh [asan|tsan|all]" >&2
  exit 2
  ;;
esac

tools/install-deps.sh --tests
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
jobs="$(nproc)"
# -O1 with line tables only (-g1): what the sanitizers' reports need (function,
# file and line of every frame), at a third of the compile time of -O2 -g on
# the doctest suites (store_contract_test.cc under ASan: 269 s at -O2 -g,
# 184 s at -O2 -g1, 89 s at -O1 -g1, on one core of the project machine).
sanitizer_flags=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG")

# The ctest names (regex) of the concurrency tests, for the TSan build.
TSAN_TESTS='checkpoint thread|fiber pool|on fibers|concurrent|racing|claimers|handler that waits|in-flight|keep-alive|Stop lets|webhook push|serve: starts|two stores writing|backup in another process|hostile harness'
TSAN_TARGETS=(motcua sqlite_tests store_tests api_tests crypto_tests domain_tests cli_tests hostile_tests)
ALL_TARGETS=(motcua gen_dossiers loadgen domain_tests crypto_tests sqlite_tests store_tests service_tests cli_tests api_tests hostile_tests)

if [[ "$what" == asan || "$what" == all ]]; then
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTCUA_WERROR=ON \
    -DMOTCUA_SANITIZE=address,undefined "${sanitizer_flags[@]}" "${launcher[@]}"
  cmake --build build-asan -j"$jobs" --target "${ALL_TARGETS[@]}"
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1}" \
    UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 600
fi

if [[ "$what" == tsan || "$what" == all ]]; then
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTCUA_WERROR=ON \
    -DMOTCUA_SANITIZE=thread "${sanitizer_flags[@]}" "${launcher[@]}"
  cmake --build build-tsan -j"$jobs" --target "${TSAN_TARGETS[@]}"
  TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tools/tsan-suppressions.txt}" \
    ctest --test-dir build-tsan --output-on-failure -j"$jobs" --timeout 600 -R "$TSAN_TESTS"
fi
