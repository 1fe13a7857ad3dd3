# Every dependency comes from Debian's packages; docs/dependencies.md says why each is here.
#
# oneid_find_dependency(<Package> <debian-package> [find_package arguments...]) finds a package
# quietly and records the Debian package of each one that is missing in ONEID_MISSING_PACKAGES.
# The top-level CMakeLists.txt then stops with one line that names them all and the command that
# installs them, instead of CMake's search backtrace: a newcomer who runs `pip install .` before
# `bash scripts/setup.sh` reads exactly what to do.
set(ONEID_MISSING_PACKAGES "")
macro(oneid_find_dependency package debian_package)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    list(APPEND ONEID_MISSING_PACKAGES "${debian_package}")
  endif()
endmacro()

# The library.
oneid_find_dependency(absl libabsl-dev)
oneid_find_dependency(Boost libboost-graph-dev 1.74)
oneid_find_dependency(Eigen3 libeigen3-dev 3.3 NO_MODULE)
oneid_find_dependency(OpenSSL libssl-dev)
oneid_find_dependency(PhoneNumber libphonenumber-dev)
oneid_find_dependency(xxHash libxxhash-dev)
oneid_find_dependency(XGBoost libxgboost-dev)
# The optional parts, when they are built.
if(ONEID_BUILD_TOOLS)
  oneid_find_dependency(SQLite3 libsqlite3-dev)
endif()
if(ONEID_BUILD_TESTS)
  oneid_find_dependency(GTest "libgtest-dev libgmock-dev")
endif()
if(ONEID_BUILD_BENCHMARKS)
  oneid_find_dependency(benchmark libbenchmark-dev)
endif()
if(ONEID_BUILD_PYTHON)
  # Development.Module, not Development: an extension module must not link libpython.
  oneid_find_dependency(Python python3-dev 3.9 COMPONENTS Interpreter Development.Module)
endif()
list(JOIN ONEID_MISSING_PACKAGES " " ONEID_MISSING_PACKAGES)
