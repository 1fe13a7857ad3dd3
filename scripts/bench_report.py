#!/usr/bin/env python3
"""Turns the results of one scripts/bench.sh run (build/bench/results/) into docs/benchmarks.md.

Every figure and every ratio in the page is computed here from the files of that one run: the
Google Benchmark JSON of each C++ binary (cpp-<binary>.json), the rows of each Python comparison
(py-<layer>.json, benchmarks/python/benchrows.py's format), machine.json and steps.tsv (one line
per step: layer, kind, name, exit code, seconds, result file, log file). Nothing is typed in by
hand. A step that failed, a contender that failed or was skipped, and an aim that was not met
are all written into the page, never left out.

  python3 scripts/bench_report.py --results build/bench/results --out docs/benchmarks.md
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from typing import Any

LAYERS = {  # layer -> (title, doc page)
    "identity": ("Identity resolution", "identity.md"),
    "profile": ("Profiles", "profile.md"),
    "clv": ("Customer-base models (CLV)", "clv.md"),
    "rfm": ("RFM", "rfm.md"),
    "churn": ("Churn", "churn.md"),
    "segment": ("Segments", "segment.md"),
    "spark": ("Spark", "spark.md"),
}
TARGET_BYTES_PER_IDENTIFIER = 100
IDENTITY_FAMILIES = {"BM_ResolveAccounts", "BM_MicroBatches", "BM_NormalizePhone", "BM_NormalizePhoneColdMemo",
                     "BM_NormalizePhoneFullParser", "BM_NormalizeEmail", "BM_UnionFindMerge",
                     "BM_BoostConnectedComponents", "BM_BoostConnectedComponentsPrebuilt"}
STANDARD_FIELDS = {"name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
                   "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit",
                   "items_per_second", "bytes_per_second", "label", "error_occurred", "error_message",
                   "aggregate_name", "aggregate_unit", "skipped", "skip_message"}


def load(path: str) -> Any:
    with open(path) as f:
        return json.load(f)


def fmt_int(x: float) -> str:
    return f"{x:,.0f}"


def fmt_rate(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:.2f}M/s"
    if x >= 1e3:
        return f"{x / 1e3:.0f}k/s"
    return f"{x:.0f}/s"


def fmt_seconds(s: float) -> str:
    if s >= 100:
        return f"{s:.0f} s"
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.1f} ms"
    return f"{s * 1e6:.0f} µs"


def fmt_time(value: float, unit: str) -> str:
    ns = value * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[unit]
    if ns >= 1e9:
        return f"{ns / 1e9:.2f} s"
    if ns >= 1e6:
        return f"{ns / 1e6:.1f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.1f} µs"
    return f"{ns:.1f} ns"


def fmt_ratio(x: float) -> str:
    return f"{x:.2f}x" if x < 10 else f"{x:.0f}x" if x >= 100 else f"{x:.1f}x"


def fmt_num(x: float) -> str:
    if x == 0 or not math.isfinite(x):
        return str(x)
    if abs(x) >= 1000:
        return fmt_int(x)
    return f"{x:.4g}"


def to_ns(b: dict[str, Any]) -> float:
    return b["real_time"] * {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.1f}x" if b else "–"


def cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def singular(unit: str) -> str:
    return unit[:-1] if unit.endswith("s") else unit


def faster(peer_over_oneid: float) -> str:
    """'3.2x faster' / '1.4x slower' for oneid, from a peer's time over oneid's."""
    if peer_over_oneid >= 1:
        return f"{fmt_ratio(peer_over_oneid)} faster"
    return f"{fmt_ratio(1 / peer_over_oneid)} slower"


def identity_cpp_sections(cpp: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    benches = [b for b in cpp["benchmarks"] if b.get("run_type", "iteration") == "iteration"]
    by_family: dict[str, list[dict[str, Any]]] = {}
    for b in benches:
        by_family.setdefault(b["name"].split("/")[0], []).append(b)
    out: list[str] = []
    headline: dict[str, Any] = {}

    resolve = by_family.get("BM_ResolveAccounts", [])
    if resolve:
        out += ["## Resolver, end to end (C++)", "",
                "`BM_ResolveAccounts`: one `Resolver::AddBatch` over an `AccountBatchView` of N accounts with "
                "three identifiers each (phone, email, unionid) under `DefaultIdentityConfig()`; one "
                "iteration per size, fresh resolver, input built before the timer starts.", "",
                "| accounts | threads | time | accounts/s | identifiers/s | resolver bytes / identifier | "
                "peak RSS bytes / identifier | resolver bytes / account | peak RSS bytes / account | "
                "input bytes / account | OneIDs | true persons | links refused + junk + blocklisted |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for b in resolve:
            n = int(re.search(r"accounts:(\d+)", b["name"]).group(1))
            t = re.search(r"threads:(\d+)", b["name"])
            out.append(
                f"| {n:,} | {t.group(1) if t else 1} | {fmt_time(b['real_time'], b['time_unit'])} | {fmt_rate(b['accounts_per_second'])} | "
                f"{fmt_rate(b['identifiers_per_second'])} | {b['resolver_bytes_per_identifier']:.1f} | "
                f"{b['peak_rss_bytes_per_identifier']:.1f} | {b['resolver_bytes_per_account']:.0f} | "
                f"{b['peak_rss_bytes_per_account']:.0f} | {b['input_bytes_per_account']:.0f} | "
                f"{fmt_int(b['oneids'])} | {fmt_int(b['persons_true'])} | {fmt_int(b['refused'])} |")
            headline[f"{n}/{t.group(1) if t else 1}"] = b
        out += ["",
                "*resolver bytes* is `Resolver::Stats().memory_bytes` after the batch: what the resolver keeps. "
                "*peak RSS* is the rise of the process's peak resident set during `AddBatch` over the resident "
                "set just before it (VmHWM reset through `/proc/self/clear_refs`): the kept state plus the "
                "batch's temporaries (pending edges, touched values, per-batch sets), without the input table, "
                "whose own size is the *input* column. An identifier is one (account, value) cell: three per account.",
                ""]
        if any(b.get("peak_rss_reset", 1) == 0 for b in resolve):
            out += ["**Note:** the peak could not be reset on this system, so peak RSS is the process's peak "
                    "since start and overstates the batch's own peak.", ""]

    micro = by_family.get("BM_MicroBatches", [])
    if micro:
        out += ["## Micro-batches into a large state (C++)", "",
                "`BM_MicroBatches`: a state of N accounts (the data above), then 40 batches of 1,000 new "
                "accounts, each timed on its own. Every fourth batch carries an account whose phone 20 accounts "
                "of the state already hold, so in it the phone crosses `max_accounts_per_value`, turns junk and "
                "the persons it linked are re-split. Wall time, and the thread's CPU time (steadier on a shared "
                "machine).", "",
                "| state accounts | median batch | worst batch | median with a crossing | worst with a crossing | "
                "median CPU | worst CPU |", "|---:|---:|---:|---:|---:|---:|---:|"]
        for b in micro:
            n = int(re.search(r"state_accounts:(\d+)", b["name"]).group(1))
            out.append(f"| {n:,} | {b['median_ms']:.2f} ms | {b['worst_ms']:.2f} ms | {b['median_crossing_ms']:.2f} ms | "
                       f"{b['worst_crossing_ms']:.2f} ms | {b['median_cpu_ms']:.2f} ms | {b['worst_cpu_ms']:.2f} ms |")
            headline[f"micro_{n}"] = b
        out.append("")

    norm = [b for f in ("BM_NormalizePhone", "BM_NormalizePhoneColdMemo", "BM_NormalizePhoneFullParser",
                        "BM_NormalizeEmail") for b in by_family.get(f, [])]
    if norm:
        out += ["## Normalisers (C++)", "",
                "A pool of 65,536 raw values cycled through; phones in the resolver data's mix of five written "
                "forms (30% not canonical). `BM_NormalizePhone` warms the fast path's validity memo (keyed by "
                "length and first seven digits) on the pool first; `BM_NormalizePhoneColdMemo` starts every pass "
                "with a fresh normaliser, so most numbers fall in a block the memo has not seen and pay one "
                "libphonenumber validity check: the regime of a first batch of up to a few million phones.", "",
                "| benchmark | time / value | values/s |", "|---|---:|---:|"]
        for b in norm:
            out.append(f"| `{b['name']}` | {fmt_time(b['real_time'], b['time_unit'])} | {fmt_rate(b['items_per_second'])} |")
        fast = next((b for b in norm if b["name"] == "BM_NormalizePhone"), None)
        full = next((b for b in norm if b["name"] == "BM_NormalizePhoneFullParser"), None)
        cold = next((b for b in norm if b["name"] == "BM_NormalizePhoneColdMemo"), None)
        if fast and full:
            headline["phone_ratio"] = to_ns(full) / to_ns(fast)
            share = fast.get("fast_path_share", 0) * 100
            text = (f"The phone fast path is **{headline['phone_ratio']:.0f}x** faster than libphonenumber's "
                    f"full parser with a warm memo ({share:.0f}% of the pool took the fast path" +
                    ("; the rest fell back to the parser)" if share < 99.5 else ")"))
            if cold:
                headline["phone_ratio_cold"] = to_ns(full) / to_ns(cold)
                text += f", and {headline['phone_ratio_cold']:.1f}x faster with a cold memo"
            out += ["", text + "."]
        out.append("")

    uf = {int(b["name"].split("/")[1]): b for b in by_family.get("BM_UnionFindMerge", [])}
    boost = {int(b["name"].split("/")[1]): b for b in by_family.get("BM_BoostConnectedComponents", [])}
    pre = {int(b["name"].split("/")[1]): b for b in by_family.get("BM_BoostConnectedComponentsPrebuilt", [])}
    if uf:
        out += ["## Union-find versus Boost.Graph (C++)", "",
                "n vertices, n uniformly random edges (the same edges for both). Both produce a component "
                "label per vertex. *Boost* builds an `adjacency_list<vecS, vecS, undirectedS>` from the edge "
                "list and runs `connected_components` (what a Boost user writes); *Boost, prebuilt* times "
                "`connected_components` alone on a graph built beforehand. The union-find time includes "
                "creating its n singletons and the final `FindRoot` of every vertex.", "",
                "| n | union-find | Boost | Boost, prebuilt | Boost / union-find | Boost prebuilt / union-find |",
                "|---:|---:|---:|---:|---:|---:|"]
        for n in sorted(uf):
            u = uf[n]
            bo = boost.get(n)
            pr = pre.get(n)
            out.append(f"| {n:,} | {fmt_time(u['real_time'], u['time_unit'])} | "
                       f"{fmt_time(bo['real_time'], bo['time_unit']) if bo else '–'} | "
                       f"{fmt_time(pr['real_time'], pr['time_unit']) if pr else '–'} | "
                       f"{ratio(to_ns(bo), to_ns(u)) if bo else '–'} | {ratio(to_ns(pr), to_ns(u)) if pr else '–'} |")
            if bo:
                headline["uf_vs_boost"] = (n, to_ns(bo) / to_ns(u), to_ns(pr) / to_ns(u) if pr else None)
        out.append("")
    return out, headline


# ------------------------------------------------------------------------------------------------
# Inputs


def read_steps(results: str) -> list[dict[str, Any]]:
    """steps.tsv: layer, kind (cpp|python), name, exit code, seconds, result file, log file."""
    path = os.path.join(results, "steps.tsv")
    steps = []
    if not os.path.exists(path):
        return steps
    with open(path) as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 7:
                raise SystemExit(f"{path}: malformed line (want 7 tab-separated fields): {line!r}")
            layer, kind, name, code, seconds, result, log = parts
            steps.append({"layer": layer, "kind": kind, "name": name, "exit_code": int(code),
                          "seconds": float(seconds), "result": result, "log": log})
    return steps


def tail_of(results: str, log: str, lines: int = 3) -> str:
    path = os.path.join(results, log)
    if not log or not os.path.exists(path):
        return "no log"
    with open(path, errors="replace") as f:
        text = [ln.strip() for ln in f if ln.strip()]
    return " / ".join(text[-lines:]) or "empty log"


def load_step(results: str, step: dict[str, Any]) -> tuple[Any, str | None]:
    """(parsed result, problem). A step whose command failed or whose file is missing or unreadable
    gives a problem text, which the page shows in place of its figures."""
    if not step["result"]:  # a step with no result file of its own (a build)
        return None, (f"exited with code {step['exit_code']}: {tail_of(results, step['log'])}"
                      if step["exit_code"] != 0 else None)
    path = os.path.join(results, step["result"])
    data = None
    if os.path.exists(path):
        try:
            data = load(path)
        except (OSError, ValueError) as exc:
            return None, f"its result file {step['result']} is unreadable ({exc})"
    if step["exit_code"] != 0:
        why = f"exited with code {step['exit_code']}: {tail_of(results, step['log'])}"
        return data, why
    if data is None:
        return None, f"wrote no result file ({step['result']}): {tail_of(results, step['log'])}"
    return data, None


# ------------------------------------------------------------------------------------------------
# C++: one table per binary


def cpp_table(cpp: dict[str, Any], skip_families: set[str]) -> list[str]:
    benches = [b for b in cpp.get("benchmarks", []) if b.get("run_type", "iteration") == "iteration"
               and b["name"].split("/")[0] not in skip_families]
    if not benches:
        return []
    out = ["| benchmark | wall time | CPU time | iterations | items/s | counters (those named *bytes* are in bytes) |",
           "|---|---:|---:|---:|---:|---|"]
    for b in benches:
        if b.get("error_occurred") or b.get("skipped"):
            msg = b.get("error_message") or b.get("skip_message") or "error"
            out.append(f"| `{cell(b['name'])}` | – | – | – | – | **failed**: {cell(msg)} |")
            continue
        counters = [f"{k} {fmt_num(v)}" for k, v in b.items()
                    if k not in STANDARD_FIELDS and isinstance(v, (int, float)) and not isinstance(v, bool)]
        items = fmt_rate(b["items_per_second"]) if "items_per_second" in b else "–"
        out.append(f"| `{cell(b['name'])}` | {fmt_time(b['real_time'], b['time_unit'])} | "
                   f"{fmt_time(b['cpu_time'], b['time_unit'])} | {b['iterations']} | {items} | "
                   f"{cell(', '.join(counters)) or '–'} |")
    return out


# ------------------------------------------------------------------------------------------------
# Python: oneid against its peers, one table per task


def comparisons(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every (task, peer) pair with both oneid and the peer measured: the ratios of this run."""
    out = []
    tasks: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        tasks.setdefault((r["layer"], r["task"]), []).append(r)
    for (layer, task), group in tasks.items():
        base = next((r for r in group if r["contender"] == "oneid"), None)
        for r in group:
            # oneid's own variants ("oneid (compiled call)") are in the per-task tables, not peers.
            if r["contender"] == "oneid" or r["contender"].startswith("oneid "):
                continue
            c = {"layer": layer, "task": task, "peer": r["contender"], "oneid": base, "row": r}
            if base is None:
                c["problem"] = "oneid has no row for this task"
            elif base["status"] != "ok":
                c["problem"] = f"oneid {base['status']}: {base.get('error') or base.get('reason')}"
            elif r["status"] != "ok":
                c["problem"] = f"{r['contender']} {r['status']}: {r.get('error') or r.get('reason')}"
            else:
                c["time_ratio"] = r["seconds"] / base["seconds"]
                if r.get("cpu_seconds") and base.get("cpu_seconds"):
                    c["cpu_ratio"] = r["cpu_seconds"] / base["cpu_seconds"]
                # Only peaks measured in a fresh process each compare: in one shared process, memory a
                # previous contender returned to the allocator hides part of a later one's rise.
                if r.get("peak_bytes") and base.get("peak_bytes") and r.get("memory_isolated") and base.get("memory_isolated"):
                    c["memory_ratio"] = r["peak_bytes"] / base["peak_bytes"]
            out.append(c)
    return out


