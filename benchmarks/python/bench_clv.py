#!/usr/bin/env python3
"""BG/NBD and Pareto/NBD fits: oneid against lifetimes (PyPI) and a scipy.optimize fit of the same
likelihood, on the CDNOW sample and on simulated customers, in one run.

Contenders, each given the same frequency / recency / T arrays:

  oneid     ``oneid.BetaGeo().fit(...)`` / ``oneid.ParetoNBD().fit(...)``: C++, L-BFGS (LBFGSpp)
            over log-parameters with analytic gradients, identical rows merged into weights.
  lifetimes ``lifetimes.BetaGeoFitter().fit(...)`` / ``ParetoNBDFitter().fit(...)`` (0.11.3): NumPy
            likelihood with autograd gradients (BG/NBD) or numerical ones (Pareto/NBD), scipy.
  scipy     the analyst's route: the likelihood written in NumPy/SciPy (log-parameters, the
            closed form with scipy.special.hyp2f1 for Pareto/NBD) and
            ``scipy.optimize.minimize(method="L-BFGS-B")`` with finite-difference gradients.

Every contender's log-likelihood is evaluated with oneid's likelihood at the contender's
estimate, so "same maximum" is checked on one scale (lifetimes reports its likelihood in rescaled
time). Times are wall-clock seconds of the fit call alone (data prepared beforehand), best of
``--repeat`` runs for the fast contenders, one run for slow ones.

Simulated data: histories drawn from each model with CDNOW-like parameters in days and ages of
1..365 whole days, recency rounded up to whole days (a transaction log summarised in days).

  PYTHONPATH=build/clv/python python3 benchmarks/python/bench_clv.py
  PYTHONPATH=build/clv/python python3 benchmarks/python/bench_clv.py --sizes 1000000 --lifetimes-max 1000000
"""

from __future__ import annotations

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, special

import oneid

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


# ------------------------------------------------------------------------------------------------
# Data


def cdnow() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = pd.read_csv(DATA / "cdnow_customers_summary.csv")
    return d["frequency"].to_numpy(float), d["recency"].to_numpy(float), d["T"].to_numpy(float)


def simulate(model: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    T = rng.integers(1, 366, n).astype(float)
    if model == "bgnbd":
        lam = rng.gamma(0.243, 1 / 30.9, n)
        p = rng.beta(0.793, 2.426, n)
        end = T.copy()
    else:
        lam = rng.gamma(0.553, 1 / 74.0, n)
        mu = rng.gamma(0.606, 1 / 81.7, n)
        end = np.minimum(T, rng.exponential(1 / np.maximum(mu, 1e-300)))
        p = np.zeros(n)
    lam = np.maximum(lam, 1e-300)
    x = np.zeros(n)
    tx = np.zeros(n)
    t = np.zeros(n)
    active = np.ones(n, bool)
    while active.any():
        idx = np.flatnonzero(active)
        t[idx] += rng.exponential(1 / lam[idx])
        bought = t[idx] <= end[idx]
        done = idx[~bought]
        active[done] = False
        buyers = idx[bought]
        x[buyers] += 1
        tx[buyers] = t[buyers]
        if model == "bgnbd":
            dropped = buyers[rng.random(buyers.size) < p[buyers]]
            active[dropped] = False
    tx = np.where(x > 0, np.minimum(T, np.maximum(1.0, np.ceil(tx))), 0.0)
    return x, tx, T


# ------------------------------------------------------------------------------------------------
# scipy: the same likelihoods written in NumPy


def bgnbd_nll(log_params: np.ndarray, x, tx, T) -> float:
    r, alpha, a, b = np.exp(log_params)
    a1 = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    a2 = special.gammaln(a + b) + special.gammaln(b + x) - special.gammaln(b) - special.gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300)) - (r + x) * np.log(alpha + tx), -np.inf)
    return -np.sum(a1 + a2 + np.logaddexp(a3, a4)) / len(x)


def pnbd_nll(log_params: np.ndarray, x, tx, T) -> float:
    r, alpha, s, beta = np.exp(log_params)
    maxab = max(alpha, beta)
    absab = abs(alpha - beta)
    param2 = s + 1 if alpha >= beta else r + x
    rsx = r + s + x
    with np.errstate(all="ignore"):
        f1 = special.hyp2f1(rsx, param2, rsx + 1, absab / (maxab + tx))
        f2 = special.hyp2f1(rsx, param2, rsx + 1, absab / (maxab + T))
        a0 = np.log(f1) - rsx * np.log(maxab + tx)
        a1 = np.log(f2) - rsx * np.log(maxab + T)
        a2 = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
        tail = np.log(s) - np.log(rsx) + a0 + np.log1p(-np.exp(a1 - a0))
        ll = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta) + np.logaddexp(a2, tail)
    value = -np.sum(ll) / len(x)
    return value if np.isfinite(value) else 1e10


