#!/usr/bin/env bash
# Starts and stops a throw-away PostgreSQL cluster for tests and CI (ctest's
# fixture postgres_cluster, tests/CMakeLists.txt; tests/postgres_test_database.h).
#
# Usage: cluster.sh start DIR
#        cluster.sh stop DIR
#
# DIR is where the state of one cluster goes, for the tests to read (all
# owned by the invoking user):
#   uri          one line: postgresql://motcua_test@127.0.0.1:PORT/postgres
#   passfile     mode 0600, libpq's PGPASSFILE format:
#                127.0.0.1:PORT:*:motcua_test:PASSWORD (a random password),
#                and the same for host localhost (for sslmode=verify-full by name)
#   port         the TCP port, on 127.0.0.1 only
#   rundir       the path of the run directory (below); stop reads it
#   server_user  the user the server runs as; bindir: its binaries
#   data, server.log  symlinks into the run directory while it runs; stop
#                replaces server.log by a copy of the log
#   ca.crt       the certificate (PEM) of the throw-away CA that signed the
#                server's: sslmode=verify-full&sslrootcert=DIR/ca.crt verifies it
#   other-ca.crt the certificate (PEM) of a second, unrelated CA whose key was
#                discarded: a root that must NOT verify the server, for tests
#                that a client refuses a server it cannot verify
#
# The server takes TLS and plain connections alike (ssl=on; pg_hba's `host`
# lines match both): the client's sslmode decides, and libpq's default,
# prefer, picks TLS. The server's certificate is for CN localhost,
# subjectAltName DNS:localhost,IP:127.0.0.1, signed by a CA made at start (EC
# P-256, both valid 2 days) whose key is deleted once it has signed; the
# server's key (mode 0600, owned by the server's user) stays in the run
# directory.
#
# The cluster itself (data directory, Unix socket, server log) lives in a
# run directory of its own, a fresh `mktemp -d /tmp/motcua-pg.XXXXXX`, never
# in DIR, whoever runs the script:
#   - initdb and postgres refuse to run as root. As root (CI, containers)
#     they run as the `postgres` system user that Debian's postgresql package
#     creates, and that user cannot write in, or even reach, a DIR below
#     /root (ctest's build directory may be there); the run directory in
#     /tmp is owned by it and reachable.
#   - the Unix socket's path must stay below 108 bytes, which a deep build
#     directory would exceed.
# One layout for both cases, so that the root path and the unprivileged path
# are the same code.
#
# start fails if DIR already holds a running cluster (stop it first); the
# state of a cluster that no longer runs (a killed test run, a reboot) is
# cleared. The port is a random free one in 20000-29999 (below Linux's
# ephemeral range), checked with `ss`; should another process take it
# before the server binds it, start tries another port (up to 8 times).
# The server runs with fsync off: test data only (MOTCUA_PG_DURABLE=1 keeps
# it on, for benchmarks). Every step is bounded in
# time (initdb 120 s, pg_ctl 60 s); on failure the tail of the server log is
# printed.
#
# stop stops the cluster recorded in DIR (pg_ctl -m fast, then -m immediate,
# then SIGKILL) and removes its run directory; it succeeds quietly when
# nothing runs.
#
# The PostgreSQL binaries: $MOTCUA_POSTGRES_BINDIR if set (tests/CMakeLists.txt
# passes the directory of the initdb it found), else `pg_config --bindir` if
# initdb is there, else the highest /usr/lib/postgresql/*/bin (Debian's
# postgresql package), else initdb on PATH.
set -euo pipefail

