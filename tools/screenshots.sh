#!/usr/bin/env bash
# Screenshots of each page of the web front end at phone (360 px) and
# desktop (1280 px) width, for the README: builds motcua, installs the
# browser tests' pinned packages (tests/web) and shoots Debian's chromium
# against a fresh server. Usage: tools/screenshots.sh [OUT_DIR] (default
# tools/screenshots/, which the README shows).
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-tools/screenshots}")"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target motcua
(cd tests/web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
MOTCUA_BINARY="$PWD/build/motcua" MOTCUA_SOURCE_DIR="$PWD" node tests/web/screenshots.mjs "$out"