def scipy_fit(model: str, x, tx, T) -> dict[str, float]:
    nll = bgnbd_nll if model == "bgnbd" else pnbd_nll
    start = np.log([1.0, max(T.max() / 10, 1e-3), 1.0, 1.0 if model == "bgnbd" else max(T.max() / 10, 1e-3)])
    res = optimize.minimize(nll, start, args=(x, tx, T), method="L-BFGS-B", options={"maxiter": 2000})
    keys = ("r", "alpha", "a", "b") if model == "bgnbd" else ("r", "alpha", "s", "beta")
    return dict(zip(keys, np.exp(res.x)))


# ------------------------------------------------------------------------------------------------
# Contenders


def run_oneid(model: str, x, tx, T) -> dict[str, float]:
    cls = oneid.BetaGeo if model == "bgnbd" else oneid.ParetoNBD
    return cls().fit(x, tx, T).params_


def run_lifetimes(model: str, x, tx, T) -> dict[str, float]:
    import lifetimes

    cls = lifetimes.BetaGeoFitter if model == "bgnbd" else lifetimes.ParetoNBDFitter
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = cls().fit(pd.Series(x), pd.Series(tx), pd.Series(T))
    return {k: float(v) for k, v in fitted.params_.items()}


def oneid_ll(model: str, params: dict[str, float], x, tx, T) -> float:
    cls = oneid.BetaGeo if model == "bgnbd" else oneid.ParetoNBD
    return cls.from_params(**params).log_likelihood(x, tx, T)


def timed(fn, repeat: int):
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000000", help="simulated sizes, comma-separated")
    parser.add_argument("--lifetimes-max", type=int, default=1_000_000, help="largest size lifetimes runs at (BG/NBD)")
    parser.add_argument("--lifetimes-pnbd-max", type=int, default=100_000, help="largest size lifetimes runs Pareto/NBD at")
    parser.add_argument("--scipy-pnbd-max", type=int, default=100_000, help="largest size scipy runs Pareto/NBD at")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--models", default="bgnbd,pnbd", help="bgnbd, pnbd or both (comma-separated)")
    parser.add_argument("--json", help="write the rows as JSON here")
    args = parser.parse_args()

    datasets = [("CDNOW", "cdnow", 0)] + [(f"simulated {int(n):,}", "sim", int(n)) for n in args.sizes.split(",") if n]
    if 100_000 not in [n for _, _, n in datasets]:
        datasets.insert(1, ("simulated 100,000", "sim", 100_000))
    rows = []
    for model in [m for m in args.models.split(",") if m]:
        if model not in ("bgnbd", "pnbd"):
            parser.error(f"unknown model {model!r}")
        for label, kind, n in datasets:
            x, tx, T = cdnow() if kind == "cdnow" else simulate(model, n, seed=7)
            contenders = {"oneid": lambda: run_oneid(model, x, tx, T)}
            size = len(x)
            if size <= (args.lifetimes_max if model == "bgnbd" else args.lifetimes_pnbd_max):
                contenders["lifetimes"] = lambda: run_lifetimes(model, x, tx, T)
            if model == "bgnbd" or size <= args.scipy_pnbd_max:
                contenders["scipy"] = lambda: scipy_fit(model, x, tx, T)
            results = {}
            for name, fn in contenders.items():
                repeat = args.repeat if name == "oneid" or size <= 10_000 else 1
                seconds, params = timed(fn, repeat)
                results[name] = (seconds, params, oneid_ll(model, params, x, tx, T))
            base_seconds, _, base_ll = results["oneid"]
            for name, (seconds, params, ll) in results.items():
                row = {
                    "model": "BG/NBD" if model == "bgnbd" else "Pareto/NBD",
                    "data": label,
                    "customers": size,
                    "contender": name,
                    "seconds": round(seconds, 4),
                    "x_oneid": round(seconds / base_seconds, 1),
                    "log_likelihood": round(ll, 3),
                    "ll_minus_oneid": round(ll - base_ll, 4),
                    "params": {k: round(v, 4) for k, v in params.items()},
                }
                rows.append(row)
                print(
                    f"{row['model']:10s} {label:20s} {name:9s} {seconds:9.3f} s  x{row['x_oneid']:>7}  "
                    f"LL {ll:16.3f}  dLL {row['ll_minus_oneid']:+.4f}  {row['params']}",
                    flush=True,
                )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
