#!/usr/bin/env python3
"""End-to-end identity resolution from raw strings: oneid against what an analyst would write.

Contenders, all given the same DataFrame of raw strings (``account_id``, ``source``, ``phone``,
``email``, ``unionid``; three identifiers per account, ~2.5 accounts per person):

  oneid     ``oneid.Resolver().add_batch(df)`` then ``.oneids_of(df["account_id"])`` (one OneID
            per row, like the others' labels): libphonenumber-backed phone normalisation, email
            normalisation, merge guards, OneIDs. With pyarrow installed pandas keeps the strings in
            Arrow buffers, which oneid reads without a Python object per cell.
  scipy     the analyst route: normalise with pandas string ops (phone: drop non-digits and a
            leading 86/0086; email: strip + lower; unionid: strip), ``pd.factorize`` over all
            values, a sparse account x value bipartite matrix and
            ``scipy.sparse.csgraph.connected_components``.
  networkx  the same normalisation, then ``networkx.connected_components`` on the bipartite
            graph (integer nodes, which is kind to networkx). Slow and memory-hungry, so it runs
            only at sizes up to ``--networkx-max`` (100,000 by default).

Each contender runs in a fresh subprocess that builds the data (deterministically, from the seed;
not timed), then times only its own work. Peak memory is the rise of the subprocess's peak
resident set over its resident set just before the contender starts (VmHWM after resetting it
through /proc/self/clear_refs; ``ru_maxrss`` where that is not possible), so it covers native
memory that tracemalloc cannot see and excludes the input DataFrame.

The contenders do not compute the same thing exactly (oneid validates phone numbers and applies
merge guards; the analyst route links any equal strings), so the script reports each one's number
of components and whether the partitions are identical, next to the true number of persons.

  python benchmarks/python/bench_identity.py                       # 1M accounts
  python benchmarks/python/bench_identity.py --sizes 100000,1000000 --json out.json
  python benchmarks/python/bench_identity.py --quick --json out.json  # 100k accounts only

The JSON holds the raw results and, under "rows", the same figures in scripts/bench_report.py's
format (benchmarks/python/benchrows.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from typing import Any

import numpy as np
import pandas as pd

import benchrows  # noqa: E402  (this folder is on sys.path when run as a script)

CONTENDERS = ("oneid", "scipy", "networkx")

# ---------------------------------------------------------------------------------------------
# Data: the same shape as benchmarks/identity/resolver_benchmark.cc (not byte-identical).
# ---------------------------------------------------------------------------------------------

MOBILE_PREFIXES = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152,
                            155, 156, 158, 159, 177, 180, 182, 183, 186, 187, 188, 189], dtype=np.uint64)
MAIL_DOMAINS = np.array(["qq.com", "163.com", "126.com", "gmail.com", "outlook.com", "sina.com"], dtype=object)
SOURCES = np.array(["pos", "tmall", "jd", "douyin", "miniprogram", "wecom", "app"], dtype=object)
ID_PREFIXES = np.array(["pos:", "tm:", "jd:", "dy:", "mp:", "wc:", "app:"], dtype=object)
ALPHABET = np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", dtype=np.uint8)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


def _phone(digits: str, style: int) -> str:
    if style == 0:
        return digits                                                   # 13800138000
    if style == 1:
        return f"{digits[:3]} {digits[3:7]} {digits[7:]}"               # 138 0013 8000
    if style == 2:
        return f"+86 {digits}"                                          # +86 13800138000
    if style == 3:
        return f"0086-{digits[:3]}-{digits[3:7]}-{digits[7:]}"          # 0086-138-0013-8000
    return f"+86-{digits[:3]}-{digits[3:7]}-{digits[7:]}"               # +86-138-0013-8000


def _email_variant(email: str, variant: int) -> str:
    if variant == 0:
        return email
    if variant == 1:
        return email.upper()
    if variant == 2:
        return f"  {email} "
    local, domain = email.split("@")
    return f"{local}@{domain[:1].upper()}{domain[1:]}"


def make_accounts(n: int, seed: int = 42) -> tuple[pd.DataFrame, np.ndarray]:
    """`n` accounts with three identifiers each and their true owners. Deterministic in `seed`."""
    rng = np.random.default_rng(seed)
    # Person p has 1 + Geometric extra accounts (mean 2.5), at most 12.
    per_person = np.minimum(rng.geometric(0.4, size=n), 12)
    people = int(np.searchsorted(np.cumsum(per_person), n) + 1)
    owner = np.repeat(np.arange(people, dtype=np.uint64), per_person[:people])[:n]
    owner = owner[rng.permutation(n)]
    row = np.arange(n, dtype=np.uint64)

    channel = rng.integers(0, len(SOURCES), size=n)
    source = SOURCES[channel]
    account_id = ID_PREFIXES[channel] + (row + np.uint64(100000000)).astype(str).astype(object)

    phone_id = np.uint64(2) * owner + (rng.random(n) < 0.15).astype(np.uint64)
    k = np.uint64(len(MOBILE_PREFIXES))
    subscriber = ((phone_id // k + np.uint64(1)) * np.uint64(48271)) % np.uint64(100000000)
    number = MOBILE_PREFIXES[(phone_id % k).astype(np.intp)] * np.uint64(100000000) + subscriber
    style = np.where(rng.random(n) < 0.30, rng.integers(1, 5, size=n), 0)
    phone = np.array([_phone(d, s) for d, s in zip(number.astype(str).tolist(), style.tolist())], dtype=object)

    with np.errstate(over="ignore"):
        local = np.uint64(10000) + ((owner * np.uint64(2654435761)) & np.uint64((1 << 40) - 1))
    person_email = local.astype(str).astype(object) + "@" + MAIL_DOMAINS[(owner % np.uint64(6)).astype(np.intp)]
    variant = np.where(rng.random(n) < 0.10, rng.integers(1, 4, size=n), 0)
    own = rng.random(n) < 0.75
    email = np.empty(n, dtype=object)
    idx = np.flatnonzero(own)
    email[idx] = [_email_variant(e, v) for e, v in zip(person_email[idx].tolist(), variant[idx].tolist())]
    idx = np.flatnonzero(~own)
    email[idx] = "r" + (row[idx] + np.uint64(100000000)).astype(str).astype(object) + "@relay.example.net"

    # 28-character WeChat-style UnionID: "o", six characters spelling the person, 21 of noise.
    chars = np.empty((n, 28), dtype=np.uint8)
    chars[:, 0] = ord("o")
    with np.errstate(over="ignore"):  # an odd multiplier mod 2^36 is a bijection: ids stay distinct
        spelled = (owner * np.uint64(0x9E3779B1)) & np.uint64((1 << 36) - 1)
    for j in range(6):
        chars[:, 1 + j] = ALPHABET[((spelled >> np.uint64(6 * j)) & np.uint64(63)).astype(np.intp)]
    h = _splitmix64(owner ^ np.uint64(0x756E696F6E6964))
    h2 = _splitmix64(h)
    for j in range(21):
        word, shift = (h, 6 * j) if j < 10 else (h2, 6 * (j - 10))
        chars[:, 7 + j] = ALPHABET[((word >> np.uint64(shift)) & np.uint64(63)).astype(np.intp)]
    unionid = chars.view("S28").ravel().astype(str).astype(object)

    df = pd.DataFrame({"account_id": account_id, "source": source, "phone": phone, "email": email,
                       "unionid": unionid})
    return df, owner.astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Contenders. Each returns one component label per row of `df`.
# ---------------------------------------------------------------------------------------------


def run_oneid(df: pd.DataFrame) -> tuple[np.ndarray, dict[str, Any]]:
    import oneid

    resolver = oneid.Resolver()
    report = resolver.add_batch(df)
    # One OneID per row of df, like the other contenders' labels: oneids_of reads the account id
    # column as it is (Arrow buffers when pandas keeps strings in Arrow) and builds no Python str.
    labels = resolver.oneids_of(df["account_id"])
    extra = {"links_refused": int(report.links_refused), "values_junk": int(report.values_junk),
             "values_blocklisted": int(report.values_blocklisted),
             "rows_rejected": int(report.rows_rejected), "fields_rejected": int(report.fields_rejected)}
    return labels, extra


def analyst_edges(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int]:
    """What an analyst writes to normalise and number the identifier values: pandas string ops
    and one pd.factorize over all values. Returns (account row, value code, number of values)."""
    phone = (df["phone"].str.replace(r"\D", "", regex=True)
             .str.replace(r"^(?:00)?86(?=1\d{10}$)", "", regex=True))
    email = df["email"].str.strip().str.lower()
    unionid = df["unionid"].str.strip()
    # Values of different types cannot collide in this data (digits / has '@' / 28-char token),
    # so no type prefix is needed.
    values = pd.concat([phone, email, unionid], ignore_index=True)
    rows = np.tile(np.arange(len(df), dtype=np.int64), 3)
    keep = (values.notna() & (values != "")).to_numpy()
    codes, uniques = pd.factorize(values[keep])
    return rows[keep], codes.astype(np.int64), len(uniques)


def run_scipy(df: pd.DataFrame) -> tuple[np.ndarray, dict[str, Any]]:
    import scipy.sparse
    from scipy.sparse.csgraph import connected_components

    rows, codes, n_values = analyst_edges(df)
    n = len(df)
    size = n + n_values
    graph = scipy.sparse.csr_matrix((np.ones(len(rows), dtype=np.int8), (rows, n + codes)), shape=(size, size))
    _, labels = connected_components(graph, directed=False)
    result = pd.DataFrame({"account_id": df["account_id"], "person": labels[:n]})
    return result["person"].to_numpy(), {"values": int(n_values)}


def run_networkx(df: pd.DataFrame) -> tuple[np.ndarray, dict[str, Any]]:
    import networkx as nx

    rows, codes, n_values = analyst_edges(df)
    n = len(df)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(rows.tolist(), (codes + n).tolist()))
    labels = np.empty(n, dtype=np.int64)
    for k, component in enumerate(nx.connected_components(graph)):
        members = np.fromiter((v for v in component if v < n), dtype=np.int64)
        labels[members] = k
    result = pd.DataFrame({"account_id": df["account_id"], "person": labels})
    return result["person"].to_numpy(), {"values": int(n_values)}


RUNNERS = {"oneid": run_oneid, "scipy": run_scipy, "networkx": run_networkx}

# ---------------------------------------------------------------------------------------------
# Memory.
# ---------------------------------------------------------------------------------------------


# /proc readers shared with the other comparisons.
_status_kib = benchrows._status_kib
_reset_peak = benchrows._reset_peak


def _maxrss_kib() -> int:
    r = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return r // 1024 if sys.platform == "darwin" else r


def child(contender: str, size: int, seed: int, labels_out: str) -> None:
    df, _ = make_accounts(size, seed)
    runner = RUNNERS[contender]
    if contender == "oneid":
        import oneid  # noqa: F401  (import time is not the contender's work)
    else:
        import scipy.sparse.csgraph  # noqa: F401
        if contender == "networkx":
            import networkx  # noqa: F401
    gc.collect()
    peak_reset = _reset_peak()
    rss_before = _status_kib("VmRSS") if peak_reset else _maxrss_kib()
    start = time.perf_counter()
    labels, extra = runner(df)
    seconds = time.perf_counter() - start
    peak = _status_kib("VmHWM") if peak_reset else _maxrss_kib()
    np.save(labels_out, np.asarray(labels, dtype=np.int64))
    print(json.dumps({"contender": contender, "size": size, "seconds": seconds,
                      "peak_bytes": max(0, (peak or 0) - (rss_before or 0)) * 1024,
                      "peak_method": "VmHWM-reset" if peak_reset else "ru_maxrss",
                      "components": int(len(np.unique(labels))), **extra}))


# ---------------------------------------------------------------------------------------------
# Driver.
# ---------------------------------------------------------------------------------------------


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = len(pd.MultiIndex.from_arrays([a, b]).unique())
    return pairs == len(np.unique(a)) == len(np.unique(b))


def versions() -> dict[str, str]:
    out = {"python": platform.python_version(), "numpy": np.__version__, "pandas": pd.__version__}
    for name in ("scipy", "networkx", "pyarrow", "oneid"):
        try:
            out[name] = __import__(name).__version__
        except Exception as e:  # noqa: BLE001  (report, never fail, on a missing contender)
            out[name] = f"unavailable ({type(e).__name__})"
    return out


def run(sizes: list[int], contenders: list[str], networkx_max: int, seed: int) -> dict[str, Any]:
    results: list[dict[str, Any]] = []
    truth_persons: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            _, owner = make_accounts(size, seed) if size <= 2_000_000 else (None, None)
            if owner is not None:
                truth_persons[size] = int(len(np.unique(owner)))
            labels: dict[str, np.ndarray] = {}
            for contender in contenders:
                if contender == "networkx" and size > networkx_max:
                    results.append({"contender": contender, "size": size, "skipped":
                                    f"networkx runs only up to {networkx_max:,} accounts (--networkx-max)"})
                    continue
                out = os.path.join(tmp, f"{contender}-{size}.npy")
                cmd = [sys.executable, os.path.abspath(__file__), "--child", contender, "--sizes", str(size),
                       "--seed", str(seed), "--labels-out", out]
                print(f"  {contender} at {size:,} accounts ...", file=sys.stderr, flush=True)
                proc = subprocess.run(cmd, capture_output=True, text=True)
                if proc.returncode != 0:
                    results.append({"contender": contender, "size": size,
                                    "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]})
                    print(proc.stderr, file=sys.stderr)
                    continue
                r = json.loads(proc.stdout.strip().splitlines()[-1])
                r["accounts_per_second"] = size / r["seconds"]
                r["peak_bytes_per_account"] = r["peak_bytes"] / size
                labels[contender] = np.load(out)
                results.append(r)
            # Ratios against oneid, and agreement between partitions.
            base = next((r for r in results if r["size"] == size and r["contender"] == "oneid" and "seconds" in r), None)
            for r in results:
                if r["size"] != size or "seconds" not in r:
                    continue
                if base is not None:
                    r["time_vs_oneid"] = r["seconds"] / base["seconds"]
                    r["memory_vs_oneid"] = r["peak_bytes"] / base["peak_bytes"] if base["peak_bytes"] else None
                if "oneid" in labels and r["contender"] != "oneid":
                    r["same_partition_as_oneid"] = same_partition(labels["oneid"], labels[r["contender"]])
                if owner is not None:
                    r["same_partition_as_truth"] = same_partition(owner, labels[r["contender"]])
    return {"sizes": sizes, "seed": seed, "true_persons": truth_persons, "versions": versions(),
            "results": results}


def markdown(report: dict[str, Any]) -> str:
    lines = ["| accounts | contender | seconds | accounts/s | peak memory (MiB) | bytes/account | "
             "time vs oneid | components | true persons | same partition as oneid |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in report["results"]:
        size = r["size"]
        persons = report["true_persons"].get(size, report["true_persons"].get(str(size)))
        persons = f"{persons:,}" if isinstance(persons, int) else "–"  # not computed above 2M accounts
        if "seconds" not in r:
            why = r.get("skipped") or f"failed: {r.get('error')}"
            lines.append(f"| {size:,} | {r['contender']} | – | – | – | – | – | – | {persons} | {why} |")
            continue
        same = {True: "yes", False: "no"}.get(r.get("same_partition_as_oneid"), "–")
        ratio = f"{r['time_vs_oneid']:.1f}x" if "time_vs_oneid" in r else "–"
        lines.append(f"| {size:,} | {r['contender']} | {r['seconds']:.2f} | {r['accounts_per_second']:,.0f} | "
                     f"{r['peak_bytes'] / 2**20:,.0f} | {r['peak_bytes_per_account']:,.0f} | {ratio} | "
                     f"{r['components']:,} | {persons} | {same} |")
    return "\n".join(lines)


def as_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The results as benchrows rows: one task per size; the partition checks as each row's check."""

    out = []
    for r in report["results"]:
        size = r["size"]
        task = f"resolve {size:,} accounts from raw strings"
        who = r["contender"]
        if "seconds" not in r:
            out.append(benchrows.skipped("identity", task, size, "accounts", who, r["skipped"]) if "skipped" in r
                       else benchrows.failed("identity", task, size, "accounts", who, r.get("error", "failed")))
            continue
        truth = report["true_persons"].get(size)
        check = f"{r['components']:,} components" + (f" (true persons {truth:,})" if truth is not None else "")
        if r.get("same_partition_as_truth") is not None:
            check += "; exactly the true persons" if r["same_partition_as_truth"] else "; not the true persons"
        if r.get("same_partition_as_oneid") is not None:
            check += "; same partition as oneid" if r["same_partition_as_oneid"] else "; partition differs from oneid's"
        out.append(benchrows.row("identity", task, size, "accounts", who, seconds=r["seconds"],
                                 peak_bytes=r["peak_bytes"], memory_isolated=True, check=check))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=None, help="comma-separated account counts (default 1000000; 100000 with --quick)")
    parser.add_argument("--quick", action="store_true", help="100,000 accounts: a check of the pipeline")
    parser.add_argument("--contenders", default=",".join(CONTENDERS))
    parser.add_argument("--networkx-max", type=int, default=100_000,
                        help="largest size networkx runs at (default 100000: it is slow)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--json", help="also write the results as JSON to this path")
    parser.add_argument("--child", choices=CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--labels-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in (args.sizes or ("100000" if args.quick else "1000000")).split(",") if s]
    if args.child:
        child(args.child, sizes[0], args.seed, args.labels_out)
        return
    contenders = [c for c in args.contenders.split(",") if c]
    for c in contenders:
        if c not in CONTENDERS:
            parser.error(f"unknown contender {c!r} (choose from {', '.join(CONTENDERS)})")
    report = run(sizes, contenders, args.networkx_max, args.seed)
    report["schema"] = "oneid-bench-rows/1"
    report["script"] = "bench_identity.py"
    report["rows"] = as_rows(report)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(report, f, indent=2)
    print(markdown(report))


if __name__ == "__main__":
    main()
