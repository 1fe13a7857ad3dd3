#!/usr/bin/env bash
# The main job on the built-in demo: builds the oneid tool (Release) and runs `oneid demo`, which
# generates ~100k people's omni-channel accounts, stores them in SQLite, resolves them into OneIDs in
# daily batches and prints identity statistics and quality. Extra flags go to `oneid demo`
# (see `oneid demo --help`). Installs its own dependencies first; safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CMAKE_BUILD_PARALLEL_LEVEL=$(nproc)
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DONEID_BUILD_TESTS=OFF -DONEID_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build/release --target oneid_cli
./build/release/oneid demo "$@"
