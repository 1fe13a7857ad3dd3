"""Binding contract of the churn API, and agreement with scikit-learn and xgboost."""

import threading

import numpy as np
import pandas as pd
import pytest

import oneid

sklearn_linear = pytest.importorskip("sklearn.linear_model")
sklearn_metrics = pytest.importorskip("sklearn.metrics")


def simulate(n=4000, d=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * np.array([0.1, 1, 10, 3, 0.5][:d]) + 2.0
    beta = np.array([4.0, -0.5, 0.05, 0.2, 0.0][:d])
    p = 1 / (1 + np.exp(-(X @ beta - (2.0 * beta).sum() - 0.5)))
    y = (rng.random(n) < p).astype(float)
    return X, y


# ---------------------------------------------------------------------------------------------
# Logistic regression


@pytest.mark.parametrize("C", [0.01, 1.0, 100.0])
def test_logistic_matches_sklearn_on_standardised_features(C):
    X, y = simulate()
    model = oneid.ChurnModel("logistic", C=C, tolerance=1e-10).fit(X, y)
    assert model.fit_report_["converged"], model.fit_report_
    # The mapping: our l2 = 1 / C on the features standardised with the stored mean and
    # population standard deviation (sklearn's StandardScaler).
    np.testing.assert_allclose(model.means_, X.mean(axis=0))
    np.testing.assert_allclose(model.scales_, X.std(axis=0))
    Z = (X - model.means_) / model.scales_
    ref = sklearn_linear.LogisticRegression(C=C, tol=1e-12, max_iter=10000).fit(Z, y)
    np.testing.assert_allclose(model.coef_, ref.coef_[0], rtol=1e-5, atol=1e-6)
    assert model.intercept_ == pytest.approx(ref.intercept_[0], rel=1e-5, abs=1e-6)
    np.testing.assert_allclose(model.predict_proba(X), ref.predict_proba(Z)[:, 1], atol=1e-6)


def test_logistic_sample_weights_match_sklearn():
    X, y = simulate(seed=1)
    w = np.random.default_rng(2).uniform(0.2, 3.0, len(y))
    model = oneid.ChurnModel("logistic", C=0.5, tolerance=1e-10).fit(X, y, sample_weight=w)
    Z = (X - model.means_) / model.scales_
    ref = sklearn_linear.LogisticRegression(C=0.5, tol=1e-12, max_iter=10000).fit(Z, y, sample_weight=w)
    np.testing.assert_allclose(model.coef_, ref.coef_[0], rtol=1e-5, atol=1e-6)


def test_logistic_contract_shapes_dtypes_and_round_trip(tmp_path):
    X, y = simulate(n=500)
    model = oneid.ChurnModel("logistic").fit(X.astype(np.float32), y.astype(int))  # converted
    p = model.predict_proba(np.asfortranarray(X))  # converted to row-major
    assert p.dtype == np.float64 and p.shape == (500,)
    assert ((p > 0) & (p < 1)).all()
    assert set(model.fit_report_) == {"status", "converged", "iterations", "loss", "gradient_norm"}
    coef = model.coef_
    model.fit(X[:100] * 3, y[:100])  # a refit must not change (or free) arrays handed out before
    np.testing.assert_array_equal(coef, oneid.ChurnModel("logistic").fit(X.astype(np.float32), y).coef_)
    model.fit(X.astype(np.float32), y.astype(int))
    path = tmp_path / "model.lr"
    model.save(path)
    loaded = oneid.ChurnModel.load(path)
    assert loaded.kind == "logistic"
    np.testing.assert_array_equal(loaded.predict_proba(X), p)


def test_logistic_errors_are_value_errors():
    X, y = simulate(n=50)
    model = oneid.ChurnModel("logistic")
    with pytest.raises(RuntimeError, match="before Fit"):
        model.predict_proba(X)
    bad = X.copy()
    bad[7, 2] = np.nan
    with pytest.raises(ValueError, match=r"x\[7, 2\] is NaN"):
        model.fit(bad, y)
    with pytest.raises(ValueError, match=r"y\[3\] is 2"):
        model.fit(X, np.where(np.arange(50) == 3, 2.0, y))
    with pytest.raises(ValueError, match="single class"):
        model.fit(X, np.zeros(50))
    with pytest.raises(ValueError, match="two-dimensional"):
        model.fit(X[:, 0], y)
    with pytest.raises(ValueError, match="50 rows but y has 49"):
        model.fit(X, y[:-1])
    model.fit(X, y)
    with pytest.raises(ValueError, match="x has 4 columns but the model was fitted on 5"):
        model.predict_proba(X[:, :4])
    with pytest.raises(TypeError, match="unexpected parameters"):
        oneid.ChurnModel("logistic", max_depth=3)
    with pytest.raises(ValueError, match="kind must be"):
        oneid.ChurnModel("forest")
    with pytest.raises(KeyError):
        oneid._core.LogisticRegression.load("/nonexistent/model.lr")


def test_predictions_release_the_gil_without_deadlock():
    X, y = simulate(n=20000)
    model = oneid.ChurnModel("logistic").fit(X, y)
    results = []
    threads = [threading.Thread(target=lambda: results.append(model.predict_proba(X))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 4
    for r in results:
        np.testing.assert_array_equal(r, results[0])


# ---------------------------------------------------------------------------------------------
# XGBoost


def test_xgboost_model_loads_in_python_xgboost_with_same_predictions(tmp_path):
    xgb = pytest.importorskip("xgboost")
    X, y = simulate(n=3000, seed=3)
    X[::17, 1] = np.nan  # missing values travel as NaN
    # One thread each: on a loaded CI machine OpenMP's spinning threads cost more than they give.
    model = oneid.ChurnModel("xgboost", n_estimators=50, max_depth=3, learning_rate=0.2, random_state=1,
                             n_jobs=1).fit(X, y)
    assert model.fit_report_["iterations"] == 50
    p = model.predict_proba(X)
    assert p.dtype == np.float64 and p.shape == (3000,)
    path = tmp_path / "churn.json"
    model.save(path)
    booster = xgb.Booster(params={"nthread": 1}, model_file=str(path))
    np.testing.assert_allclose(booster.predict(xgb.DMatrix(X)), p, rtol=1e-6, atol=1e-7)
    clf = xgb.XGBClassifier(n_jobs=1)
    clf.load_model(str(path))
    np.testing.assert_allclose(clf.predict_proba(X)[:, 1], p, rtol=1e-6, atol=1e-7)
    loaded = oneid.ChurnModel.load(path)
    assert loaded.kind == "xgboost"
    np.testing.assert_array_equal(loaded.predict_proba(X), p)
    # And the other way: a model trained by Python's xgboost predicts the same here.
    trained = xgb.train({"objective": "binary:logistic", "max_depth": 2, "nthread": 1}, xgb.DMatrix(X, label=y), 20)
    other = tmp_path / "python.json"
    trained.save_model(str(other))
    np.testing.assert_allclose(oneid.ChurnModel.load(other).predict_proba(X), trained.predict(xgb.DMatrix(X)),
                               rtol=1e-6, atol=1e-7)


def test_xgboost_errors():
    X, y = simulate(n=100)
    with pytest.raises(ValueError, match="max_depth must be >= 1"):
        oneid.ChurnModel("xgboost", max_depth=0).fit(X, y)
    bad = X.copy()
    bad[3, 0] = np.inf
    with pytest.raises(ValueError, match=r"x\[3, 0\] is infinite"):
        oneid.ChurnModel("xgboost").fit(bad, y)
    with pytest.raises(TypeError, match="unexpected parameters"):
        oneid.ChurnModel("xgboost", C=1.0)


# ---------------------------------------------------------------------------------------------
# Labels and evaluation


def test_churn_labels_numbers_strings_and_datetimes():
    log = pd.DataFrame({"customer": [7, 7, 3, 3, 9, 5], "day": [90, 130, 100, 131, 101, 50.0]})
    labels = oneid.churn_labels(log.customer, log.day, cutoff=100, horizon_days=30)
    assert list(labels.customer) == [3, 5, 7]
    assert list(labels.churned) == [True, True, False]
    assert labels.churned.dtype == bool
    named = oneid.churn_labels(log.customer.map(lambda c: f"c{c}"), log.day, cutoff=100, horizon_days=30)
    assert dict(zip(named.customer, named.churned)) == {"c3": True, "c5": True, "c7": False}
    dates = pd.Timestamp("2025-01-01") + pd.to_timedelta(log.day, unit="D")
    dated = oneid.churn_labels(log.customer, dates, cutoff=pd.Timestamp("2025-01-01") + pd.Timedelta(days=100),
                               horizon_days=30)
    pd.testing.assert_frame_equal(dated, labels)
    with pytest.raises(ValueError, match=r"day\[1\] is NaN"):
        oneid.churn_labels([1, 2], [1.0, np.nan], cutoff=5, horizon_days=3)
    with pytest.raises(ValueError, match="horizon_days"):
        oneid.churn_labels([1], [1.0], cutoff=5, horizon_days=0)


def test_evaluation_agrees_with_sklearn():
    rng = np.random.default_rng(8)
    p = rng.random(5000)
    y = (rng.random(5000) < p).astype(float)
    p_tied = np.round(p, 1)  # many ties
    for scores in (p, p_tied):
        e = oneid.evaluate_churn(y, scores)
        assert e["auc"] == pytest.approx(sklearn_metrics.roc_auc_score(y, scores), abs=1e-12)
        assert e["brier"] == pytest.approx(sklearn_metrics.brier_score_loss(y, scores), abs=1e-12)
    e = oneid.evaluate_churn(y, p)
    cal = e["calibration"]
    assert list(cal.columns) == ["bin", "count", "min_predicted", "max_predicted", "mean_predicted", "observed_rate"]
    assert len(cal) == 10 and cal["count"].sum() == 5000
    assert (cal.mean_predicted - cal.observed_rate).abs().max() == pytest.approx(e["max_calibration_gap"])
    assert e["max_calibration_gap"] < 0.05
    top = np.argsort(-p)[:500]
    assert e["lift_top_decile"] == pytest.approx(y[top].mean() / y.mean())


def test_evaluation_takes_any_score_and_names_errors():
    y = np.array([0, 1, 0, 1, 1.0])
    e = oneid.evaluate_churn(y, [3, 400, 10, 90, 200])  # days since last purchase: not probabilities
    assert e["auc"] == 1.0 and np.isnan(e["brier"]) and e["calibration"].empty
    with pytest.raises(ValueError, match=r"scores\[1\] is NaN"):
        oneid.evaluate_churn([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="single class"):
        oneid.evaluate_churn([1, 1], [0.1, 0.2])


# ---------------------------------------------------------------------------------------------
# The time split end to end, with P(alive) as the unsupervised baseline


def simulate_log(customers=5000, end_day=700, seed=11):
    """Customers join over 300 days, buy as Poisson processes with gamma rates and drop out after
    exponential lifetimes with gamma rates (the Pareto/NBD story); whole days."""
    rng = np.random.default_rng(seed)
    ids, days = [], []
    for c in range(customers):
        rate = rng.gamma(1.2, 1 / 25)
        start = rng.uniform(0, 300)
        death = min(start + rng.exponential(1 / rng.gamma(2.0, 1 / 1000)), end_day)
        times = start + np.cumsum(rng.exponential(1 / rate, size=200))
        times = np.concatenate([[start], times[times < death]])
        ids.append(np.full(len(times), c + 1))
        days.append(np.floor(times))
    return pd.DataFrame({"customer": np.concatenate(ids), "day": np.concatenate(days)})


def features_as_of(log, cutoff):
    past = log[log.day <= cutoff]
    g = past.groupby("customer").day
    first, last, count = g.min(), g.max(), g.size()
    tenure = cutoff - first
    rate = count / (tenure + 30)
    X = np.column_stack([np.log1p(cutoff - last), np.log1p(count), np.log1p(tenure), rate,
                         np.log1p((cutoff - last) * rate)])
    return pd.DataFrame(X, index=count.index)


def test_time_split_model_and_p_alive_baseline():
    log = simulate_log()
    horizon, c1 = 90, 400
    c2 = c1 + horizon
    train_labels = oneid.churn_labels(log.customer, log.day, cutoff=c1, horizon_days=horizon)
    test_labels = oneid.churn_labels(log.customer, log.day, cutoff=c2, horizon_days=horizon)
    X1 = features_as_of(log, c1).loc[train_labels.customer]
    X2 = features_as_of(log, c2).loc[test_labels.customer]
    model = oneid.ChurnModel("logistic").fit(X1.to_numpy(), train_labels.churned)
    e_model = oneid.evaluate_churn(test_labels.churned, model.predict_proba(X2.to_numpy()))
    assert e_model["auc"] > 0.85
    assert e_model["max_calibration_gap"] < 0.1

    # P(alive) needs no labels: BG/NBD fitted on the history up to cut-off 2 only.
    summary = oneid.summary_from_transactions(log, "customer", "day", observation_period_end=c2)
    summary = summary.loc[test_labels.customer]
    bg = oneid.BetaGeo().fit(summary.frequency, summary.recency, summary["T"])
    p_alive = np.asarray(bg.conditional_probability_alive(summary.frequency, summary.recency, summary["T"]))
    e_baseline = oneid.evaluate_churn(test_labels.churned, 1 - p_alive)
    assert e_baseline["auc"] > 0.7
    assert e_baseline["lift_top_decile"] > 1.2
