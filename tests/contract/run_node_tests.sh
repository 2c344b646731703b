#!/usr/bin/env bash
# Runs the Node.js tests of one folder of tests/contract (test: the checker
# alone, and redocly lint of api/openapi.yaml; e2e: every route against
# motcua, which needs MOTCUA_BINARY and MOTCUA_SOURCE_DIR in the environment).
# Exits 77, which ctest reports as skipped, only when the pinned packages are
# not installed: tools/test.sh runs `npm ci` here before ctest.
set -euo pipefail
cd "$(dirname "$0")"
for package in ajv ajv-formats yaml @redocly/cli; do
  if [[ ! -d node_modules/$package ]]; then
    echo "skipped: the packages are not installed; run 'npm ci' in tests/contract (tools/test.sh does)"
    exit 77
  fi
done
exec node --test "$1"/*.test.mjs
