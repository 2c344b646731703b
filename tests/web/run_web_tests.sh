#!/usr/bin/env bash
# Runs the browser tests of the web front end (tests/web/README.md); needs
# MOTCUA_BINARY and MOTCUA_SOURCE_DIR in the environment (ctest sets them).
# Exits 77, which ctest reports as skipped, when the pinned packages are not
# installed (tools/test.sh runs `npm ci` here before ctest) or no chromium
# is installed (tools/install-deps.sh --tests installs Debian's).
set -euo pipefail
cd "$(dirname "$0")"
if [[ ! -d node_modules/playwright-core || ! -d node_modules/axe-core ]]; then
  echo "skipped: the packages are not installed; run 'npm ci' in tests/web (tools/test.sh does)"
  exit 77
fi
if [[ ! -x "${MOTCUA_CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "skipped: no chromium at ${MOTCUA_CHROMIUM:-/usr/bin/chromium} (apt-get install chromium)"
  exit 77
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# The staff side (staff/) has its own harness; both share these packages.
exec node --test --test-concurrency=1 test/*.test.mjs staff/*.test.mjs