usage() {
  echo "usage: $0 start DIR | stop DIR" >&2
  exit 2
}
[[ $# -eq 2 && ( "$1" == start || "$1" == stop ) && -n "$2" ]] || usage
action="$1"
dir="$2"

readonly db_user=motcua_test
readonly run_prefix=/tmp/motcua-pg.

# The invoker's PG* variables (PGPORT, PGDATA, PGOPTIONS, ...) must not
# reach initdb, pg_ctl or the server.
for v in $(compgen -e PG || true); do unset "$v"; done

die() {
  echo "cluster.sh $action $dir: $*" >&2
  exit 1
}

# Runs a command as the server's user: runuser as root, directly otherwise.
# The working directory is the run directory, since the invoker's may not
# be reachable by that user.
as_server() {
  if [[ $(id -u) -eq 0 && "$server_user" != root ]]; then
    (cd "$rundir" && runuser -u "$server_user" -- "$@")
  else
    (cd "$rundir" && "$@")
  fi
}

# The tail of the server log, on stderr; nothing if there is none.
print_log_tail() {
  if [[ -s "$rundir/server.log" ]]; then
    echo "--- last lines of the server log ($rundir/server.log) ---" >&2
    tail -n 40 "$rundir/server.log" >&2
    echo "---" >&2
  fi
}

# A run directory of ours: the shape mktemp gives it, so that a corrupted
# DIR/rundir never makes us remove anything else.
is_our_rundir() {
  [[ "$1" =~ ^/tmp/motcua-pg\.[A-Za-z0-9]+$ ]]
}

# 0 if the cluster in $rundir/data runs (pg_ctl status exits 0).
server_running() {
  [[ -f "$rundir/data/postmaster.pid" ]] || return 1
  as_server timeout 30 "$bindir/pg_ctl" -D "$rundir/data" status >/dev/null 2>&1
}

# Stops the cluster in $rundir, if it runs: fast shutdown, then immediate,
# then SIGKILL to the postmaster; then copies its log to DIR/server.log and
# removes $rundir.
stop_server() {
  if server_running; then
    local out
    if ! out="$(as_server timeout 90 "$bindir/pg_ctl" -D "$rundir/data" -m fast -w -t 60 stop 2>&1)"; then
      echo "$out" >&2
      echo "fast shutdown failed; trying immediate" >&2
      if ! as_server timeout 90 "$bindir/pg_ctl" -D "$rundir/data" -m immediate -w -t 30 stop >&2; then
        local pid
        pid="$(head -n 1 "$rundir/data/postmaster.pid" 2>/dev/null || true)"
        if [[ "$pid" =~ ^[0-9]+$ ]]; then
          echo "immediate shutdown failed; killing postmaster $pid" >&2
          kill -KILL "$pid" 2>/dev/null || true
          sleep 1
        fi
      fi
    fi
  fi
  if is_our_rundir "$rundir" && [[ -d "$rundir" ]]; then
    rm -f -- "$dir/server.log"
    if [[ -f "$rundir/server.log" ]]; then cp -- "$rundir/server.log" "$dir/server.log" || true; fi
    rm -rf -- "$rundir"
  fi
}

# The state files start writes into DIR.
state_files=(uri passfile port rundir server_user bindir data ca.crt other-ca.crt)

# Reads the state of the cluster recorded in DIR into rundir, server_user,
# bindir; 1 if DIR records none.
read_state() {
  [[ -f "$dir/rundir" ]] || return 1
  rundir="$(cat "$dir/rundir")"
  server_user="$(cat "$dir/server_user" 2>/dev/null || id -un)"
  bindir="$(cat "$dir/bindir" 2>/dev/null || true)"
  is_our_rundir "$rundir" || die "$dir/rundir does not name a run directory of this script: $rundir"
  [[ -x "$bindir/pg_ctl" ]] || bindir="$(find_bindir)"
}

# The directory of initdb, pg_ctl and postgres (see the header).
find_bindir() {
  local d
  if [[ -n "${MOTCUA_POSTGRES_BINDIR:-}" ]]; then
    [[ -x "$MOTCUA_POSTGRES_BINDIR/initdb" ]] || die "no initdb in MOTCUA_POSTGRES_BINDIR=$MOTCUA_POSTGRES_BINDIR"
    echo "$MOTCUA_POSTGRES_BINDIR"
    return
  fi
  if command -v pg_config >/dev/null; then
    d="$(timeout 10 pg_config --bindir 2>/dev/null || true)"
    if [[ -n "$d" && -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      echo "$d"
      return
    fi
  fi
  local candidates
  candidates="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)"
  d=
  for c in $candidates; do
    if [[ -x "$c/initdb" && -x "$c/pg_ctl" ]]; then d="$c"; break; fi
  done
  if [[ -n "$d" ]]; then
    echo "$d"
    return
  fi
  d="$(command -v initdb || true)"
  [[ -n "$d" ]] || die "no PostgreSQL server binaries (initdb): install Debian's postgresql package (tools/install-deps.sh --tests)"
  dirname "$d"
}

# 0 if nothing uses TCP port $1 on this host (any address, any state).
port_free() {
  local port="$1"
  if command -v ss >/dev/null; then
    [[ -z "$(timeout 10 ss -Htan "sport = :$port" 2>/dev/null)" ]]
  else
    if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then return 1; fi
  fi
}

# Writes into $rundir the server's TLS certificate and key (server.crt,
# server.key: mode 0600; both owned by the server's user), the CA's
# certificate (ca.crt) and the unrelated CA's (other-ca.crt); deletes the
# CAs' keys, the request and the OpenSSL configuration. See the header for
# what the certificates hold.
make_tls_files() {
  command -v openssl >/dev/null || die "openssl is missing: it makes the cluster's TLS certificates"
  local tls_conf="$rundir/openssl.cnf"
  # A configuration of our own: the system's openssl.cnf (its default
  # extensions) must not shape the certificates.
  cat >"$tls_conf" <<'CONF'
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca_ext]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid, issuer
CONF
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
  local tag="${rundir##*/}"  # tells this run's CAs apart from another run's
  local out serial
  serial="$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
  [[ ${#serial} -eq 16 ]] || die "could not read a random serial number from /dev/urandom"
  # Keys are made under umask 077; each openssl run is bounded in time.
  if ! out="$(umask 077 &&
              timeout 30 openssl req -config "$tls_conf" -x509 "${ec[@]}" -days 2 \
                -subj "/CN=motcua test CA $tag" -extensions ca_ext \
                -keyout "$rundir/ca.key" -out "$rundir/ca.crt" 2>&1 &&
              timeout 30 openssl req -config "$tls_conf" -new "${ec[@]}" -subj "/CN=localhost" \
                -keyout "$rundir/server.key" -out "$rundir/server.csr" 2>&1 &&
              timeout 30 openssl x509 -req -in "$rundir/server.csr" -days 2 \
                -set_serial "0x$serial" -CA "$rundir/ca.crt" -CAkey "$rundir/ca.key" \
                -extfile "$tls_conf" -extensions server_ext -out "$rundir/server.crt" 2>&1 &&
              timeout 30 openssl req -config "$tls_conf" -x509 "${ec[@]}" -days 2 \
                -subj "/CN=motcua unrelated test CA $tag" -extensions ca_ext \
                -keyout "$rundir/other-ca.key" -out "$rundir/other-ca.crt" 2>&1)"; then
    echo "$out" >&2
    die "openssl could not make the TLS certificates"
  fi
  rm -f -- "$rundir/ca.key" "$rundir/other-ca.key" "$rundir/server.csr" "$tls_conf"
  if ! out="$(timeout 30 openssl verify -CAfile "$rundir/ca.crt" -purpose sslserver \
                "$rundir/server.crt" 2>&1)"; then
    echo "$out" >&2
    die "the server's certificate does not verify against the CA that signed it"
  fi
  chmod 0600 "$rundir/server.key"
  chmod 0644 "$rundir/server.crt" "$rundir/ca.crt" "$rundir/other-ca.crt"
  if [[ "$server_user" != "$(id -un)" ]]; then
    chown "$server_user:" "$rundir/server.key" "$rundir/server.crt" ||
      die "cannot give the server's TLS key and certificate to $server_user"
  fi
}

pick_port() {
  local port i
  for ((i = 0; i < 200; i++)); do
    port=$((20000 + RANDOM % 10000))
    if port_free "$port"; then
      echo "$port"
      return
    fi
  done
  die "no free TCP port found in 20000-29999"
}

if [[ "$action" == stop ]]; then
  read_state || exit 0
  stop_server
  for f in "${state_files[@]}"; do rm -f -- "${dir:?}/$f"; done
  exit 0
fi

# --- start ---

if [[ -d "$dir" ]] && read_state; then
  if server_running; then
    die "a cluster already runs from this directory (port $(cat "$dir/port" 2>/dev/null || echo '?')); stop it first: $0 stop $dir"
  fi
  # Stale: a run that was killed, or a reboot.
  stop_server
fi
mkdir -p -- "$dir"
dir="$(cd "$dir" && pwd)"
for f in "${state_files[@]}" server.log; do rm -f -- "$dir/$f"; done

bindir="$(find_bindir)"
for b in initdb pg_ctl postgres; do
  [[ -x "$bindir/$b" ]] || die "$bindir/$b is missing"
done

if [[ $(id -u) -eq 0 ]]; then
  id -u postgres >/dev/null 2>&1 ||
    die "as root, initdb and postgres must run as an unprivileged user: the postgres user that Debian's postgresql package creates is missing"
  command -v runuser >/dev/null || die "runuser (util-linux) is missing"
  server_user=postgres
else
  server_user="$(id -un)"
fi

rundir="$(mktemp -d "${run_prefix}XXXXXX")"
# From here on a failure stops what was started and removes the run directory.
started=0
on_exit() {
  local status=$?
  if [[ $started -eq 0 ]]; then
    print_log_tail
    stop_server
    for f in "${state_files[@]}"; do rm -f -- "$dir/$f"; done
  fi
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
# Recorded first, so that `stop` can clean up after a start that was killed.
echo "$rundir" >"$dir/rundir"
echo "$server_user" >"$dir/server_user"
echo "$bindir" >"$dir/bindir"
if [[ "$server_user" != "$(id -un)" ]]; then
  chown "$server_user:" "$rundir"
fi
chmod 0700 "$rundir"

password="$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')"
[[ ${#password} -eq 32 ]] || die "could not read a random password from /dev/urandom"
pwfile="$rundir/pwfile"
(umask 077 && echo "$password" >"$pwfile")
[[ "$server_user" == "$(id -un)" ]] || chown "$server_user:" "$pwfile"

locale=C
locales="$(locale -a 2>/dev/null || true)"
if grep -qiE '^c\.utf-?8$' <<<"$locales"; then locale=C.UTF-8; fi

if ! out="$(as_server timeout 120 "$bindir/initdb" -D "$rundir/data" -U "$db_user" --pwfile="$pwfile" \
              --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale="$locale" \
              --no-sync --no-instructions 2>&1)"; then
  echo "$out" >&2
  die "initdb failed"
fi
rm -f -- "$pwfile"

make_tls_files
for ca in ca.crt other-ca.crt; do
  cp -- "$rundir/$ca" "$dir/$ca" || die "cannot copy $rundir/$ca to $dir/$ca"
  chmod 0644 "$dir/$ca"
done
# The run directory's path has no spaces (mktemp's shape): safe inside -o.
tls="-c ssl=on -c ssl_cert_file=$rundir/server.crt -c ssl_key_file=$rundir/server.key"

ln -s "$rundir/data" "$dir/data"
ln -s "$rundir/server.log" "$dir/server.log"

# Test data needs no durability; a benchmark does (MOTCUA_PG_DURABLE=1 keeps
# PostgreSQL's defaults: fsync, synchronous_commit and full_page_writes on).
durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
if [[ "${MOTCUA_PG_DURABLE:-0}" == 1 ]]; then durability=""; fi

port=
for ((attempt = 1; attempt <= 8; attempt++)); do
  candidate="$(pick_port)"
  log_lines=0
  if [[ -f "$rundir/server.log" ]]; then log_lines="$(wc -l <"$rundir/server.log")"; fi
  if out="$(as_server timeout 90 "$bindir/pg_ctl" -D "$rundir/data" -l "$rundir/server.log" -w -t 60 start \
              -o "-c listen_addresses=127.0.0.1 -p $candidate -k $rundir $durability $tls -c max_connections=200" 2>&1)"; then
    port="$candidate"
    break
  fi
  # Another process bound the port between the check and the server: again.
  new_log="$(tail -n +"$((log_lines + 1))" "$rundir/server.log" 2>/dev/null || true)"
  if grep -q 'Address already in use' <<<"$new_log"; then
    echo "port $candidate was taken meanwhile; trying another" >&2
    continue
  fi
  echo "$out" >&2
  die "pg_ctl start failed"
done
[[ -n "$port" ]] || die "pg_ctl start failed 8 times: every port picked was taken"

echo "$port" >"$dir/port"
(umask 077 && printf '%s:%s:*:%s:%s\n' 127.0.0.1 "$port" "$db_user" "$password" \
   localhost "$port" "$db_user" "$password" >"$dir/passfile")
chmod 0600 "$dir/passfile"
echo "postgresql://$db_user@127.0.0.1:$port/postgres" >"$dir/uri"
started=1
echo "PostgreSQL $("$bindir/pg_ctl" --version 2>/dev/null | awk '{print $3}' || true) on 127.0.0.1:$port, as $server_user, data in $rundir/data; state in $dir"
