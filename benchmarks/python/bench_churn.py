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

Rows (scripts/bench_report.py's format, benchmarks/python/benchrows.py) go to --json: the
logistic rows under layer "churn", the RFM rows under "rfm". A contender that fails is a failed row.

  python benchmarks/python/bench_churn.py
  python benchmarks/python/bench_churn.py --lr-rows 200000 --rfm-rows 1000000 --json out.json
  python benchmarks/python/bench_churn.py --quick --parts rfm     # RFM only, 1M rows
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

import benchrows


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


def bench_logistic(n: int, d: int, C: float) -> list[dict]:
    n_test = min(n, 200_000)
    X_all, y_all = logistic_data(n + n_test, d, 1)
    X, y, X_test, y_test = X_all[:n], y_all[:n], X_all[n:], y_all[n:]
    task = f"L2 logistic regression fit, {n:,} x {d}"
    ptask = f"logistic regression predict, {n:,} x {d}"

    def fit_oneid():
        import oneid

        return oneid.ChurnModel("logistic", C=C, tolerance=1e-6).fit(X, y)

    def fit_sklearn():
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), LogisticRegression(C=C, solver="lbfgs", tol=1e-6, max_iter=1000)).fit(X, y)

    rows = []
    r_one, model = benchrows.run_contender("churn", task, n, "rows", "oneid", fit_oneid)
    r_sk, pipe = benchrows.run_contender("churn", task, n, "rows", "scikit-learn", fit_sklearn)
    try:
        from sklearn.metrics import roc_auc_score
    except Exception:  # noqa: BLE001  (no AUC without scikit-learn; the fit rows still stand)
        roc_auc_score = None
    if model is not None:
        Z = (X - model.means_) / model.scales_
        r_one["objective"] = objective(Z, y, model.coef_, model.intercept_, C)
        r_one["iterations"] = int(model.fit_report_["iterations"])
        r_one["check"] = f"{r_one['iterations']} iterations, objective {r_one['objective']:.12f}"
        if roc_auc_score is not None:
            r_one["auc"] = float(roc_auc_score(y_test, model.predict_proba(X_test)))
            r_one["check"] += f", AUC {r_one['auc']:.10f}"
    if pipe is not None:
        scaler, lr = pipe[0], pipe[1]
        r_sk["objective"] = objective(scaler.transform(X), y, lr.coef_[0], lr.intercept_[0], C)
        r_sk["iterations"] = int(lr.n_iter_[0])
        r_sk["auc"] = float(roc_auc_score(y_test, pipe.predict_proba(X_test)[:, 1]))
        r_sk["check"] = f"{r_sk['iterations']} iterations, objective {r_sk['objective']:.12f}, AUC {r_sk['auc']:.10f}"
        if model is not None:
            r_sk["max_abs_coef_diff"] = float(np.abs(model.coef_ - lr.coef_[0]).max())
            r_sk["check"] += (f"; objective {r_sk['objective'] - r_one['objective']:+.1e} vs oneid, "
                              f"largest coefficient difference {r_sk['max_abs_coef_diff']:.1e}")
    rows += [r_one, r_sk]
    for who, fitted in (("oneid", model), ("scikit-learn", pipe)):
        if fitted is None:
            rows.append(benchrows.failed("churn", ptask, n, "rows", who, "no fitted model (the fit failed)"))
            continue
        predict = (lambda: fitted.predict_proba(X)) if who == "oneid" else (lambda: fitted.predict_proba(X)[:, 1])
        rows.append(benchrows.run_contender("churn", ptask, n, "rows", who, predict)[0])
    return rows


def pandas_rank_scores(values: pd.Series, bins: int) -> np.ndarray:
    n = len(values)
    below = values.rank(method="min").to_numpy() - 1
    return (1 + (bins * below.astype(np.int64)) // n).astype(np.uint8)


def bench_rfm(n: int) -> list[dict]:
    rng = np.random.default_rng(3)
    recency = pd.Series(rng.integers(0, 730, n).astype(np.float64))
    frequency = pd.Series(1 + rng.geometric(0.4, n).astype(np.float64) - 1)
    monetary = pd.Series(rng.lognormal(4, 1, n))
    task = f"RFM scores (5 bins), {n:,} customers"

    def run_oneid():
        import oneid

        return oneid.rfm(recency, frequency, monetary)

    def pandas_rank():
        return (pandas_rank_scores(-recency, 5), pandas_rank_scores(frequency, 5), pandas_rank_scores(monetary, 5))

    def pandas_qcut():
        return (
            (5 - pd.qcut(recency.rank(method="first"), 5, labels=False)).to_numpy(),
            (pd.qcut(frequency.rank(method="first"), 5, labels=False) + 1).to_numpy(),
            (pd.qcut(monetary, 5, labels=False) + 1).to_numpy(),
        )

    r_one, df = benchrows.run_contender("rfm", task, n, "customers", "oneid", run_oneid)
    r_rank, ranks = benchrows.run_contender("rfm", task, n, "customers", "pandas rank(method=min)", pandas_rank)
    r_qcut, qcuts = benchrows.run_contender("rfm", task, n, "customers", "pandas qcut(rank(method=first))", pandas_qcut)
    if df is not None:
        ours = (df.r_score.to_numpy(), df.f_score.to_numpy(), df.m_score.to_numpy())
        if ranks is not None:
            same = all((a == b).all() for a, b in zip(ours, ranks))
            r_rank["identical_to_oneid"] = bool(same)
            r_rank["check"] = "scores identical to oneid's" if same else "scores DIFFER from oneid's"
        if qcuts is not None:
            agree = {k: float((a == b).mean()) for k, a, b in zip("rfm", ours, qcuts)}
            r_qcut["agreement_with_oneid"] = agree
            r_qcut["check"] = ("agrees with oneid on " + ", ".join(f"{v:.2%} of {k.upper()}" for k, v in agree.items())
                               + " (ties split by row order)")
    return [r_one, r_rank, r_qcut]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lr-rows", type=int, default=None, help="logistic rows (default 1000000; 200000 with --quick)")
    parser.add_argument("--lr-features", type=int, default=30)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--rfm-rows", type=int, default=None, help="RFM rows (default 10000000; 1000000 with --quick)")
    parser.add_argument("--parts", default="logistic,rfm", help="logistic, rfm or both (comma-separated)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes: a check of the pipeline")
    parser.add_argument("--json", help="also write the rows here")
    args = parser.parse_args()
    parts = [p for p in args.parts.split(",") if p]
    for p in parts:
        if p not in ("logistic", "rfm"):
            parser.error(f"unknown part {p!r} (logistic, rfm)")
    rows = []
    if "logistic" in parts:
        rows += bench_logistic(args.lr_rows or (200_000 if args.quick else 1_000_000), args.lr_features, args.C)
        benchrows.print_rows(rows)
    if "rfm" in parts:
        rfm_rows = bench_rfm(args.rfm_rows or (1_000_000 if args.quick else 10_000_000))
        benchrows.print_rows(rfm_rows)
        rows += rfm_rows
    benchrows.write(args.json, "bench_churn.py", rows, benchrows.versions("oneid", "sklearn", "pandas", "numpy"))


if __name__ == "__main__":
    main()
