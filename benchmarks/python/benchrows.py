"""What every Python comparison in this folder shares: timing and peak memory of one contender,
and the result rows that scripts/bench_report.py turns into docs/benchmarks.md.

One row is one contender on one task:

  layer, task      which table the row belongs to ("clv", "BG/NBD fit, simulated 1,000,000")
  records, unit    how much work the task is (1000000, "customers"): throughput is records / seconds
  contender        "oneid" is the reference of its task; every other row is compared with it
  status           "ok", "failed" (error says why) or "skipped" (reason says why)
  seconds          wall seconds (best of the runs when repeated)
  cpu_seconds      process CPU seconds, all threads (optional)
  peak_bytes       rise of the process's peak resident set during the contender (optional)
  check            what the script checked about the result (optional, free text)

The scripts report raw measurements only; every ratio is computed by the report from the rows of
one run, so nothing in the page can come from another run.
"""

from __future__ import annotations

import gc
import json
import platform
import resource
import sys
import time
import traceback
from typing import Any, Callable

SCHEMA = "oneid-bench-rows/1"


def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def measure(fn: Callable[[], Any], repeat: int = 1) -> dict[str, Any]:
    """Runs fn `repeat` times. Returns best wall seconds, the CPU seconds of that run, the largest
    rise of peak RSS over the RSS just before a run (None where the peak cannot be reset: a
    process-wide ru_maxrss would include earlier contenders) and the last result."""
    best: dict[str, Any] = {"seconds": float("inf")}
    peak = None
    result = None
    for _ in range(max(1, repeat)):
        result = None
        gc.collect()
        reset = _reset_peak()
        before = _status_kib("VmRSS") if reset else None
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        if reset and before is not None:
            hwm = _status_kib("VmHWM")
            if hwm is not None:
                peak = max(peak or 0, (hwm - before) * 1024)
        if wall < best["seconds"]:
            best = {"seconds": wall, "cpu_seconds": cpu}
    best["peak_bytes"] = peak
    best["result"] = result
    return best


def error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip().splitlines()[0][:300]


def row(layer: str, task: str, records: int, unit: str, contender: str, **fields: Any) -> dict[str, Any]:
    out = {"layer": layer, "task": task, "records": int(records), "unit": unit, "contender": contender}
    out.update({k: v for k, v in fields.items() if v is not None})
    out.setdefault("status", "ok")
    return out


def run_contender(layer: str, task: str, records: int, unit: str, contender: str, fn: Callable[[], Any],
                  repeat: int = 1, check: Callable[[Any], str] | None = None) -> tuple[dict[str, Any], Any]:
    """Measures one contender and returns (row, result). A contender that raises becomes a
    "failed" row carrying the error (result None); a failing check does too."""
    try:
        m = measure(fn, repeat)
    except Exception as exc:  # noqa: BLE001  (a failed contender is reported, never fatal)
        traceback.print_exc(file=sys.stderr)
        return row(layer, task, records, unit, contender, status="failed", error=error_text(exc)), None
    r = row(layer, task, records, unit, contender, seconds=m["seconds"], cpu_seconds=m["cpu_seconds"],
            peak_bytes=m["peak_bytes"])
    if check is not None:
        try:
            r["check"] = check(m["result"])
        except Exception as exc:  # noqa: BLE001
            traceback.print_exc(file=sys.stderr)
            r["status"] = "failed"
            r["error"] = "result check failed: " + error_text(exc)
    return r, m["result"]


def failed(layer: str, task: str, records: int, unit: str, contender: str, error: str) -> dict[str, Any]:
    return row(layer, task, records, unit, contender, status="failed", error=error)


def skipped(layer: str, task: str, records: int, unit: str, contender: str, reason: str) -> dict[str, Any]:
    return row(layer, task, records, unit, contender, status="skipped", reason=reason)


def versions(*modules: str) -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in modules:
        try:
            mod = __import__(name)
            out[name] = str(getattr(mod, "__version__", "?"))
        except Exception as exc:  # noqa: BLE001  (report, never fail, on a missing contender)
            out[name] = f"unavailable ({type(exc).__name__})"
    return out


def write(path: str | None, script: str, rows: list[dict[str, Any]], vers: dict[str, str],
          **extra: Any) -> None:
    doc = {"schema": SCHEMA, "script": script, "versions": vers, "rows": rows, **extra}
    if path:
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)


def print_rows(rows: list[dict[str, Any]]) -> None:
    for r in rows:
        if r["status"] == "ok":
            peak = f"{r['peak_bytes'] / 2**20:8.1f} MiB" if r.get("peak_bytes") is not None else "       – MiB"
            print(f"{r['task'][:48]:48s} {r['contender'][:28]:28s} {r['seconds']:9.3f} s {peak}  {r.get('check', '')}",
                  flush=True)
        else:
            print(f"{r['task'][:48]:48s} {r['contender'][:28]:28s} {r['status']}: {r.get('error') or r.get('reason')}",
                  flush=True)
