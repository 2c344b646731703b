#!/usr/bin/env bash
# Runs the Node.js tests of one folder of tests/idp (test: the providers
# alone; e2e: sign-in against motcua, which needs MOTCUA_BINARY and
# MOTCUA_SOURCE_DIR in the environment). Exits 77, which ctest reports as
# skipped, when the pinned packages are not installed: tools/test.sh runs
# `npm ci` here before ctest.
set -euo pipefail
cd "$(dirname "$0")"
if [[ ! -d node_modules/oidc-provider || ! -d node_modules/jose ]]; then
  echo "skipped: the packages are not installed; run 'npm ci' in tests/idp (tools/test.sh does)"
  exit 77
fi
# Files run concurrently: the session-expiry file waits minutes of real
# time, which the others overlap.
exec node --test --test-concurrency=8 "$1"/*.test.mjs
