#!/usr/bin/env bash
# Builds motcua from nothing into build/ and runs every test with ctest.
# This is the README's test command and what CI (.ci/run) runs.
#
# Then, as further stages (each timed; a failing stage does not stop the
# next, the script fails at the end if any failed):
#   asan   the whole suite again with ASan+UBSan (tools/sanitize.sh asan)
#   fuzz   each libFuzzer target for MOTCUA_FUZZ_SECONDS (default 30;
#          tools/fuzz.sh)
#   tsan   the concurrency tests with TSan (tools/sanitize.sh tsan), when
#          the run so far took less than MOTCUA_TSAN_BEFORE_MINUTES (default
#          45), so that CI stays within its 90 minutes on 2 cores (on
#          CI's 2 cores the run reaches about 55 minutes after asan and
#          fuzz, so tsan is usually skipped there and runs where the build
#          is faster, or by hand: tools/sanitize.sh tsan).
# MOTCUA_TEST_STAGES (default "asan fuzz tsan") selects the extra stages;
# set it to "" for the first stage only.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh --tests
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTCUA_WERROR=ON
cmake --build build -j"$(nproc)"
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
ctest --test-dir build --output-on-failure -j"$(nproc)"

run_start=$SECONDS
stage_lines=("build+ctest  ok      $((SECONDS / 60))m$((SECONDS % 60))s")
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

stages="${MOTCUA_TEST_STAGES-asan fuzz tsan}"
for stage in $stages; do
  case "$stage" in
    asan) run_stage asan tools/sanitize.sh asan ;;
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
