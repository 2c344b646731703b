#!/usr/bin/env bash
# Runs the staff browser tests against build/motcua (see README.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$here"
[ -d node_modules ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
MOTCUA_BINARY="${MOTCUA_BINARY:-$root/build/motcua}" MOTCUA_SOURCE_DIR="$root" \
  node --test --test-concurrency=1 ./*.test.mjs
