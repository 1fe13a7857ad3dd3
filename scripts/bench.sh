#!/usr/bin/env bash
# Runs every benchmark and peer comparison of oneid in one go and writes docs/benchmarks.md from
# the figures of this run (every ratio in the page is computed from this run's results).
#
# usage: scripts/bench.sh [--quick] [--layers LIST] [--help]
#
#   --quick         smaller sizes (a few minutes): checks the whole pipeline end to end
#   --layers LIST   comma-separated subset of: identity,profile,clv,rfm,churn,segment,spark (default: all)
#   -h, --help      this text
#
# Per layer: the C++ Google Benchmark binaries (Release build in build/bench, JSON output) and the
# Python comparison against the peers (pandas, DuckDB, lifetimes, scikit-learn, scipy, networkx):
#   identity  identity_resolver_benchmark                       bench_identity.py
#   profile   profile_profile_benchmark                         bench_profile.py
#   clv       score_clv_benchmark                               bench_clv.py
#   rfm       score_rfm_benchmark                               bench_churn.py --parts rfm
#   churn     score_churn_benchmark                             bench_churn.py --parts logistic
#   segment   segment_audience_benchmark, segment_kmeans_benchmark  bench_segment.py
#   spark     (none)                                            bench_spark.py (oneid.spark on local[2])
# A step that fails (build, crash, missing peer) is recorded and reported in the page; the other
# steps still run. The exit code is 1 if any step failed.
#
# Environment:
#   ONEID_BENCH_PYTHONPATH  put first on PYTHONPATH for the Python comparisons, e.g. a private
#                           `pip install --no-build-isolation --target /tmp/bench-py .`
#                           (default: the installed `oneid` package)
#   ONEID_BENCH_JOBS        parallel compile jobs (default 2; the machine may be shared)
#   ONEID_BENCH_DOC         where the page goes (default docs/benchmarks.md)
#   ONEID_BENCH_SPARK_SIZES account counts of the spark layer's resolve task (default 1000000,10000000)
#   PYTHON                  the interpreter (default python3)
# Results (JSON, logs, steps.tsv, machine.json) stay in build/bench/results/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build/bench"
RESULTS="$BUILD/results"
JOBS="${ONEID_BENCH_JOBS:-2}"
DOC="${ONEID_BENCH_DOC:-$ROOT/docs/benchmarks.md}"
PYTHON="${PYTHON:-python3}"
ALL_LAYERS="identity,profile,clv,rfm,churn,segment,spark"
LAYERS="$ALL_LAYERS"
QUICK=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --layers) [ $# -ge 2 ] || { echo "bench.sh: --layers needs a list (try --help)" >&2; exit 2; }
              LAYERS="$2"; shift ;;
    --layers=*) LAYERS="${1#--layers=}" ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
  shift
done
IFS=',' read -r -a SELECTED <<< "$LAYERS"
[ ${#SELECTED[@]} -gt 0 ] || { echo "bench.sh: --layers is empty (try --help)" >&2; exit 2; }
for layer in "${SELECTED[@]}"; do
  case ",$ALL_LAYERS," in
    *",$layer,"*) ;;
    *) echo "bench.sh: unknown layer '$layer' (choose from $ALL_LAYERS)" >&2; exit 2 ;;
  esac
done

# Per layer: C++ binaries and the arguments of each, full and quick.
cpp_targets() {
  case "$1" in
    identity) echo identity_resolver_benchmark ;;
    profile) echo profile_profile_benchmark ;;
    clv) echo score_clv_benchmark ;;
    rfm) echo score_rfm_benchmark ;;
    churn) echo score_churn_benchmark ;;
    segment) echo segment_audience_benchmark segment_kmeans_benchmark ;;
    spark) ;;  # Python only: oneid.spark against the single-machine engine
  esac
}
cpp_args() {  # binary quick
  if [ "$2" = 1 ]; then
    case "$1" in
      identity_resolver_benchmark) echo "--benchmark_filter=-accounts:10000000/" ;;
      profile_profile_benchmark) echo "--profile_events=1000000" ;;
      score_clv_benchmark) echo "--benchmark_filter=Cdnow|Simulated/1000000/1/" ;;
      score_rfm_benchmark) echo "--benchmark_filter=-/10000000" ;;
      score_churn_benchmark) echo "--benchmark_filter=/65536" ;;
      segment_audience_benchmark) echo "--benchmark_filter=-/10000000" ;;
    esac
  fi
}
py_command() {  # layer quick -> script and arguments
  local q=""
  [ "$2" = 1 ] && q="--quick"
  case "$1" in
    identity) if [ "$2" = 1 ]; then echo "bench_identity.py --quick"
              else echo "bench_identity.py --sizes 100000,1000000,10000000 --networkx-max 100000"; fi ;;
    profile) echo "bench_profile.py $q" ;;
    clv) echo "bench_clv.py $q" ;;
    rfm) echo "bench_churn.py --parts rfm $q" ;;
    churn) echo "bench_churn.py --parts logistic $q" ;;
    segment) echo "bench_segment.py $q" ;;
    spark) if [ "$2" = 1 ]; then echo "bench_spark.py --quick"
           else echo "bench_spark.py --sizes ${ONEID_BENCH_SPARK_SIZES:-1000000,10000000} --profile-people 500000"; fi ;;
  esac
}

