#!/usr/bin/env bash
# End-to-end test of `oneid resolve`: bad rows are reported, OneIDs persist through a snapshot
# across two runs, outputs are well-formed, and misuse fails with a message.
set -euo pipefail
oneid="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$oneid" resolve --help | grep -q "usage: oneid resolve" || fail "--help"
"$oneid" --help | grep -q "demo" || fail "top-level --help"
if "$oneid" resolve --accounts x.csv 2>"$work/err"; then fail "missing --out accepted"; fi
grep -q "required" "$work/err" || fail "missing --out message"
if "$oneid" resolve --bogus 2>"$work/err"; then fail "unknown flag accepted"; fi
grep -q "unknown flag --bogus" "$work/err" || fail "unknown flag message"
if "$oneid" resolve --accounts "$work/none.csv" --out "$work/o.csv" 2>"$work/err"; then fail "missing file accepted"; fi
grep -q "cannot open" "$work/err" || fail "missing file message"

printf '%s\n' \
  'account_id,source,phone,email,unionid' \
  'pos:1,pos,138 0013 8000,,' \
  'mp:2,miniprogram,+86 13800138000,,uA' \
  'jd:3,jd,12345,ann@example.com,' \
  ',pos,13900139000,,' \
  'bad:4,pos,13900139000' \
  'app:5,app,,ANN@example.com,' > "$work/day1.csv"
ONEID_SALT=cli-test-salt-0123456789 "$oneid" resolve --accounts "$work/day1.csv" --out "$work/map1.csv" \
  --snapshot "$work/state.bin" --rejects "$work/rejects.csv" --merge-log "$work/merges.csv" 2>"$work/log1"
grep -q "6 rows read" "$work/log1" || { cat "$work/log1"; fail "row count"; }
grep -q "2 rows and 1 fields rejected" "$work/log1" || { cat "$work/log1"; fail "reject counts"; }
[ "$(wc -l < "$work/map1.csv")" -eq 5 ] || fail "map has header + 4 accounts"
grep -q '^row_rejected,6,(row),,,,"has 3 fields, the header has 5"$' "$work/rejects.csv" || { cat "$work/rejects.csv"; fail "CSV reject line"; }
grep -q '^field_rejected,4,phone' "$work/rejects.csv" || fail "field reject line"
oid() { grep "^$1," "$2" | cut -d, -f2; }
[ "$(oid pos:1 "$work/map1.csv")" = "$(oid mp:2 "$work/map1.csv")" ] || fail "phone variants not linked"
[ "$(oid jd:3 "$work/map1.csv")" = "$(oid app:5 "$work/map1.csv")" ] || fail "email variants not linked"

# Day 2 bridges the two persons; the older OneID survives and the merge is logged.
printf '%s\n' 'account_id,phone,email' 'tmall:6,13800138000,ann@example.com' > "$work/day2.csv"
ONEID_SALT=cli-test-salt-0123456789 "$oneid" resolve --accounts "$work/day2.csv" --out "$work/map2.csv" \
  --snapshot "$work/state.bin" --merge-log "$work/merges.csv" 2>"$work/log2"
[ "$(oid jd:3 "$work/map2.csv")" = "$(oid pos:1 "$work/map1.csv")" ] || fail "OneID not stable across runs"
grep -q "^merge,2,$(oid pos:1 "$work/map1.csv"),$(oid jd:3 "$work/map1.csv")," "$work/merges.csv" || { cat "$work/merges.csv"; fail "merge log"; }
# The snapshot refuses another salt.
if ONEID_SALT=another-salt-0123456789 "$oneid" resolve --accounts "$work/day2.csv" --out "$work/m.csv" \
     --snapshot "$work/state.bin" 2>"$work/err"; then fail "wrong salt accepted"; fi
grep -q "different salt" "$work/err" || fail "wrong salt message"
echo "resolve CLI: all checks passed"
