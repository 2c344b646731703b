#!/usr/bin/env bash
# Builds motcua from nothing and runs every test: the README's test command
# and what CI (.ci/run) runs.
#
# The suite runs once, on the build that finds the most: build-asan/, with
# AddressSanitizer and UndefinedBehaviorSanitizer and warnings as errors
# (tools/sanitize.sh asan). The plain build (build/, RelWithDebInfo, warnings
# as errors, including -Wmaybe-uninitialized, which the sanitizer build must
# leave out) compiles the product and its tools but not the tests, whose
# warnings the sanitizer build reports. Running the whole suite on both builds
# cost CI more than 80 of its 90 minutes on two cores.
# MOTCUA_TEST_BUILD=plain runs the suite on build/ instead (faster on a
# developer's machine; no sanitizers).
#
# Further stages (each timed; a failing stage does not stop the next, the
# script fails at the end if any failed):
#   fuzz   each libFuzzer target for MOTCUA_FUZZ_SECONDS (default 30;
#          tools/fuzz.sh)
#   tsan   the concurrency tests with TSan (tools/sanitize.sh tsan), when
#          the run so far took less than MOTCUA_TSAN_BEFORE_MINUTES (default
#          45), so that CI stays within its 90 minutes on 2 cores (there it
#          is usually skipped with a line saying so; run it by hand:
#          tools/sanitize.sh tsan).
# MOTCUA_TEST_STAGES (default "fuzz tsan") selects the further stages; set it
# to "" for the suite only.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh --tests
# The test OpenID Providers' packages, exactly as pinned by
# tests/idp/package-lock.json.
(cd tests/idp && npm ci --no-audit --no-fund)
# The contract test's packages (redocly, Ajv), pinned by
# tests/contract/package-lock.json; ctest then lints api/openapi.yaml with
# redocly and checks real answers against it (contract/checker, contract/e2e).
(cd tests/contract && npm ci --no-audit --no-fund)
# The browser tests' packages (tests/web/package-lock.json); never a browser:
# they drive Debian's chromium, which install-deps.sh --tests installs.
(cd tests/web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)

suite_build="${MOTCUA_TEST_BUILD:-asan}"
case "$suite_build" in
  asan)
    # Line tables only (-g1): the plain build is here for its warnings (at -O2,
    # where -Wmaybe-uninitialized works); full debug information costs about
    # half as much compile time again (tools/sanitize.sh says where measured).
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTCUA_WERROR=ON -DMOTCUA_BUILD_TESTS=OFF \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
    cmake --build build -j"$(nproc)"
    tools/sanitize.sh asan
    suite_line="plain build and the suite under asan"
    ;;
  plain)
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTCUA_WERROR=ON -DMOTCUA_BUILD_TESTS=ON
    cmake --build build -j"$(nproc)"
    ctest --test-dir build --output-on-failure -j"$(nproc)"
    suite_line="plain build and the suite"
    ;;
  *)
    echo "MOTCUA_TEST_BUILD must be asan or plain, not \"$suite_build\"" >&2
    exit 2
    ;;
esac

run_start=$SECONDS
stage_lines=("$suite_line: ok in $((SECONDS / 60))m$((SECONDS % 60))s")
failed=()
run_stage() {
  local name="$1"
  shift
  local start=$SECONDS status=ok
  echo "== stage $name: $*"
  "$@" || status=FAILED
  local took=$((SECONDS - start))
  stage_lines+=("$(printf '%-12s %-7s %dm%ds' "$name" "$status" $((took / 60)) $((took % 60)))")
  [[ $status == ok ]] || failed+=("$name")
}

stages="${MOTCUA_TEST_STAGES-fuzz tsan}"
for stage in $stages; do
  case "$stage" in
    fuzz) run_stage fuzz tools/fuzz.sh "${MOTCUA_FUZZ_SECONDS:-30}" ;;
    tsan)
      if ((SECONDS < ${MOTCUA_TSAN_BEFORE_MINUTES:-45} * 60)); then
        run_stage tsan tools/sanitize.sh tsan
      else
        stage_lines+=("tsan         skipped (the run already took $((SECONDS / 60)) min; run tools/sanitize.sh tsan)")
      fi
      ;;
    *)
      echo "unknown stage in MOTCUA_TEST_STAGES: $stage" >&2
      exit 2
      ;;
  esac
done

echo
echo "== stage timings (total $((SECONDS / 60))m$((SECONDS % 60))s, extra stages $(((SECONDS - run_start) / 60))m)"
printf '%s\n' "${stage_lines[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "FAILED stages: ${failed[*]}"
  exit 1
fi
