#!/usr/bin/env bash
# Installs everything oneid needs to build, test and run its demo on a fresh machine.
# Idempotent: packages already present are skipped, so running it twice is cheap.
set -euo pipefail

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  clang libclang-rt-14-dev          # sanitizer and fuzzer runtimes
  libabsl-dev                       # Status/StatusOr, flat_hash_map, Span
  libboost-graph-dev                # explain(): shortest linking path
  libeigen3-dev                     # feature matrices and model fitting
  libgtest-dev libgmock-dev         # C++ tests
  libbenchmark-dev                  # C++ benchmarks
  libssl-dev                        # salted SHA-256 (OpenSSL EVP)
  libphonenumber-dev                # phone parsing and validation
  libxxhash-dev                     # fast stable 128-bit keys for interned values
  libsqlite3-dev sqlite3            # embedded store of the demo
  libpq-dev                         # examples/host_crm's PostgreSQL back end (libpq client)
  postgresql                        # a real server for the host CRM's PostgreSQL test
  liblbfgspp-dev                    # L-BFGS for the customer-base model fits
  libxgboost-dev                    # gradient-boosted churn model (C API)
  chromium                          # renders the demo's HTML report in a test
  libcpp-httplib-dev                # HTTP server of examples/http_server
  wrk                               # load generator of the HTTP example's concurrent load test
  openjdk-17-jre-headless           # the JVM PySpark runs on (oneid.spark, local[2] in tests)
)
# Build tools, the Python API's own needs, then the peers that tests and benchmarks compare against.
PY_PACKAGES=(scikit-build-core pybind11 numpy pandas pytest pytest-timeout pyarrow pyspark
             scipy networkx duckdb lifetimes scikit-learn xgboost matplotlib)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

py_missing=()
for p in "${PY_PACKAGES[@]}"; do
  python3 -m pip show -q "$p" >/dev/null 2>&1 || py_missing+=("$p")
done
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "setup: pip installing ${py_missing[*]}"
  python3 -m pip install -q --disable-pip-version-check --root-user-action=ignore "${py_missing[@]}"
fi
