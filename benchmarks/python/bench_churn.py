#!/usr/bin/env python3
"""oneid's churn and RFM scoring against what an analyst would run, in one process and one run.

1. L2 logistic regression on n x 30 (1M rows by default):
     oneid    ``oneid.ChurnModel("logistic", C=1)`` (standardises inside, L-BFGS via LBFGSpp)
     sklearn  ``make_pipeline(StandardScaler(), LogisticRegression(C=1, solver="lbfgs"))``
   Both get tolerance 1e-6 (oneid: gradient 2-norm of the mean objective; sklearn: its lbfgs
   ``tol``, the largest gradient component of the same mean objective). Reported: fit time and
   ratio, the objective both reach (evaluated by this script in one formula: mean log-loss +
   ||beta||^2 / (2 C n) on the standardised features), and AUC on a fresh sample.

2. RFM scores on 10M customers:
     oneid         ``oneid.rfm(recency, frequency, monetary)``
     pandas-rank   the same definition in pandas: ``1 + bins * (rank(method="min") - 1) // n``
                   per field (recency negated); must give identical scores
     pandas-qcut   the common recipe: ``pd.qcut(x.rank(method="first"), 5, labels=False) + 1``
                   (splits ties by row order, so scores differ where values tie; timed for
                   reference, agreement reported)

  python benchmarks/python/bench_churn.py
  python benchmarks/python/bench_churn.py --lr-rows 200000 --rfm-rows 1000000 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import pandas as pd

import oneid


_CPU: dict[str, float] = {}


def timed(fn, label=None):
    """Wall seconds of fn(); its CPU seconds (all threads of the process) go to _CPU[label]. On a
    shared machine the wall time includes waiting for a core, so both are reported."""
    start, cpu = time.perf_counter(), time.process_time()
    out = fn()
    if label:
        _CPU[label] = time.process_time() - cpu
    return out, time.perf_counter() - start


def logistic_data(n: int, d: int, seed: int):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * rng.uniform(0.1, 10, d) + rng.uniform(-5, 5, d)
    beta = np.zeros(d)
    beta[:10] = rng.normal(0, 0.5, 10) / X[:, :10].std(axis=0)
    z = (X - X.mean(axis=0)) @ beta - 0.5
    y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(np.float64)
    return X, y


def objective(Z: np.ndarray, y: np.ndarray, coef: np.ndarray, intercept: float, C: float) -> float:
    z = Z @ coef + intercept
    loss = np.logaddexp(0, z) - y * z
    return float(loss.mean() + coef @ coef / (2 * C * len(y)))


def bench_logistic(n: int, d: int, C: float) -> dict:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    n_test = min(n, 200_000)
    X_all, y_all = logistic_data(n + n_test, d, 1)
    X, y, X_test, y_test = X_all[:n], y_all[:n], X_all[n:], y_all[n:]
    model, t_oneid = timed(lambda: oneid.ChurnModel("logistic", C=C, tolerance=1e-6).fit(X, y), "lr_oneid")
    pipe, t_sklearn = timed(lambda: make_pipeline(
        StandardScaler(), LogisticRegression(C=C, solver="lbfgs", tol=1e-6, max_iter=1000)).fit(X, y), "lr_sklearn")
    scaler, lr = pipe[0], pipe[1]
    Z = (X - model.means_) / model.scales_
    out = {
        "rows": n,
        "features": d,
        "C": C,
        "oneid_seconds": t_oneid,
        "sklearn_seconds": t_sklearn,
        "speedup": t_sklearn / t_oneid,
        "oneid_cpu_seconds": _CPU["lr_oneid"],
        "sklearn_cpu_seconds": _CPU["lr_sklearn"],
        "cpu_speedup": _CPU["lr_sklearn"] / _CPU["lr_oneid"],
        "oneid_iterations": model.fit_report_["iterations"],
        "oneid_status": model.fit_report_["status"],
        "sklearn_iterations": int(lr.n_iter_[0]),
        "oneid_objective": objective(Z, y, model.coef_, model.intercept_, C),
        "sklearn_objective": objective(scaler.transform(X), y, lr.coef_[0], lr.intercept_[0], C),
        "oneid_auc": roc_auc_score(y_test, model.predict_proba(X_test)),
        "sklearn_auc": roc_auc_score(y_test, pipe.predict_proba(X_test)[:, 1]),
        "max_abs_coef_diff": float(np.abs(model.coef_ - lr.coef_[0]).max()),
    }
    _, out["oneid_predict_seconds"] = timed(lambda: model.predict_proba(X))
    _, out["sklearn_predict_seconds"] = timed(lambda: pipe.predict_proba(X))
    return out


def pandas_rank_scores(values: pd.Series, bins: int) -> np.ndarray:
    n = len(values)
    below = values.rank(method="min").to_numpy() - 1
    return (1 + (bins * below.astype(np.int64)) // n).astype(np.uint8)


def bench_rfm(n: int) -> dict:
    rng = np.random.default_rng(3)
    recency = pd.Series(rng.integers(0, 730, n).astype(np.float64))
    frequency = pd.Series(1 + rng.geometric(0.4, n).astype(np.float64) - 1)
    monetary = pd.Series(rng.lognormal(4, 1, n))
    df, t_oneid = timed(lambda: oneid.rfm(recency, frequency, monetary), "rfm_oneid")

    def pandas_rank():
        return (pandas_rank_scores(-recency, 5), pandas_rank_scores(frequency, 5), pandas_rank_scores(monetary, 5))

    (r, f, m), t_rank = timed(pandas_rank, "rfm_rank")

    def pandas_qcut():
        return (
            5 - pd.qcut(recency.rank(method="first"), 5, labels=False),
            pd.qcut(frequency.rank(method="first"), 5, labels=False) + 1,
            pd.qcut(monetary, 5, labels=False) + 1,
        )

    (qr, qf, qm), t_qcut = timed(pandas_qcut, "rfm_qcut")
    return {
        "rows": n,
        "oneid_seconds": t_oneid,
        "pandas_rank_seconds": t_rank,
        "pandas_qcut_seconds": t_qcut,
        "speedup_vs_rank": t_rank / t_oneid,
        "speedup_vs_qcut": t_qcut / t_oneid,
        "oneid_cpu_seconds": _CPU["rfm_oneid"],
        "pandas_rank_cpu_seconds": _CPU["rfm_rank"],
        "pandas_qcut_cpu_seconds": _CPU["rfm_qcut"],
        "identical_to_pandas_rank": bool((df.r_score.to_numpy() == r).all() and (df.f_score.to_numpy() == f).all()
                                         and (df.m_score.to_numpy() == m).all()),
        "agreement_with_qcut": {
            "r": float((df.r_score.to_numpy() == qr.to_numpy()).mean()),
            "f": float((df.f_score.to_numpy() == qf.to_numpy()).mean()),
            "m": float((df.m_score.to_numpy() == qm.to_numpy()).mean()),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lr-rows", type=int, default=1_000_000)
    parser.add_argument("--lr-features", type=int, default=30)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--rfm-rows", type=int, default=10_000_000)
    parser.add_argument("--json", help="also write the results here")
    args = parser.parse_args()
    results = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "logistic": bench_logistic(args.lr_rows, args.lr_features, args.C),
        "rfm": bench_rfm(args.rfm_rows),
    }
    print(json.dumps(results, indent=2))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)


if __name__ == "__main__":
    main()
