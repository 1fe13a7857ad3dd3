#!/usr/bin/env bash
# Crash safety of `oneid resolve`'s outputs (the OneID map, the merge log and the snapshot).
# 1. Deterministic: the command is stopped at every step of every output's atomic write (the
#    ONEID_TEST_FAULT_POINT fault points of oneid/internal/atomic_file.h). Stopped after the N-th
#    rename, exactly N outputs exist; before it, N - 1; each one whole.
# 2. A smoke test of real crashes: the command is killed with SIGKILL at random moments.
# Every output file must afterwards be either absent or exactly a complete run's output (the same
# input always gives the same output), never half of one; the snapshot must load.
set -euo pipefail
oneid="$1"
trials="${2:-4}"  # random kills: a smoke test, the fault points are the exact test
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 150k accounts; every third shares a phone with the one before, so there are merges to log.
awk 'BEGIN { print "account_id,source,phone,email";
  for (i = 0; i < 150000; i++) { p = 13800000000 + int(i / 2); printf "app:%d,app,%d,u%d@example.com\n", i, p, int(i / 3) } }' \
  > "$work/accounts.csv"
run() { "$oneid" resolve --accounts "$work/accounts.csv" --out "$work/$1/map.csv" --merge-log "$work/$1/log.csv" \
          --snapshot "$work/$1/state.bin" 2>/dev/null; }
mkdir -p "$work/ref" "$work/warm"
# The kill moments are first drawn within one run's duration. Time a warm run: the first run after
# a build pays for cold caches, and its longer time would put most kills after the end.
run warm || fail "the warm-up run failed"
start=$(date +%s%N)
run ref || fail "the reference run failed"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ -s "$work/ref/log.csv" ] || fail "the reference run logged no merge"

# Checks the outputs in "$work/$1": each present file equals the reference run's; the snapshot loads.
# Prints how many of the three outputs are present.
check_outputs() {
  local dir="$work/$1" present=0 f
  for f in map.csv log.csv state.bin; do
    [ -e "$dir/$f" ] || continue
    present=$((present + 1))
    if [ "$f" = state.bin ]; then
      head -1 "$work/accounts.csv" > "$work/empty.csv"
      "$oneid" resolve --accounts "$work/empty.csv" --out "$dir/again.csv" --snapshot "$dir/state.bin" 2>/dev/null \
        || fail "$1: the snapshot does not load"
      rm -f "$dir/again.csv"
    else
      cmp -s "$dir/$f" "$work/ref/$f" || fail "$1: $f is torn"
    fi
  done
  echo "$present"
}

# 1. Every fault point of every atomic write, until a commit number no longer exists.
faults=0
for point in before_fsync before_rename after_rename; do
  n=1
  while :; do
    rm -rf "$work/f"; mkdir -p "$work/f"
    code=0
    ONEID_TEST_FAULT_POINT="$point:$n" run f || code=$?
    if [ "$code" -eq 0 ]; then break; fi  # no N-th atomic write: all of this point's steps done
    [ "$code" -eq 86 ] || fail "$point:$n: exit code $code, not the fault point's 86"
    present=$(check_outputs f)
    if [ "$point" = after_rename ]; then expect=$n; else expect=$((n - 1)); fi
    [ "$present" -eq "$expect" ] || fail "$point:$n: $present outputs present, expected $expect"
    faults=$((faults + 1))
    n=$((n + 1))
  done
  [ "$n" -ge 4 ] || fail "$point: only $((n - 1)) atomic writes seen, expected the map, the log and the snapshot"
done
echo "resolve fault points: $faults stops, every output whole or absent as expected"

# 2. Kill moments are drawn within `bound_ms`. On a loaded machine a run can finish sooner than the
# timed one did relative to the sleep, so a kill that lands after the end shrinks the bound: the
# schedule adapts instead of depending on the machine's load. Trials go on until `trials` kills
# have landed mid-run, up to 5x as many runs.
bound_ms=$elapsed_ms
killed=0
whole=0
t=0
while [ "$killed" -lt "$trials" ] && [ "$t" -lt $((trials * 5)) ]; do
  t=$((t + 1))
  rm -rf "$work/t"; mkdir -p "$work/t"
  # The binary itself in the background (not a function: $! would be a subshell, and killing the
  # subshell would leave the binary running and writing into the next trial's directory).
  "$oneid" resolve --accounts "$work/accounts.csv" --out "$work/t/map.csv" --merge-log "$work/t/log.csv" \
    --snapshot "$work/t/state.bin" 2>/dev/null & pid=$!
  sleep "$(awk -v m="$bound_ms" -v s="$RANDOM" 'BEGIN { srand(s); printf "%.3f", rand() * m / 1000 }')"
  if kill -9 "$pid" 2>/dev/null; then
    killed=$((killed + 1))
  else
    bound_ms=$((bound_ms * 3 / 4 + 1))
  fi
  wait "$pid" 2>/dev/null || true
  for f in map.csv log.csv; do
    if [ -e "$work/t/$f" ]; then
      cmp -s "$work/t/$f" "$work/ref/$f" || fail "trial $t: $f is torn"
      whole=$((whole + 1))
    fi
  done
  if [ -e "$work/t/state.bin" ]; then
    # A complete snapshot loads: resolving an empty batch on top of it must succeed.
    head -1 "$work/accounts.csv" > "$work/empty.csv"
    "$oneid" resolve --accounts "$work/empty.csv" --out "$work/t/again.csv" --snapshot "$work/t/state.bin" 2>/dev/null \
      || fail "trial $t: the snapshot does not load"
  fi
done
[ "$killed" -ge "$trials" ] || fail "only $killed of $t runs were killed while the command ran"
echo "resolve kill test: $killed of $t runs killed mid-way; $whole output files found, all whole; the rest absent"
