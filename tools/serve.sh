#!/usr/bin/env bash
# Builds motcua into build/ and starts the server on the embedded defaults:
# the bundled workflows in workflows/ and the SQLite file motcua.db, on
# http://127.0.0.1:8080. The first start writes an admin token to
# motcua.db.admin-token (readable only by you). Extra arguments go to
# `motcua serve` (see `build/motcua serve --help`). Ctrl-C stops it cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTCUA_BUILD_TESTS=OFF
cmake --build build -j"$(nproc)" --target motcua
exec build/motcua serve --db motcua.db --listen 127.0.0.1:8080 --workflows workflows "$@"
