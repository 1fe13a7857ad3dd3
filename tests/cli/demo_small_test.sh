#!/usr/bin/env bash
# `oneid demo` on a small population: it must exit 0 (a crash or a sanitizer abort after the
# figures were printed fails the test) and report a pairwise precision of at least 0.95.
set -euo pipefail
oneid="$1"
out_dir="$2"
output=$("$oneid" demo --people 2000 --batches 3 --out-dir "$out_dir")
echo "$output"
grep -Eq 'precision (1 |0\.9[5-9])' <<<"$output" || { echo "FAIL: the demo's precision is below 0.95" >&2; exit 1; }
echo "demo small: exit 0, precision >= 0.95"
