#!/usr/bin/env bash
# The host CRM example with its one database setting pointed at PostgreSQL:
#   host_crm_postgres_test.sh <host_crm>
# first the failure modes (a server that is not there, a URI scheme it does not know: each a clear
# error and exit status 1), then the full run against a real throwaway server (with_postgres.sh).
set -uo pipefail
program="$1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

expect_failure() {  # <what the message must say> <args...>
  local want="$1"; shift
  local out rc
  out=$("$program" --people 50 "$@" 2>&1); rc=$?
  if [ "$rc" -ne 1 ] || ! grep -q "$want" <<<"$out"; then
    echo "host_crm $*: expected exit 1 and '$want', got exit $rc: $out" >&2
    exit 1
  fi
  echo "refused as expected: $*"
}
expect_failure "cannot connect to PostgreSQL" --db "postgresql:///crm?host=/nonexistent-socket-dir&connect_timeout=5"
expect_failure "unknown scheme" --db "mysql://localhost/crm"

exec bash "$here/with_postgres.sh" "$program"
