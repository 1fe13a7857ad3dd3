#!/usr/bin/env bash
# Builds everything and runs every test, C++ (ctest) and Python (pytest).
#   scripts/test.sh              RelWithDebInfo build in build/test, then pip install . and pytest
#   scripts/test.sh --sanitize   Debug build with AddressSanitizer + UndefinedBehaviorSanitizer in
#                                build/asan (C++ tests only: the Python interpreter is not built
#                                with ASan, so the extension is tested in the normal mode), then
#                                the concurrency stress test under ThreadSanitizer, then every
#                                libFuzzer target for a short bounded run (scripts/fuzz.sh)
# Installs its own dependencies first (scripts/setup.sh) and is safe to run repeatedly.
# ONEID_WERROR=ON (CI sets it) turns every compiler warning into an error, in every build here
# and in the pip-built extension. The sanitizer build uses clang and the normal one GCC, so CI
# keeps both compilers warning-free.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=normal
case "${1:-}" in
  "") ;;
  --sanitize) mode=sanitize ;;
  *) echo "usage: scripts/test.sh [--sanitize]" >&2; exit 2 ;;
esac

bash scripts/setup.sh
werror="${ONEID_WERROR:-OFF}"
jobs=$(nproc)
export CMAKE_BUILD_PARALLEL_LEVEL=$jobs

if [ "$mode" = sanitize ]; then
  build=build/asan-clang
  CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DONEID_SANITIZE=ON \
        -DONEID_BUILD_BENCHMARKS=OFF -DONEID_WERROR="$werror" >/dev/null
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
else
  build=build/test
  cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEID_WERROR="$werror" >/dev/null
fi
cmake --build "$build"
(cd "$build" && ctest --output-on-failure -j"$jobs")

if [ "$mode" = sanitize ]; then
  # The thread-safety contract (many readers, one locked writer) under ThreadSanitizer.
  cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DONEID_TSAN=ON \
        -DONEID_BUILD_BENCHMARKS=OFF -DONEID_BUILD_TOOLS=OFF -DONEID_INSTALL=OFF -DONEID_WERROR="$werror" >/dev/null
  # The reference-equality test resolves large batches on 1, 2 and 3 threads: the resolver's
  # thread pool (Boost.Asio) under TSan.
  cmake --build build/tsan --target identity_concurrency_test identity_reference_equality_test
  export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
  build/tsan/tests/cpp/identity/identity_concurrency_test
  build/tsan/tests/cpp/identity/identity_reference_equality_test
  # Short, seeded fuzz runs: new crashes surface in CI; `scripts/fuzz.sh` alone runs longer.
  bash scripts/fuzz.sh --seconds "${ONEID_FUZZ_SECONDS:-20}"
fi

if [ "$mode" = normal ]; then
  # The analyst's path: pip install . then import oneid. Build isolation is off because setup.sh
  # has installed the build requirements (scikit-build-core, pybind11) already.
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore --no-build-isolation \
    -Ccmake.define.ONEID_WERROR="$werror" .
  # Run from the tests folder so `import oneid` finds the installed package, not python/oneid.
  (cd tests/python && python3 -m pytest -q -p no:cacheprovider .)
fi
