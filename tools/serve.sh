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
# Signing on the embedded default: a throw-away demo PKI in demo-pki/ (made
# once), whose root the server trusts and whose agency seal it applies. For
# local use only; production passes the agency's own --trust and --seal-*.
# The police's and social insurance's demo leaders sign their branches'
# results with certificates of their own; a demo-pki/ made before they had
# them is set aside (demo-pki.old-*) and made again.
if [ ! -e demo-pki/signer-demo-police-leader.pem ]; then
  [ -e demo-pki ] && mv demo-pki "demo-pki.old-$(date +%s)"
  build/motcua pki demo --out demo-pki --signers demo-police-leader,demo-insurance-leader
fi
# Demo mode (--demo): demo accounts anyone on this machine can sign in as,
# and a demo payment gateway. For local use only; never on a network.
# The example agency roles let the inter-agency procedures (LT-*) be submitted
# anywhere, and give the demo a civil-status officer and the police's and
# social insurance's officers and leaders; a real deployment names its own
# police and insurance offices.
exec build/motcua serve --db motcua.db --listen 127.0.0.1:8080 --workflows workflows \
  --trust demo-pki/root-ca.pem --seal-key demo-pki/agency-seal.key \
  --seal-cert demo-pki/agency-seal.pem --seal-chain demo-pki/chain.pem \
  --agency-roles tools/agency-roles.example.json --demo "$@"
