"""A newcomer who runs `pip install .` before `bash scripts/setup.sh` gets one line that names the
missing Debian packages and the command that installs them, not a CMake backtrace."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HINT = "install them with: bash scripts/setup.sh"


def _the_line(output: str) -> str:
    lines = [line.strip() for line in output.splitlines() if "oneid: missing Debian packages:" in line]
    assert len(lines) == 1, f"expected one line naming the missing packages, got {lines!r} in:\n{output}"
    assert "Call Stack" not in output, output
    return lines[0]


def test_pip_install_without_libphonenumber_names_the_package_and_the_fix(tmp_path: Path) -> None:
    # scikit-build-core passes SKBUILD_CMAKE_ARGS to CMake: here it hides libphonenumber, as on a
    # machine without libphonenumber-dev. --target keeps a (wrongly) successful install away from
    # the environment.
    env = dict(os.environ, SKBUILD_CMAKE_ARGS="-DCMAKE_DISABLE_FIND_PACKAGE_PhoneNumber=ON")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--disable-pip-version-check",
         "--root-user-action=ignore", "--target", str(tmp_path / "site"), f"-Cbuild-dir={tmp_path / 'build'}",
         str(ROOT)],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode != 0
    line = _the_line(proc.stdout + proc.stderr)
    assert line.endswith("oneid: missing Debian packages: libphonenumber-dev; " + HINT), line


def test_an_empty_prefix_names_every_missing_package(tmp_path: Path) -> None:
    # CMake pointed at an empty root finds nothing: every library is reported, in one line.
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = subprocess.run(
        ["cmake", "-S", str(ROOT), "-B", str(tmp_path / "build"), f"-DCMAKE_FIND_ROOT_PATH={empty}",
         "-DCMAKE_FIND_ROOT_PATH_MODE_PACKAGE=ONLY", "-DCMAKE_FIND_ROOT_PATH_MODE_LIBRARY=ONLY",
         "-DCMAKE_FIND_ROOT_PATH_MODE_INCLUDE=ONLY", "-DONEID_BUILD_TESTS=OFF", "-DONEID_BUILD_BENCHMARKS=OFF",
         "-DONEID_BUILD_TOOLS=OFF"],
        capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode != 0
    line = _the_line(proc.stdout + proc.stderr)
    for package in ["libabsl-dev", "libboost-graph-dev", "libeigen3-dev", "libssl-dev", "libphonenumber-dev",
                    "libxxhash-dev", "libxgboost-dev"]:
        assert package in line, line
    assert line.endswith(HINT), line
