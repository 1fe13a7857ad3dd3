"""Segment layer against the Python stack, in one run on the same data.

  PYTHONPATH=build/segment/python python3 benchmarks/python/bench_segment.py [--rows 10000000] [--kmeans-rows 1000000]

1. Audience evaluation over N profiles: oneid.Audience(...).evaluate(df) (conversion of the three
   columns it reads included) and the compiled C++ call alone, against the same filter as a NumPy
   expression over the frame's columns and as pandas DataFrame.eval.
2. k-means on M x 20 blobs (k = 8) against scikit-learn's KMeans (Lloyd), with the same thread
   count for both (threadpoolctl limits scikit-learn's OpenMP pool):
   a) both from the same initial centres: identical Lloyd iterations, so equal inertia, and the
      time ratio is the cost of the iterations alone;
   b) both with their own k-means++ start (n_init=1): time and inertia side by side.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import oneid
from oneid import _core  # noqa: F401
import importlib

segment_module = importlib.import_module("oneid.segment")


def best_of(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def bench_audience(rows: int) -> list[tuple[str, str]]:
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
    expr = "monetary_score >= 4 and p_alive < 0.3 and channel_count >= 2"
    audience = oneid.Audience(expr)
    t_oneid, mask = best_of(lambda: audience.evaluate(df), 3)
    columns = segment_module._columns(df, audience.columns)
    t_core, core_mask = best_of(lambda: audience._compiled.evaluate(rows, columns), 3)
    t_numpy, np_mask = best_of(
        lambda: (df["monetary_score"].to_numpy() >= 4) & (df["p_alive"].to_numpy() < 0.3)
        & (df["channel_count"].to_numpy() >= 2),
        3,
    )
    t_pandas, pd_mask = best_of(lambda: df.eval("monetary_score >= 4 and p_alive < 0.3 and channel_count >= 2"), 3)
    assert np.array_equal(mask, np_mask) and np.array_equal(core_mask, np_mask)
    assert np.array_equal(pd_mask.to_numpy(), np_mask)
    out = []
    for name, t in [("oneid.Audience.evaluate(df)", t_oneid), ("compiled C++ evaluate (columns converted)", t_core),
                    ("NumPy expression", t_numpy), ("pandas DataFrame.eval", t_pandas)]:
        out.append((f"audience, {rows:,} rows: {name}", f"{t * 1e3:.1f} ms, {rows / t / 1e6:.0f} M rows/s"))
    return out


def blobs(n: int, d: int, k: int) -> np.ndarray:
    rng = np.random.default_rng(1)
    centres = rng.normal(0, 4, size=(k, d))
    return centres[rng.integers(0, k, n)] + rng.normal(0, 1, size=(n, d))


def bench_kmeans(rows: int, threads: int) -> list[tuple[str, str]]:
    from sklearn.cluster import KMeans as SkKMeans
    from threadpoolctl import threadpool_limits

    x = blobs(rows, 20, 8)
    xf = np.asfortranarray(x)
    init = x[np.random.default_rng(0).choice(rows, 8, replace=False)]
    out = []
    with threadpool_limits(limits=threads):
        t_sk, sk = best_of(lambda: SkKMeans(8, init=init, n_init=1, algorithm="lloyd", tol=1e-4).fit(x), 2)
        t_us, us = best_of(lambda: oneid.KMeans(8, standardize=False, init=init, threads=threads, tol=1e-4).fit(xf), 2)
        out.append((f"k-means {rows:,} x 20, k=8, same start, {threads} thread(s)",
                    f"oneid {t_us:.2f} s ({us.n_iter_} it, inertia {us.inertia_:.6g}) vs scikit-learn {t_sk:.2f} s "
                    f"({sk.n_iter_} it, inertia {sk.inertia_:.6g}); time ratio oneid/sklearn {t_us / t_sk:.2f}"))
        t_sk, sk = best_of(lambda: SkKMeans(8, n_init=1, random_state=0, algorithm="lloyd").fit(x), 2)
        t_us, us = best_of(lambda: oneid.KMeans(8, n_init=1, seed=0, standardize=False, threads=threads).fit(xf), 2)
        out.append((f"k-means {rows:,} x 20, k=8, own k-means++ start, {threads} thread(s)",
                    f"oneid {t_us:.2f} s (inertia {us.inertia_:.6g}) vs scikit-learn {t_sk:.2f} s "
                    f"(inertia {sk.inertia_:.6g}); time ratio {t_us / t_sk:.2f}, inertia ratio {us.inertia_ / sk.inertia_:.4f}"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--kmeans-rows", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    rows = bench_audience(args.rows)
    for t in args.threads:
        rows += bench_kmeans(args.kmeans_rows, t)
    print("| measurement | result |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