rm -rf "$RESULTS"
mkdir -p "$RESULTS"
cd "$ROOT"
STEPS="$RESULTS/steps.tsv"
printf '# layer\tkind\tname\texit code\tseconds\tresult file\tlog file\n' > "$STEPS"
FAILED=0

# run_step LAYER KIND NAME RESULT LOG -- COMMAND...: runs COMMAND with its output in LOG (and on
# the terminal), appends one line to steps.tsv, and never stops the run.
run_step() {
  local layer="$1" kind="$2" name="$3" result="$4" log="$5"
  shift 6
  local start end code
  start=$(date +%s.%N)
  set +e
  "$@" 2>&1 | tee "$RESULTS/$log"
  code=${PIPESTATUS[0]}
  set -e
  end=$(date +%s.%N)
  [ "$code" = 0 ] || { FAILED=1; echo "bench.sh: $name failed (exit $code); see $RESULTS/$log" >&2; }
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$layer" "$kind" "$name" "$code" \
    "$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')" "$result" "$log" >> "$STEPS"
}

json_str() { sed 's/\\/\\\\/g; s/"/\\"/g' | tr -d '\n'; }

echo "== configure (Release, $BUILD)"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DONEID_BUILD_BENCHMARKS=ON -DONEID_BUILD_TESTS=OFF -DONEID_BUILD_TOOLS=OFF \
  -DONEID_INSTALL=OFF >/dev/null

echo "== machine"
if [ -n "${ONEID_BENCH_PYTHONPATH:-}" ]; then
  export PYTHONPATH="$ONEID_BENCH_PYTHONPATH${PYTHONPATH:+:$PYTHONPATH}"
fi
# Outside the source tree, so that `import oneid` cannot pick up python/oneid (no compiled _core).
PY_ONEID="$(cd /tmp && "$PYTHON" -c 'import oneid, os; print(f"oneid package {oneid.__version__} from {os.path.dirname(oneid.__file__)}")' 2>&1 | tail -1 || true)"
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
{
  echo "{"
  echo "  \"date\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
  echo "  \"quick\": $([ "$QUICK" = 1 ] && echo true || echo false),"
  echo "  \"layers\": [$(printf '"%s",' "${SELECTED[@]}" | sed 's/,$//')],"
  echo "  \"nproc\": $(nproc),"
  echo "  \"cpu_model\": \"$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//' | json_str)\","
  echo "  \"memory_kib\": $(awk '/^MemTotal:/ {print $2}' /proc/meminfo),"
  echo "  \"kernel\": \"$(uname -sr | json_str)\","
  echo "  \"compiler\": \"$(${CXX:-c++} --version | head -1 | json_str)\","
  echo "  \"python_oneid\": \"$(printf '%s' "$PY_ONEID" | json_str)\","
  echo "  \"load_before\": \"$LOAD_BEFORE\","
  echo "  \"git\": \"$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + local changes')\""
  echo "}"
} > "$RESULTS/machine.json"
cat "$RESULTS/machine.json"

for layer in "${SELECTED[@]}"; do
  for bin in $(cpp_targets "$layer"); do
    echo "== $layer: build $bin (-j$JOBS)"
    run_step "$layer" build "build $bin" "" "build-$bin.log" -- ninja -C "$BUILD" -j"$JOBS" "$bin"
    if [ "$(tail -1 "$STEPS" | cut -f4)" != 0 ]; then
      continue  # the build step's line says why; nothing to run
    fi
    # The build line is bookkeeping only; the page reports failures, not successful builds.
    sed -i '$d' "$STEPS"
    echo "== $layer: $bin $(cpp_args "$bin" "$QUICK")"
    # shellcheck disable=SC2046  # the arguments are single words by construction
    run_step "$layer" cpp "$bin" "cpp-$bin.json" "cpp-$bin.log" -- \
      "$(find "$BUILD/benchmarks" -name "$bin" -type f | head -1)" $(cpp_args "$bin" "$QUICK") --benchmark_out="$RESULTS/cpp-$bin.json" --benchmark_out_format=json
  done
  read -r -a py <<< "$(py_command "$layer" "$QUICK")"
  echo "== $layer: ${py[*]} (${PY_ONEID})"
  run_step "$layer" python "${py[0]}" "py-$layer.json" "py-$layer.log" -- \
    "$PYTHON" "$ROOT/benchmarks/python/${py[0]}" "${py[@]:1}" --json "$RESULTS/py-$layer.json"
done

LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"
"$PYTHON" - "$RESULTS/machine.json" "$LOAD_AFTER" <<'EOF'
import json, os, sys
path, after = sys.argv[1], sys.argv[2]
m = json.load(open(path))
m["load_after"] = after
worst = max(float(m["load_before"].split()[0]), float(after.split()[0]))
if worst > m["nproc"]:
    m["load_warning"] = (f"the 1-minute load average reached {worst:.1f} on {m['nproc']} cores around this run: "
                         "other jobs competed for the cores, so wall times are inflated and ratios less reliable.")
json.dump(m, open(path, "w"), indent=2)
EOF

echo "== report"
"$PYTHON" "$ROOT/scripts/bench_report.py" --results "$RESULTS" --out "$DOC"
echo "wrote $DOC (load average before $LOAD_BEFORE, after $LOAD_AFTER)"
exit "$FAILED"
