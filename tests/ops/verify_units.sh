#!/usr/bin/env bash
# Checks the systemd units of tools/ (motcua.service, motcua-backup.service,
# motcua-backup.timer):
#  - `systemd-analyze verify` accepts them without a single complaint (it
#    exits 0 on many parse errors, so any output fails too), with the
#    ExecStart binary pointed at the motcua just built;
#  - every --flag their command lines pass to motcua is one that the
#    subcommand's --help lists, so renaming a flag breaks this test, not a
#    province's server at its next restart.
#
# Usage: verify_units.sh MOTCUA_BINARY TOOLS_DIR
set -euo pipefail
motcua="$1"
tools="$2"
command -v systemd-analyze >/dev/null ||
  { echo "systemd-analyze is missing (Debian package systemd; tools/install-deps.sh --tests)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
units=(motcua.service motcua-backup.service motcua-backup.timer)
for unit in "${units[@]}"; do
  sed "s#/usr/local/bin/motcua#$motcua#g" "$tools/$unit" >"$work/$unit"
done

failed=0
output="$(cd "$work" && SYSTEMD_LOG_LEVEL=warning systemd-analyze verify "${units[@]}" 2>&1)" || failed=1
if [[ -n "$output" || $failed -ne 0 ]]; then
  echo "systemd-analyze verify complains:" >&2
  echo "$output" >&2
  exit 1
fi

# "motcua SUBCOMMAND --flag ..." in each unit's ExecStart (continuation lines joined).
for unit in motcua.service motcua-backup.service; do
  command_line="$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$tools/$unit" | grep -E '^ExecStart=' )"
  subcommand="$(grep -oE '/usr/local/bin/motcua [a-z]+' <<<"$command_line" | awk '{print $2}')"
  [[ -n "$subcommand" ]] || { echo "$unit: no motcua subcommand in ExecStart" >&2; exit 1; }
  help="$("$motcua" "$subcommand" --help 2>&1 || true)"
  for flag in $(grep -oE -- '--[a-z][a-z-]+' <<<"$command_line" | sort -u); do
    if ! grep -qE -- "(^|[[ ])$flag( |=|\]|$)" <<<"$help"; then
      echo "$unit: motcua $subcommand has no flag $flag (see motcua $subcommand --help)" >&2
      failed=1
    fi
  done
done
exit $failed
