"""Segment layer against the Python stack, in one run on the same data.

  PYTHONPATH=build/segment/python python3 benchmarks/python/bench_segment.py [--rows 10000000] [--kmeans-rows 1000000]
  python3 benchmarks/python/bench_segment.py --quick --json /tmp/segment.json      # 1M / 100k rows

1. Audience evaluation over N profiles: oneid.Audience(...).evaluate(df) (conversion of the three
   columns it reads included) and the compiled C++ call alone, against the same filter as a NumPy
   expression over the frame's columns and as pandas DataFrame.eval. All masks must be equal.
2. k-means on M x 20 blobs (k = 8) against scikit-learn's KMeans (Lloyd), with the same thread
   count for both (threadpoolctl limits scikit-learn's OpenMP pool):
   a) both from the same initial centres: identical Lloyd iterations, so equal inertia, and the
      time ratio is the cost of the iterations alone;
   b) both with their own k-means++ start (n_init=1): time and inertia side by side.
Rows (scripts/bench_report.py's format, benchmarks/python/benchrows.py) go to --json.
"""

from __future__ import annotations

import argparse
import importlib

import numpy as np
import pandas as pd

import benchrows

EXPR = "monetary_score >= 4 and p_alive < 0.3 and channel_count >= 2"


def bench_audience(rows: int) -> list[dict]:
    rng = np.random.default_rng(42)
    p = rng.random(rows)
    p[rng.random(rows) < 0.05] = np.nan
    df = pd.DataFrame(
        {
            "monetary_score": rng.integers(1, 6, rows).astype(np.float64),
            "p_alive": p,
            "channel_count": rng.integers(1, 5, rows).astype(np.float64),
        }
    )
    task = f"audience `{EXPR}`, {rows:,} profiles"
    out = []
    r_np, np_mask = benchrows.run_contender(
        "segment", task, rows, "profiles", "NumPy expression",
        lambda: (df["monetary_score"].to_numpy() >= 4) & (df["p_alive"].to_numpy() < 0.3)
        & (df["channel_count"].to_numpy() >= 2), 3)

    def same(mask) -> str:
        if np_mask is None:
            return "not compared (the NumPy reference failed)"
        if not np.array_equal(np.asarray(mask, dtype=bool), np_mask):
            raise AssertionError("mask differs from the NumPy expression's")
        return f"{int(np_mask.sum()):,} members, same mask as NumPy"

    try:
        import oneid

        audience = oneid.Audience(EXPR)
        segment_module = importlib.import_module("oneid.segment")
        r_one, _ = benchrows.run_contender("segment", task, rows, "profiles", "oneid", lambda: audience.evaluate(df),
                                           3, same)
        columns = segment_module._columns(df, audience.columns)
        r_core, _ = benchrows.run_contender("segment", task, rows, "profiles", "oneid (compiled call, columns converted)",
                                            lambda: audience._compiled.evaluate(rows, columns), 3, same)
        out += [r_one, r_core]
    except Exception as exc:  # noqa: BLE001  (oneid missing or broken: its row says so)
        out.append(benchrows.failed("segment", task, rows, "profiles", "oneid", benchrows.error_text(exc)))
    if np_mask is not None:
        r_np["check"] = f"{int(np_mask.sum()):,} members"
    out.append(r_np)
    out.append(benchrows.run_contender("segment", task, rows, "profiles", "pandas DataFrame.eval",
                                       lambda: df.eval(EXPR).to_numpy(), 3, same)[0])
    return out


def blobs(n: int, d: int, k: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    centres = rng.normal(0, 4, size=(k, d))
    return centres[rng.integers(0, k, n)] + rng.normal(0, 1, size=(n, d))


def bench_kmeans(rows: int, threads: int) -> list[dict]:
    x = blobs(rows, 20, 8)
    xf = np.asfortranarray(x)
    init = x[np.random.default_rng(0).choice(rows, 8, replace=False)]
    out = []
    try:
        from threadpoolctl import threadpool_limits

        limits = threadpool_limits(limits=threads)
    except Exception:  # noqa: BLE001  (without threadpoolctl scikit-learn uses every core; said in the task)
        limits = None
    pool = f"{threads} thread(s)" + ("" if limits is not None else ", scikit-learn unlimited (no threadpoolctl)")
    try:
        for start in ("same start", "own k-means++ start"):
            task = f"k-means {rows:,} x 20, k = 8, {start}, {pool}"

            def sk():
                from sklearn.cluster import KMeans as SkKMeans

                if start == "same start":
                    return SkKMeans(8, init=init, n_init=1, algorithm="lloyd", tol=1e-4).fit(x)
                return SkKMeans(8, n_init=1, random_state=0, algorithm="lloyd").fit(x)

            def us():
                import oneid

                if start == "same start":
                    return oneid.KMeans(8, standardize=False, init=init, threads=threads, tol=1e-4).fit(xf)
                return oneid.KMeans(8, n_init=1, seed=0, standardize=False, threads=threads).fit(xf)

            r_us, m_us = benchrows.run_contender("segment", task, rows, "rows", "oneid", us, 2)
            r_sk, m_sk = benchrows.run_contender("segment", task, rows, "rows", "scikit-learn", sk, 2)
            for r, m in ((r_us, m_us), (r_sk, m_sk)):
                if m is not None:
                    r["inertia"] = float(m.inertia_)
                    r["iterations"] = int(m.n_iter_)
                    r["check"] = f"{r['iterations']} iterations, inertia {r['inertia']:.6g}"
            if m_us is not None and m_sk is not None:
                r_sk["check"] += f" (inertia / oneid's {m_sk.inertia_ / m_us.inertia_:.4f})"
            out += [r_us, r_sk]
    finally:
        if limits is not None:
            limits.unregister()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=None, help="audience rows (default 10000000; 1000000 with --quick)")
    parser.add_argument("--kmeans-rows", type=int, default=None, help="k-means rows (default 1000000; 100000 with --quick)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a check of the pipeline")
    parser.add_argument("--json", help="write the rows here")
    args = parser.parse_args()
    rows = bench_audience(args.rows or (1_000_000 if args.quick else 10_000_000))
    benchrows.print_rows(rows)
    for t in args.threads:
        k = bench_kmeans(args.kmeans_rows or (100_000 if args.quick else 1_000_000), t)
        benchrows.print_rows(k)
        rows += k
    benchrows.write(args.json, "bench_segment.py", rows,
                    benchrows.versions("oneid", "sklearn", "threadpoolctl", "pandas", "numpy"))


if __name__ == "__main__":
    main()
