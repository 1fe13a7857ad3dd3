#!/usr/bin/env bash
# Runs a program against a throwaway PostgreSQL server (Debian's postgresql package):
#   with_postgres.sh <program> [args...]
# creates a cluster in a temporary directory, starts a server that listens only on a Unix socket
# there (no TCP port, so parallel tests and a system server cannot collide), creates database
# "crm", runs
#   <program> [args...] --db 'postgresql:///crm?host=<dir>&user=<user>'
# and stops and deletes the server whatever happens. As root the server runs as the postgres
# user, because PostgreSQL refuses to run as root.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ]; then
  echo "with_postgres.sh: no PostgreSQL server binaries (apt install postgresql)" >&2
  exit 1
fi
dir=$(mktemp -d /tmp/oneid-pg.XXXXXX)
as_server=()
user=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  chown postgres "$dir"
  as_server=(runuser -u postgres --)
  user=postgres
fi
cleanup() {
  "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

"${as_server[@]}" "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust -E UTF8 >/dev/null
# fsync off: a test's database need not survive a power cut, and it saves seconds per commit.
if ! "${as_server[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
     -o "-c listen_addresses='' -c unix_socket_directories=$dir -c fsync=off" start >/dev/null; then
  cat "$dir/server.log" >&2
  exit 1
fi
"${as_server[@]}" "$bindir/createdb" -h "$dir" -U "$user" crm
"$@" --db "postgresql:///crm?host=$dir&user=$user"
