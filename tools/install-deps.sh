#!/usr/bin/env bash
# Installs the Debian packages motcua needs to build and test, if missing.
# Usage: tools/install-deps.sh [--tests]
# Needs root (or sudo) only when something is actually missing.
set -euo pipefail

packages=(g++ cmake make pkg-config nlohmann-json3-dev libsqlite3-dev libssl-dev libboost-dev libre2-dev
  libjemalloc-dev libpq-dev libzstd-dev
  libboost-context-dev)  # Boost.Context: the fibers of api/fiber_pool.h
if [[ "${1:-}" == "--tests" ]]; then
  packages+=(doctest-dev json-schema-test-suite openssl)  # openssl: the CLI, for interop tests
  packages+=(systemd)  # systemd-analyze verifies the units in tools/
  packages+=(postgresql)  # initdb, pg_ctl, postgres: the tests' throw-away cluster (tests/postgres)
  packages+=(chromium)  # the browser the web tests drive (tests/web)
  # clang-14 and its sanitizer/libFuzzer runtimes build the fuzzers
  # (tools/fuzz.sh); llvm-14 brings llvm-symbolizer for readable reports.
  packages+=(clang-14 libclang-rt-14-dev llvm-14)
  # Node.js and npm run the test OpenID Providers (tests/idp); a node
  # installed otherwise (e.g. NodeSource's, which brings npm) is kept.
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "Installing missing Debian packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  echo "error: run as root or install: ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
