#!/usr/bin/env bash
# Runs tools/gen_dossiers on many threads into a fresh file and checks what
# the benchmarks rely on: every dossier is written (the generator exits 0
# only when no store write failed; it asks for days out of order, so a store
# that hands a daily number out twice fails here), and `motcua audit verify`
# accepts every event it wrote.
#
# Usage: gen_dossiers_check.sh GEN_DOSSIERS_BINARY MOTCUA_BINARY
set -euo pipefail
gen="$1"
motcua="$2"
count=3000

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$gen" --db "$work/gen.db" --count "$count" --threads 32 >"$work/gen.log" 2>&1 || {
  echo "gen_dossiers failed:" >&2
  grep -v '^\[' "$work/gen.log" | head -40 >&2
  exit 1
}
"$motcua" audit verify --db "$work/gen.db" || { echo "audit verify rejects the generated file" >&2; exit 1; }
echo "ok: $count dossiers generated and verified"
