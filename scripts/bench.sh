#!/usr/bin/env bash
# Builds the Release benchmarks, runs them and the Python comparison, and writes
# docs/benchmarks.md from the figures measured in this run.
#
#   scripts/bench.sh            # C++ at 1M and 10M accounts; Python at 100k and 1M (networkx at 100k)
#   scripts/bench.sh --quick    # C++ without the 10M case; Python at 100k only
#
# Environment:
#   ONEID_BENCH_JOBS      parallel compile jobs (default 2; the machine may be shared)
#   ONEID_BENCH_FILTER    --benchmark_filter for the C++ binary (default: everything)
#   ONEID_BENCH_PY_SIZES  account counts of the Python comparison (default 100000,1000000)
#   ONEID_BENCH_NX_MAX    largest size networkx runs at (default 100000)
#   ONEID_BENCH_DOC       where the report goes (default docs/benchmarks.md)
#
# The Python comparison imports the installed `oneid` package (pip install . builds it in
# Release); if it is not importable the oneid rows say so and the other contenders still run.
# Results (JSON) stay in build/bench/results/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/bench"
RESULTS="$BUILD/results"
JOBS="${ONEID_BENCH_JOBS:-2}"
FILTER="${ONEID_BENCH_FILTER:-.}"
PY_SIZES="${ONEID_BENCH_PY_SIZES:-100000,1000000}"
NX_MAX="${ONEID_BENCH_NX_MAX:-100000}"
DOC="${ONEID_BENCH_DOC:-$ROOT/docs/benchmarks.md}"
PYTHON="${PYTHON:-python3}"

for arg in "$@"; do
  case "$arg" in
    --quick)
      FILTER="${ONEID_BENCH_FILTER:--BM_ResolveAccounts/accounts:10000000/}"
      PY_SIZES="${ONEID_BENCH_PY_SIZES:-100000}" ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

mkdir -p "$RESULTS"
cd "$ROOT"

echo "== configure and build (Release, $BUILD, -j$JOBS)"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DONEID_BUILD_BENCHMARKS=ON -DONEID_BUILD_TESTS=OFF -DONEID_BUILD_TOOLS=OFF \
  -DONEID_INSTALL=OFF >/dev/null
ninja -C "$BUILD" -j"$JOBS" identity_resolver_benchmark

echo "== machine"
{
  echo "{"
  echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo "  \"nproc\": $(nproc),"
  echo "  \"cpu_model\": \"$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//;s/"/\\"/g')\","
  echo "  \"memory_kib\": $(awk '/^MemTotal:/ {print $2}' /proc/meminfo),"
  echo "  \"kernel\": \"$(uname -sr)\","
  echo "  \"compiler\": \"$(${CXX:-c++} --version | head -1 | sed 's/"/\\"/g')\","
  echo "  \"load_before\": \"$(cut -d' ' -f1-3 /proc/loadavg)\","
  echo "  \"git\": \"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo '+local changes')\""
  echo "}"
} > "$RESULTS/machine.json"
cat "$RESULTS/machine.json"

echo "== C++ benchmarks (filter: $FILTER)"
"$BUILD/benchmarks/identity_resolver_benchmark" \
  --benchmark_filter="$FILTER" \
  --benchmark_out="$RESULTS/cpp.json" --benchmark_out_format=json

echo "== Python comparison (sizes $PY_SIZES, networkx up to $NX_MAX)"
if ! "$PYTHON" -c "import oneid" 2>/dev/null; then
  echo "bench.sh: warning: the oneid Python package is not importable (run 'pip install .');" \
       "its rows will be marked failed" >&2
fi
"$PYTHON" "$ROOT/benchmarks/python/bench_identity.py" --sizes "$PY_SIZES" --networkx-max "$NX_MAX" \
  --json "$RESULTS/python.json"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" > "$RESULTS/load_after.txt"

echo "== report"
"$PYTHON" "$ROOT/scripts/bench_report.py" --results "$RESULTS" --out "$DOC"
echo "wrote $DOC"
