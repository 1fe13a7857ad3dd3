#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (ASan + UBSan) and fuzzes each one.
#   scripts/fuzz.sh                  every target for 300 s (the longer run)
#   scripts/fuzz.sh --seconds 20     every target for 20 s (what scripts/test.sh --sanitize runs)
#   scripts/fuzz.sh --seconds 60 snapshot    one target
# Runs start from the seed corpus in tests/fuzz/corpus/<target> and grow a working corpus in
# build/fuzz/corpus/<target> (not committed). A crash leaves its input in build/fuzz/crashes/;
# copy it into tests/fuzz/regressions/<target>/ with the fix, so every build replays it.
# Prints, per target, the executions done: docs/reliability.md quotes these figures.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=300
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(accounts_csv normalizer snapshot audience events_csv)

bash scripts/setup.sh
build=build/fuzz
CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEID_FUZZ=ON \
  -DONEID_BUILD_TESTS=OFF -DONEID_BUILD_BENCHMARKS=OFF -DONEID_BUILD_TOOLS=OFF -DONEID_INSTALL=OFF \
  -DONEID_WERROR="${ONEID_WERROR:-OFF}" >/dev/null
cmake --build "$build" --target $(printf '%s_fuzzer ' "${targets[@]}")

mkdir -p "$build/crashes"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  mkdir -p "$corpus"
  # -seed fixes the mutation sequence so a short CI run is repeatable; -rss_limit_mb and -timeout
  # turn unbounded memory and hangs into failures.
  log="$build/$t.log"
  if ! "$build/tests/fuzz/${t}_fuzzer" "$corpus" "tests/fuzz/corpus/$t" -seed=1 \
      -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
      -artifact_prefix="$build/crashes/${t}-" -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz: $t FAILED (input in $build/crashes/)" >&2
    exit 1
  fi
  runs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  echo "fuzz: $t ok, ${runs:-?} executions in ${seconds}s"
done
