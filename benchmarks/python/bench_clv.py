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

Rows (scripts/bench_report.py's format, benchmarks/python/benchrows.py) go to --json; the
log-likelihood difference to oneid's is each row's check. A contender that fails is a failed row.

  PYTHONPATH=build/clv/python python3 benchmarks/python/bench_clv.py
  PYTHONPATH=build/clv/python python3 benchmarks/python/bench_clv.py --sizes 1000000 --lifetimes-max 1000000
  python3 benchmarks/python/bench_clv.py --quick --json /tmp/clv.json   # CDNOW and 100k, a minute
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize, special

import benchrows

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"


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
    import oneid

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
    import oneid

    cls = oneid.BetaGeo if model == "bgnbd" else oneid.ParetoNBD
    return cls.from_params(**params).log_likelihood(x, tx, T)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=None, help="simulated sizes, comma-separated (default 1000000; "
                        "100000 is always added)")
    parser.add_argument("--lifetimes-max", type=int, default=1_000_000, help="largest size lifetimes runs at (BG/NBD)")
    parser.add_argument("--lifetimes-pnbd-max", type=int, default=None,
                        help="largest size lifetimes runs Pareto/NBD at (default 100000; 10000 with --quick)")
    parser.add_argument("--scipy-pnbd-max", type=int, default=100_000, help="largest size scipy runs Pareto/NBD at")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--models", default="bgnbd,pnbd", help="bgnbd, pnbd or both (comma-separated)")
    parser.add_argument("--quick", action="store_true", help="CDNOW and 100k only; lifetimes' Pareto/NBD on CDNOW only")
    parser.add_argument("--json", help="write the rows as JSON here")
    args = parser.parse_args()
    sizes = args.sizes if args.sizes is not None else ("" if args.quick else "1000000")
    pnbd_max = args.lifetimes_pnbd_max if args.lifetimes_pnbd_max is not None else (10_000 if args.quick else 100_000)

    datasets = [("CDNOW", "cdnow", 0)] + [(f"simulated {int(n):,}", "sim", int(n)) for n in sizes.split(",") if n]
    if 100_000 not in [n for _, _, n in datasets]:
        datasets.insert(1, ("simulated 100,000", "sim", 100_000))
    rows = []
    for model in [m for m in args.models.split(",") if m]:
        if model not in ("bgnbd", "pnbd"):
            parser.error(f"unknown model {model!r}")
        name = "BG/NBD" if model == "bgnbd" else "Pareto/NBD"
        for label, kind, n in datasets:
            x, tx, T = cdnow() if kind == "cdnow" else simulate(model, n, seed=7)
            size = len(x)
            task = f"{name} fit, {label}" + (f" ({size:,})" if kind == "cdnow" else "")
            contenders = {"oneid": lambda: run_oneid(model, x, tx, T)}
            lifetimes_max = args.lifetimes_max if model == "bgnbd" else pnbd_max
            contenders["lifetimes"] = (lambda: run_lifetimes(model, x, tx, T)) if size <= lifetimes_max else (
                f"runs only up to {lifetimes_max:,} customers here (minutes at this size)")
            contenders["scipy"] = (lambda: scipy_fit(model, x, tx, T)) if model == "bgnbd" or size <= args.scipy_pnbd_max \
                else f"runs only up to {args.scipy_pnbd_max:,} customers here (minutes at this size)"
            base_ll = None
            for who, fn in contenders.items():
                if isinstance(fn, str):
                    rows.append(benchrows.skipped("clv", task, size, "customers", who, fn))
                    continue
                repeat = args.repeat if who == "oneid" or size <= 10_000 else 1
                r, params = benchrows.run_contender("clv", task, size, "customers", who, fn, repeat)
                if params is not None:
                    r["params"] = {k: round(float(v), 6) for k, v in params.items()}
                    try:
                        ll = oneid_ll(model, params, x, tx, T)
                        r["log_likelihood"] = ll
                        if who == "oneid":
                            base_ll = ll
                        r["check"] = (f"LL {ll:,.3f}" if base_ll is None or who == "oneid"
                                      else f"LL {ll - base_ll:+.4f} vs oneid")
                    except Exception as exc:  # noqa: BLE001  (the fit still counts; the check says why not)
                        r["check"] = "LL not evaluated: " + benchrows.error_text(exc)
                rows.append(r)
                benchrows.print_rows([r])
    benchrows.write(args.json, "bench_clv.py", rows, benchrows.versions("oneid", "lifetimes", "scipy", "numpy"))


if __name__ == "__main__":
    main()
