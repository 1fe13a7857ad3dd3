"""Wall-clock seconds of oneid's parameter-uncertainty intervals at scale (issue 16: 1M customers).

    PYTHONPATH=build/dev/python python3 benchmarks/python/bench_clv_intervals.py [--customers 1000000] [--clv]

Customers: ages 1..365 whole days, Poisson(2) repeat purchases, recency a whole day up to the age
(a log summarised in days; ~267k distinct histories per million). Models: BG/NBD and Pareto/NBD
fitted on CDNOW in days. Best of 2 runs for each call (wall clock and CPU); the point prediction is
timed for comparison.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd

import oneid

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


def best_of(fn, runs: int = 2) -> str:
    """Best wall-clock and CPU seconds of `runs` calls: on a shared machine the CPU time is the
    steadier figure (the calls are single-threaded)."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return f"{min(wall):.3f} s (CPU {min(cpu):.3f} s)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--clv", action="store_true", help="also time CLV and its intervals")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    n = args.customers
    T = rng.integers(1, 366, n).astype(float)
    x = rng.poisson(2, n).astype(float)
    tx = np.minimum(np.where(x > 0, np.ceil(rng.uniform(0, 1, n) * T), 0), T)
    x[tx == 0] = 0
    spend = np.where(x > 0, rng.gamma(6, 6, n), 0.0)
    cdnow = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    print(f"{n} customers, {np.unique(np.stack([x, tx, T]), axis=1).shape[1]} distinct histories")
    for model_class in (oneid.BetaGeo, oneid.ParetoNBD):
        model = model_class().fit(cdnow["x"], cdnow["t_x"] * 7, cdnow["T"] * 7)
        name = model_class.__name__
        print(f"{name} P(alive) interval: {best_of(lambda: model.conditional_probability_alive_interval(x, tx, T))}")
        print(f"{name} E[X(90)] interval: {best_of(lambda: model.conditional_expected_number_of_purchases_up_to_time_interval(90, x, tx, T))}")
        print(f"{name} E[X(90)] point:    {best_of(lambda: model.conditional_expected_number_of_purchases_up_to_time(90, x, tx, T))}")
        if args.clv:
            returning = cdnow[cdnow["x"] > 0]
            gg = oneid.GammaGamma().fit(returning["x"], returning["zbar"])
            print(f"{name} CLV interval:      {best_of(lambda: gg.customer_lifetime_value_interval(model, x, tx, T, spend), 1)}")
            print(f"{name} CLV point:         {best_of(lambda: gg.customer_lifetime_value(model, x, tx, T, spend), 1)}")


if __name__ == "__main__":
    main()
