#!/usr/bin/env bash
# Builds motcua into build/ and starts it on the embedded defaults: the
# bundled workflows in workflows/ and a SQLite file motcua.db.
#
# The HTTP server (`motcua serve`) is not built yet; until it lands this
# checks the bundled workflows with `motcua lint`, which is what a server
# start does first.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMOTCUA_BUILD_TESTS=OFF
cmake --build build -j"$(nproc)" --target motcua
echo "motcua serve is not available yet; linting the bundled workflows instead:"
exec build/motcua lint workflows/*.json