def python_tables(rows: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    tasks: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        tasks.setdefault(r["task"], []).append(r)
    for task, group in tasks.items():
        unit = group[0]["unit"]
        base = next((r for r in group if r["contender"] == "oneid" and r["status"] == "ok"), None)
        out += [f"**{cell(task)}**", "",
                f"| contender | wall | CPU | {unit}/s | peak RSS rise | bytes / {singular(unit)} | "
                "time / oneid's | result |",
                "|---|---:|---:|---:|---:|---:|---:|---|"]
        for r in group:
            if r["status"] != "ok":
                why = r.get("error") or r.get("reason") or "no reason given"
                out.append(f"| {cell(r['contender'])} | – | – | – | – | – | – | **{r['status']}**: {cell(why)} |")
                continue
            cpu = fmt_seconds(r["cpu_seconds"]) if r.get("cpu_seconds") is not None else "–"
            peak = r.get("peak_bytes")
            mem = f"{peak / 2**20:,.1f} MiB" if peak is not None else "–"
            per = f"{peak / r['records']:,.0f}" if peak is not None and r["records"] else "–"
            rate = fmt_rate(r["records"] / r["seconds"]).removesuffix("/s") if r["seconds"] > 0 else "–"
            rel = "1 (reference)" if r is base else (fmt_ratio(r["seconds"] / base["seconds"]) if base else "– (no oneid time)")
            out.append(f"| {cell(r['contender'])} | {fmt_seconds(r['seconds'])} | {cpu} | {rate} | {mem} | {per} | "
                       f"{rel} | {cell(r.get('check', ''))} |")
        out.append("")
    return out


# ------------------------------------------------------------------------------------------------
# Aims: what the layer docs promise, checked against this run's figures


def find(rows: list[dict[str, Any]], layer: str, task_prefix: str, contender: str) -> dict[str, Any] | None:
    for r in rows:
        if r["layer"] == layer and r["task"].startswith(task_prefix) and r["contender"] == contender:
            return r
    return None


def accounts_of(b: dict[str, Any]) -> int:
    m = re.search(r"accounts:(\d+)", b["name"])
    return int(m.group(1)) if m else 0


def ok(r: dict[str, Any] | None) -> bool:
    return r is not None and r["status"] == "ok"


def aims(rows: list[dict[str, Any]], cpp: dict[str, dict[str, Any]], layers: list[str]) -> list[tuple[str, str, str]]:
    """(aim, measured in this run, verdict) for every aim of the selected layers."""
    out: list[tuple[str, str, str]] = []
    NOT = "**not measured**"

    def speed_aim(text, layer, prefix, peer_prefix, at_least):
        one = find(rows, layer, prefix, "oneid")
        peer = next((r for r in rows if r["layer"] == layer and r["task"].startswith(prefix)
                     and r["contender"].startswith(peer_prefix)), None)
        if ok(one) and ok(peer):
            x = peer["seconds"] / one["seconds"]
            out.append((text, f"{one['task']}: oneid {fmt_seconds(one['seconds'])}, {peer['contender']} "
                              f"{fmt_seconds(peer['seconds'])}: {peer['contender']} takes {fmt_ratio(x)} oneid's time",
                        "met" if x >= at_least else "**NOT met**"))
        else:
            why = [f"{w}: {r['status']} ({r.get('error') or r.get('reason')})" for w, r in (("oneid", one), ("peer", peer))
                   if r is not None and r["status"] != "ok"]
            out.append((text, f"{prefix}: " + ("; ".join(why) or "no such row in this run"), NOT))

    if "identity" in layers:
        resolve = [b for b in cpp.get("identity_resolver_benchmark", {}).get("benchmarks", [])
                   if b["name"].startswith("BM_ResolveAccounts") and "resolver_bytes_per_identifier" in b]
        text = f"Resolver state under {TARGET_BYTES_PER_IDENTIFIER} bytes per identifier (C++)"
        if resolve:
            worst = max(b["resolver_bytes_per_identifier"] for b in resolve)
            out.append((text, "; ".join(f"{accounts_of(b):,} accounts: {b['resolver_bytes_per_identifier']:.1f}"
                                        for b in resolve if "threads:2" not in b["name"]),
                        "met" if worst < TARGET_BYTES_PER_IDENTIFIER else "**NOT met**"))
        else:
            out.append((text, "BM_ResolveAccounts did not run", NOT))
        def threads_of(b: dict[str, Any]) -> int:
            t = re.search(r"threads:(\d+)", b["name"])
            return int(t.group(1)) if t else 1

        if resolve:
            worst_peak = max(b["peak_rss_bytes_per_identifier"] for b in resolve)
            out.append(("Peak during the batch at most 150 bytes per identifier (C++)",
                        "; ".join(f"{accounts_of(b):,} accounts, {threads_of(b)} thread(s): "
                                  f"{b['peak_rss_bytes_per_identifier']:.1f}" for b in resolve),
                        "met" if worst_peak <= 150 else "**NOT met**"))
            for threads, aim in ((2, 1.5e6), (1, 0.8e6)):
                at = [b for b in resolve if threads_of(b) == threads and accounts_of(b) >= 10_000_000]
                text = f"At least {aim / 1e6:g}M accounts/s at 10M accounts on {threads} thread(s) (C++)"
                if at:
                    rate = at[0]["accounts_per_second"]
                    out.append((text, f"{fmt_rate(rate)} accounts/s", "met" if rate >= aim else "**NOT met**"))
                else:
                    out.append((text, "BM_ResolveAccounts at 10M did not run", NOT))
        micro = [b for b in cpp.get("identity_resolver_benchmark", {}).get("benchmarks", [])
                 if b["name"].startswith("BM_MicroBatches") and "median_ms" in b]
        text = "A 1,000-account batch into a large state: median at most 5 ms, worst at most 10 ms (C++)"
        if micro:
            big = max(micro, key=accounts_of)
            out.append((text, f"{accounts_of(big):,}-account state: median {big['median_ms']:.2f} ms, worst "
                              f"{big['worst_ms']:.2f} ms (CPU: median {big['median_cpu_ms']:.2f} ms, worst "
                              f"{big['worst_cpu_ms']:.2f} ms)",
                        "met" if big["median_ms"] <= 5 and big["worst_ms"] <= 10 else "**NOT met**"))
        else:
            out.append((text, "BM_MicroBatches did not run", NOT))
        sizes = sorted({r["records"] for r in rows if r["layer"] == "identity"})
        for size in sizes[-1:] or [1_000_000]:
            speed_aim("Faster than the pandas + scipy route by a wide margin (2x or more counted as wide)",
                      "identity", f"resolve {size:,} accounts", "scipy", 2.0)
    if "profile" in layers:
        speed_aim("At least as fast as DuckDB", "profile", "profiles from", "DuckDB", 1.0)
        speed_aim("Many times faster than pandas (5x or more counted as many)", "profile", "profiles from", "pandas", 5.0)
    if "clv" in layers:
        one = find(rows, "clv", "BG/NBD fit, simulated 1,000,000", "oneid")
        text = "BG/NBD fit on 1M customers in under a second (Python, oneid.BetaGeo().fit)"
        if ok(one):
            out.append((text, fmt_seconds(one["seconds"]), "met" if one["seconds"] < 1 else "**NOT met**"))
        else:
            out.append((text, "no 1M BG/NBD row in this run" if one is None else f"oneid {one['status']}", NOT))
        speed_aim("BG/NBD 100x faster than lifetimes on 1M customers", "clv", "BG/NBD fit, simulated 1,000,000",
                  "lifetimes", 100.0)
    if "segment" in layers:
        km = [r for r in rows if r["layer"] == "segment" and r["task"].startswith("k-means")]
        tasks = sorted({r["task"] for r in km}, key=[r["task"] for r in km].index)
        text = "k-means at least as fast as scikit-learn at equal inertia"
        if not tasks:
            out.append((text, "no k-means rows in this run", NOT))
        for task in tasks:
            one, sk = find(km, "segment", task, "oneid"), find(km, "segment", task, "scikit-learn")
            if ok(one) and ok(sk) and "inertia" in one and "inertia" in sk:
                x = sk["seconds"] / one["seconds"]
                equal = abs(one["inertia"] / sk["inertia"] - 1) <= 1e-3
                out.append((text, f"{task}: scikit-learn takes {fmt_ratio(x)} oneid's time; inertia ratio "
                                  f"{one['inertia'] / sk['inertia']:.4f}",
                            "met" if x >= 1 and equal else "**NOT met**"))
            else:
                out.append((text, f"{task}: a contender failed", NOT))
    return out


# ------------------------------------------------------------------------------------------------
# The page


def generate(results: str) -> tuple[str, list[str]]:
    """(page, problems). Problems are also in the page; the caller prints them."""
    machine = load(os.path.join(results, "machine.json"))
    steps = read_steps(results)
    layers = [l for l in machine.get("layers", list(LAYERS)) if l in LAYERS]
    problems: list[str] = []
    cpp: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    versions: dict[str, str] = {}
    by_layer: dict[str, list[tuple[dict[str, Any], Any, str | None]]] = {}
    for step in steps:
        data, problem = load_step(results, step)
        if problem:
            problems.append(f"{step['layer']}: `{step['name']}` {problem}")
        if data is not None and step["kind"] == "cpp":
            cpp[step["name"]] = data
        elif data is not None and step["kind"] == "python":
            step_rows = data.get("rows")
            if step_rows is None:
                problems.append(f"{step['layer']}: `{step['name']}` wrote no rows (old format?)")
                step_rows = []
            rows += step_rows
            versions.update(data.get("versions", {}))
        by_layer.setdefault(step["layer"], []).append((step, data, problem))
    skips: list[str] = []
    for r in rows:
        if r["status"] == "skipped":
            skips.append(f"{r['layer']}: {r['contender']} on \"{r['task']}\": {r.get('reason')}")
        elif r["status"] != "ok":
            problems.append(f"{r['layer']}: {r['contender']} {r['status']} on \"{r['task']}\": "
                            f"{r.get('error') or r.get('reason')}")
    for layer in layers:
        if layer not in by_layer:
            problems.append(f"{layer}: selected but no step of it ran")

    comps = comparisons(rows)
    aim_rows = aims(rows, cpp, layers)
    ctx = next((c["context"] for c in cpp.values() if "context" in c), {})
    quick = machine.get("quick", False)
    lines = ["# Benchmarks", "",
             "<!-- Generated by scripts/bench.sh (scripts/bench_report.py) from build/bench/results/. "
             "Do not edit by hand: re-run the script. -->", ""]
    if quick:
        lines += ["> **Quick run** (`scripts/bench.sh --quick`): smaller sizes to check the pipeline. "
                  "Its ratios are of this run, but small sizes favour fixed costs; the full run is the reference.", ""]
    lines += [f"Measured {machine['date']} on {machine['cpu_model']}, {machine['nproc']} cores "
              f"({ctx.get('mhz_per_cpu', '?')} MHz), {machine['memory_kib'] / 2**20:.0f} GiB RAM, "
              f"{machine['kernel']}, {machine['compiler']}, oneid {machine['git']}; "
              f"layers: {', '.join(layers)}; {machine.get('python_oneid', 'oneid package: ?')}. "
              f"Load average {machine['load_before']} before the run and {machine.get('load_after', '?')} after, "
              f"on {machine['nproc']} cores: the machine may be shared, so wall times include waiting for a core "
              "when the load is above the core count (CPU times, where given, are steadier). "
              f"The run took {sum(s['seconds'] for s in steps) / 60:.1f} minutes of benchmarks.", ""]
    if machine.get("load_warning"):
        lines += [f"**Note:** {machine['load_warning']}", ""]

    lines += ["## Problems in this run", ""]
    lines += [f"- {cell(p)}" for p in problems] or ["None: every step ran and every contender that was meant to run "
                                                    "produced a result."]
    if skips:
        lines += ["", "## Not run by design", "",
                  "Contenders left out at sizes where they take minutes (the flags of each script raise the limits):", ""]
        lines += [f"- {cell(s)}" for s in skips]
    lines += ["", "## Aims", "",
              "The aims stated in the layer docs, checked against this run's figures.", "",
              "| aim | measured in this run | verdict |", "|---|---|---|"]
    lines += [f"| {cell(a)} | {cell(m)} | {v} |" for a, m, v in aim_rows]
    lines += ["", "## oneid against its peers (Python, same run, same data)", "",
              "*peer / oneid* is the peer's wall time over oneid's on the same task in this run: above 1, "
              "oneid is faster.", "",
              "| layer | task | peer | oneid | peer | peer / oneid | oneid is | CPU peer / oneid | peak RSS peer / oneid |",
              "|---|---|---|---:|---:|---:|---|---:|---:|"]
    for c in comps:
        if "problem" in c:
            lines.append(f"| {c['layer']} | {cell(c['task'])} | {cell(c['peer'])} | – | – | – | – | – | "
                         f"**no ratio**: {cell(c['problem'])} |")
            continue
        lines.append(f"| {c['layer']} | {cell(c['task'])} | {cell(c['peer'])} | {fmt_seconds(c['oneid']['seconds'])} | "
                     f"{fmt_seconds(c['row']['seconds'])} | **{fmt_ratio(c['time_ratio'])}** | {faster(c['time_ratio'])} | "
                     f"{fmt_ratio(c['cpu_ratio']) if 'cpu_ratio' in c else '–'} | "
                     f"{fmt_ratio(c['memory_ratio']) if 'memory_ratio' in c else '–'} |")
    if not comps:
        lines.append("| – | no Python comparison produced rows in this run | | | | | | | |")
    lines += ["", "Versions: " + (", ".join(f"{k} {v}" for k, v in sorted(versions.items())) or "unknown") + ".", "",
              "*peak RSS rise* is the rise of the process's peak resident set (VmHWM, reset through "
              "`/proc/self/clear_refs`) over its resident set just before the contender ran: native memory "
              "included, the input data excluded. Identity runs each contender in a fresh process; the other "
              "comparisons run contenders one after another in one process, so memory a previous contender "
              "left to the allocator can make a later rise smaller, so *peak RSS peer / oneid* is given only "
              "where both ran in fresh processes.", ""]

    for layer in layers:
        title, doc = LAYERS[layer]
        lines += [f"## {title}", "", f"Design and analysis: [{doc}]({doc}).", ""]
        for step, data, problem in by_layer.get(layer, []):
            if problem:
                lines += [f"`{step['name']}` **failed**: {cell(problem)}", ""]
            if data is None:
                continue
            if step["kind"] == "cpp":
                lines += [f"### C++: `{step['name']}`", ""]
                if layer == "identity":
                    special, _ = identity_cpp_sections(data)
                    lines += [ln.replace("## ", "#### ", 1) if ln.startswith("## ") else ln for ln in special]
                    table = cpp_table(data, IDENTITY_FAMILIES)
                else:
                    table = cpp_table(data, set())
                lines += table + ([""] if table else [])
            else:
                lines += [f"### Python: `benchmarks/python/{data.get('script', step['name'])}`", ""]
                lines += python_tables([r for r in data.get("rows", []) if r["layer"] == layer])
    lines += ["## Reproduce", "", "```sh",
              "scripts/bench.sh                          # everything (about 30 minutes on 2 cores)",
              "scripts/bench.sh --quick                  # a few minutes: checks the pipeline",
              "scripts/bench.sh --layers identity,clv    # some layers only",
              "ONEID_BENCH_PYTHONPATH=/tmp/bench-py scripts/bench.sh   # a private build of the Python package",
              "```", "",
              f"Raw results: `build/bench/results/` ({', '.join(sorted({s['result'] for s in steps if s['result']})) or 'none'}).", ""]
    return "\n".join(lines), problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", required=True, help="the run's results folder (build/bench/results)")
    parser.add_argument("--out", required=True, help="the Markdown page to write")
    args = parser.parse_args()
    page, problems = generate(args.results)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(page)
    os.replace(tmp, args.out)
    for p in problems:
        print(f"bench_report: {p}", file=sys.stderr)


if __name__ == "__main__":
    main()
