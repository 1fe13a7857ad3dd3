"""Binding contract of the segment layer: oneid.segment, Audience, KMeans, triggers."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest

import oneid
from oneid import _core


@pytest.fixture()
def profiles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "oneid": [101, 102, 103, 104],
            "monetary_score": [5, 2, 4, np.nan],
            "p_alive": [0.2, 0.9, 0.1, 0.5],
            "channels": [["douyin", "pos"], ["tmall"], None, ("douyin",)],
            "member_tier": ["gold", None, "silver", "gold"],
            "frequency": [3, 0, 5, 1],
            "recency_days": [10.0, np.nan, 200.0, 5.0],
            "tenure_days": [300.0, np.nan, 400.0, 5.0],
            "interval_mean_days": [20.0, np.nan, 30.0, np.nan],
            "last_gap_days": [5.0, np.nan, 30.0, np.nan],
            "clv": [100.0, 0.0, 50.0, 10.0],
            "last_purchase": pd.to_datetime(["2026-01-02", None, "2025-06-01", "2026-01-01"]),
        }
    )


def test_audience_evaluates_to_boolean_array(profiles: pd.DataFrame) -> None:
    a = oneid.Audience('monetary_score >= 4 and p_alive < 0.3 and count(channels) >= 2')
    assert a.columns == ["monetary_score", "p_alive", "channels"]
    mask = a.evaluate(profiles)
    assert mask.dtype == np.bool_ and mask.shape == (4,)
    assert mask.tolist() == [True, False, False, False]
    assert oneid.Audience('"douyin" in channels').evaluate(profiles).tolist() == [True, False, False, True]
    assert oneid.Audience('member_tier in ("gold", "silver")').evaluate(profiles).tolist() == [True, False, True, True]
    # NaN comparisons are false; `not` flips them.
    assert oneid.Audience("monetary_score != 4").evaluate(profiles).tolist() == [True, True, False, False]
    # datetime64 columns are epoch days, like date("...").
    assert oneid.Audience('last_purchase >= date("2026-01-01")').evaluate(profiles).tolist() == [True, False, False, True]


def test_audience_errors_are_value_errors_with_the_cpp_message(profiles: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match=r"syntax error at position 16: expected a comparison operator") as e:
        oneid.Audience("monetary_score foo")
    assert "\n  monetary_score foo\n                 ^" in str(e.value)
    with pytest.raises(ValueError, match=r"unknown column 'chanel_count' at position 1; the table has: oneid, monetary_score"):
        oneid.Audience("chanel_count >= 2").evaluate(profiles)
    with pytest.raises(ValueError, match=r"type error at position 1: cannot compare text column 'member_tier'"):
        oneid.Audience("member_tier > 3").evaluate(profiles)
    # Same text as the C++ error, unchanged.
    with pytest.raises(ValueError) as py_err:
        oneid.Audience("a > 1 or or b")
    with pytest.raises(ValueError) as core_err:
        _core.Audience("a > 1 or or b")
    assert str(py_err.value) == str(core_err.value)


def test_audience_fuzz_never_crashes() -> None:
    rng = np.random.default_rng(3)
    alphabet = list('ab_() "\'<>=!,.-0123456789') + ["and ", "or ", "not ", "in ", "date(", "count("]
    for _ in range(500):
        text = "".join(rng.choice(alphabet, size=rng.integers(0, 15)))
        try:
            oneid.Audience(text)
        except ValueError as e:
            assert "position" in str(e)


def test_segment_adds_columns_to_a_copy(profiles: pd.DataFrame) -> None:
    out = oneid.segment(profiles)
    assert "lifecycle_stage" not in profiles.columns
    assert out["lifecycle_stage"].tolist() == ["active", "prospect", "lost", "new"]
    # Four values: shares below 0.75, 0, 0.5, 0.25 -> deciles 8, 1, 6, 3.
    assert out["clv_decile"].tolist() == [8.0, 1.0, 6.0, 3.0]
    assert out["value_tier"].tolist() == ["silver", "bronze", "silver", "bronze"]
    assert out["douyin_shopper"].tolist() == [1.0, 0.0, 0.0, 1.0]
    assert "points_expiring" in out.attrs["skipped_tags"]
    custom = [oneid.TagRule("vip", "value", 'member_tier == "gold" and clv >= 50')]
    out = oneid.segment(profiles, lifecycle=None, value_tiers=None, tags=custom)
    assert out["vip"].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert "lifecycle_stage" not in out.columns
    with pytest.raises(ValueError, match="tag 'bad': syntax error at position"):
        oneid.segment(profiles, tags=[oneid.TagRule("bad", "risk", "clv >")])
    with pytest.raises(ValueError, match="unknown tag layer 'behavior'"):
        oneid.TagRule("x", "behavior", "clv > 1")
    config = oneid.LifecycleConfig()
    config.recency_column = "recency"
    with pytest.raises(ValueError, match="LifecycleConfig.recency_column: unknown column 'recency'"):
        oneid.segment(profiles, lifecycle=config)
    assert {r.layer for r in oneid.default_tags()} == {"value", "need", "behaviour", "preference", "risk"}


def test_triggers_dataframe() -> None:
    frame = pd.DataFrame(
        {
            "oneid": [7, 8],
            "recency_days": [48.0, 5.0],
            "interval_mean_days": [21.0, 21.0],
            "p_alive": [0.9, 0.1],
            "points_expiring": [1200.0, 0.0],
            "points_expiry_days": [9.0, 1.0],
            "cart_abandoned_days": [np.nan, 1.0],
        }
    )
    fired = oneid.triggers(frame)
    assert list(fired.columns) == ["row", "oneid", "trigger", "reason"]
    assert fired["trigger"].tolist() == ["due_to_repurchase", "points_expiring", "at_risk", "cart_abandoned"]
    assert fired["reason"][0] == "no purchase for 48 days; usual interval 21 days"
    assert fired["oneid"].tolist() == [7, 7, 8, 8]
    with pytest.raises(ValueError, match="TriggerConfig.p_alive_column: unknown column 'p_alive'"):
        oneid.triggers(frame.drop(columns=["p_alive"]))


def blobs(n: int, d: int, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 5, size=(k, d))
    return centres[rng.integers(0, k, size=n)] + rng.normal(0, 1, size=(n, d))


def test_kmeans_contract_and_determinism() -> None:
    x = blobs(2000, 4, 5, 1)
    km = oneid.KMeans(n_clusters=5, n_init=3, seed=42).fit(x)
    assert km.labels_.shape == (2000,) and km.labels_.dtype == np.int32
    assert km.cluster_centers_.shape == (5, 4)
    assert km.inertia_ > 0
    np.testing.assert_array_equal(km.predict(x), km.labels_)
    again = oneid.KMeans(n_clusters=5, n_init=3, seed=42, threads=1).fit(x)
    np.testing.assert_array_equal(again.labels_, km.labels_)
    assert again.inertia_ == km.inertia_
    frame = pd.DataFrame(x, columns=["a", "b", "c", "d"])
    summary = oneid.KMeans(5, seed=1).fit(frame).summary(2)
    assert summary["size"].sum() == 2000 and "centroid_a" in summary.columns
    with pytest.raises(RuntimeError, match="not fitted"):
        _ = oneid.KMeans(2).inertia_


def test_kmeans_errors_are_value_errors() -> None:
    x = blobs(50, 2, 2, 2)
    x[7, 1] = np.nan
    with pytest.raises(ValueError, match=r"row 7, column 'b': NaN"):
        oneid.KMeans(2).fit(pd.DataFrame(x, columns=["a", "b"]))
    km = oneid.KMeans(2, nan_policy="impute_mean").fit(x)
    assert km.labels_.shape == (50,)
    with pytest.raises(ValueError, match="expected 2 features"):
        km.predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="n_clusters must be >= 1"):
        oneid.KMeans(0)
    with pytest.raises(ValueError, match="nan_policy must be"):
        oneid.KMeans(2, nan_policy="drop")


def test_kmeans_inertia_matches_scikit_learn() -> None:
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    x = blobs(5000, 6, 8, 7)
    ours = oneid.KMeans(n_clusters=8, n_init=4, seed=0, standardize=False).fit(x)
    theirs = sklearn_cluster.KMeans(n_clusters=8, n_init=4, random_state=0).fit(x)
    # Different random streams, same algorithm: the best of 4 restarts agree within 1%.
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=0.01)
    # From the same start both run the same Lloyd iterations.
    init = x[:8]
    ours = oneid.KMeans(n_clusters=8, standardize=False, init=init, tol=0).fit(x)
    theirs = sklearn_cluster.KMeans(n_clusters=8, init=init, n_init=1, tol=0, algorithm="lloyd").fit(x)
    assert ours.inertia_ == pytest.approx(theirs.inertia_, rel=1e-9)
    np.testing.assert_allclose(ours.cluster_centers_, theirs.cluster_centers_, rtol=1e-7, atol=1e-9)


def test_silhouette_matches_scikit_learn_and_choose_k() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(5)
    centres = np.array([[0.0, 0, 0], [10, 0, 0], [0, 10, 0]])
    x = centres[np.arange(600) % 3] + rng.normal(0, 1, size=(600, 3))
    km = oneid.KMeans(3, seed=0, standardize=False).fit(x)
    ours = oneid.silhouette(x, km.labels_, sample_size=1000)
    assert ours == pytest.approx(metrics.silhouette_score(x, km.labels_), rel=1e-9)
    table = oneid.choose_k(x, [2, 3, 4], standardize=False)
    assert table["k"].tolist() == [2, 3, 4]
    assert table.loc[table["silhouette"].idxmax(), "k"] == 3


def test_gil_is_released_during_fit() -> None:
    x = blobs(20000, 8, 6, 9)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            oneid.KMeans(6, n_init=2, seed=1, threads=1).fit(x)
            oneid.Audience("a > 0").evaluate(pd.DataFrame({"a": x[:, 0]}))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and not any(t.is_alive() for t in threads)
