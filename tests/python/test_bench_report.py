"""scripts/bench_report.py on canned results (tests/python/bench_fixtures: made-up numbers, not
measurements): the page is written, its ratios are computed from the run's own rows, and a failed
step, a failed or skipped contender and an unmet aim are reported as such."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bench_report.py"
FIXTURES = Path(__file__).resolve().parent / "bench_fixtures"


def report_module():
    spec = importlib.util.spec_from_file_location("bench_report", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def results(tmp_path: Path) -> Path:
    out = tmp_path / "results"
    shutil.copytree(FIXTURES, out)
    return out


def run(results: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, str]:
    page = tmp_path / "out" / "benchmarks.md"
    proc = subprocess.run([sys.executable, str(SCRIPT), "--results", str(results), "--out", str(page)],
                          capture_output=True, text=True)
    return proc, page.read_text() if page.exists() else ""


def line_with(page: str, *parts: str) -> str:
    hits = [ln for ln in page.splitlines() if all(p in ln for p in parts)]
    assert hits, f"no line of the page holds all of {parts}"
    return hits[0]


def test_page_has_ratios_computed_from_the_run(results: Path, tmp_path: Path) -> None:
    proc, page = run(results, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert page.startswith("# Benchmarks")
    # 5.0 s / 2.0 s and 25 s / 0.5 s: the peer's time over oneid's, with CPU and memory ratios.
    assert "**2.50x** | 2.50x faster |" in line_with(page, "| identity |", "| scipy |")
    assert "2.00x" in line_with(page, "| identity |", "| scipy |")  # peak RSS 600000 / 300000
    clv = line_with(page, "| clv |", "BG/NBD fit, simulated 1,000,000", "| lifetimes |")
    assert "**50.0x**" in clv and "60.0x" in clv  # wall 25 / 0.5, CPU 24 / 0.4
    # Per-task table: throughput and bytes per record from the same rows.
    oneid_row = line_with(page, "| oneid | 2.00 s |")
    assert "| 500 |" in oneid_row and "| 300 |" in oneid_row and "1 (reference)" in oneid_row
    # C++: the identity sections and the generic table, memory counters included.
    assert "| 1,000,000 | 1 | 2.00 s | 500k/s |" in page  # accounts, threads (1 when the name has none)
    assert "40x" in page  # phone fast path 800 ns vs 20 ns
    assert "state_bytes_per_item 42" in line_with(page, "BM_FixtureOther/64")
    assert "**failed**: fixture: fit failed" in line_with(page, "BM_FixtureBroken")
    assert "Quick run" in page and "0.50 0.40 0.30" in page and "0.60 0.45 0.30" in page


def test_aims_met_and_not_met(results: Path, tmp_path: Path) -> None:
    _, page = run(results, tmp_path)
    assert line_with(page, "Resolver state under 100 bytes").endswith("| met |")
    assert line_with(page, "Faster than the pandas + scipy route").endswith("| met |")
    assert line_with(page, "BG/NBD fit on 1M customers in under a second").endswith("| met |")
    assert line_with(page, "BG/NBD 100x faster than lifetimes").endswith("| **NOT met** |")
    # k-means rows are missing (the segment step failed): not measured, not silently dropped.
    assert line_with(page, "k-means at least as fast").endswith("| **not measured** |")


def test_failed_and_skipped_contenders_and_steps_are_reported(results: Path, tmp_path: Path) -> None:
    proc, page = run(results, tmp_path)
    problems = page.split("## Problems in this run")[1].split("## ")[0]
    assert "scipy failed" in problems and "No module named 'scipy'" in problems
    assert "networkx" not in problems  # skipped by design: listed apart
    assert "- identity: networkx on \"resolve 1,000 accounts from raw strings\": fixture: networkx" in page
    assert "oneid failed" in problems and "line search failed" in problems
    assert "fixture-missing-header.h" in problems  # the build log's last lines
    assert "bench_segment.py` exited with code 1" in problems and "cannot import name" in problems
    # No ratio where one side has no time: the comparison row says why.
    assert "**no ratio**: scipy failed" in line_with(page, "| clv |", "| scipy |")
    assert "**no ratio**: oneid failed" in line_with(page, "Pareto/NBD", "| lifetimes |", "no ratio")
    assert line_with(page, "**failed**: ModuleNotFoundError").startswith("| scipy | – |")
    assert "**skipped**: fixture: networkx" in page
    assert "– (no oneid time)" in line_with(page, "| lifetimes | 100 s |")
    assert not re.search(r"\b(nan|inf)\b", page)
    assert "segment: " in proc.stderr  # problems are also printed


def test_missing_result_file_and_unselected_layer(results: Path, tmp_path: Path) -> None:
    (results / "py-clv.json").unlink()
    machine = json.loads((results / "machine.json").read_text())
    machine["layers"].append("churn")
    (results / "machine.json").write_text(json.dumps(machine))
    proc, page = run(results, tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "`bench_clv.py` wrote no result file (py-clv.json)" in page
    assert "churn: selected but no step of it ran" in page
    assert line_with(page, "BG/NBD fit on 1M customers").endswith("| **not measured** |")


def test_malformed_steps_file_is_a_clear_error(results: Path, tmp_path: Path) -> None:
    with open(results / "steps.tsv", "a") as f:
        f.write("identity\tcpp\tonly three fields\n")
    proc, _ = run(results, tmp_path)
    assert proc.returncode != 0
    assert "steps.tsv: malformed line" in proc.stderr


def test_comparisons_unit() -> None:
    m = report_module()
    rows = [
        {"layer": "x", "task": "t", "records": 10, "unit": "rows", "contender": "oneid", "status": "ok", "seconds": 4.0},
        {"layer": "x", "task": "t", "records": 10, "unit": "rows", "contender": "fast peer", "status": "ok", "seconds": 1.0},
        {"layer": "x", "task": "u", "records": 10, "unit": "rows", "contender": "lonely peer", "status": "ok", "seconds": 1.0},
    ]
    comps = {c["peer"]: c for c in m.comparisons(rows)}
    assert comps["fast peer"]["time_ratio"] == pytest.approx(0.25)
    assert m.faster(comps["fast peer"]["time_ratio"]) == "4.00x slower"
    assert comps["lonely peer"]["problem"] == "oneid has no row for this task"


def test_oneid_variants_are_not_counted_as_peers() -> None:
    report = report_module()
    row = lambda who, seconds: {"layer": "segment", "task": "audience", "contender": who, "status": "ok",  # noqa: E731
                                "seconds": seconds}
    pairs = report.comparisons([row("oneid", 1.0), row("oneid (compiled call)", 1.0), row("NumPy", 0.5)])
    assert [c["peer"] for c in pairs] == ["NumPy"]
