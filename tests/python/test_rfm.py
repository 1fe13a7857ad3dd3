"""Binding contract of oneid.rfm: shapes, dtypes, errors, and agreement with pandas."""

import numpy as np
import pandas as pd
import pytest

import oneid


def brute_force(values, bins, inverse=False):
    values = np.asarray(values, dtype=float)
    n = len(values)
    below = (values[None, :] > values[:, None]) if inverse else (values[None, :] < values[:, None])
    return 1 + (bins * below.sum(axis=1)) // n


def test_columns_dtypes_and_index():
    r = pd.Series([3.0, 40, 200, 12], index=["a", "b", "c", "d"])
    df = oneid.rfm(r, [9, 2, 1, 4], [820.0, 95, 30, 260])
    assert list(df.columns) == ["r_score", "f_score", "m_score", "rfm_score", "segment"]
    assert list(df.index) == ["a", "b", "c", "d"]
    assert df.r_score.dtype == np.uint8 and df.f_score.dtype == np.uint8 and df.m_score.dtype == np.uint8
    assert df.rfm_score.dtype == np.int16
    assert isinstance(df.segment.dtype, pd.CategoricalDtype)
    assert list(df.segment.cat.categories) == list(oneid.RFM_SEGMENTS)
    assert len(oneid.RFM_SEGMENTS) == 11
    assert (df.rfm_score == 100 * df.r_score.astype(int) + 10 * df.f_score + df.m_score).all()


def test_matches_brute_force_with_ties():
    rng = np.random.default_rng(4)
    n = 997
    recency = rng.integers(0, 60, n).astype(float)
    frequency = rng.geometric(0.4, n).astype(float)
    monetary = np.round(rng.lognormal(4, 1, n), -1)
    for bins in (2, 3, 5, 9):
        df = oneid.rfm(recency, frequency, monetary, bins=bins)
        np.testing.assert_array_equal(df.r_score, brute_force(recency, bins, inverse=True))
        np.testing.assert_array_equal(df.f_score, brute_force(frequency, bins))
        np.testing.assert_array_equal(df.m_score, brute_force(monetary, bins))


def test_distinct_values_agree_with_pandas_qcut():
    rng = np.random.default_rng(5)
    n = 1000  # a multiple of 5: qcut's equal-count bins are exact
    recency = rng.permutation(n).astype(float)
    frequency = rng.permutation(n).astype(float) + 1
    monetary = rng.random(n) * 1000
    df = oneid.rfm(recency, frequency, monetary)
    np.testing.assert_array_equal(df.f_score, pd.qcut(frequency, 5, labels=False) + 1)
    np.testing.assert_array_equal(df.m_score, pd.qcut(monetary, 5, labels=False) + 1)
    np.testing.assert_array_equal(df.r_score, 5 - pd.qcut(recency, 5, labels=False))


def test_edges_round_trip_and_segments():
    rng = np.random.default_rng(6)
    r, f, m = rng.integers(0, 365, 500), rng.poisson(3, 500), rng.gamma(2, 50, 500)
    df = oneid.rfm(r, f, m)
    edges = df.attrs["rfm_edges"]
    again = oneid.rfm(r, f, m, recency_edges=edges["recency"], frequency_edges=edges["frequency"],
                      monetary_edges=edges["monetary"])
    pd.testing.assert_frame_equal(df, again)
    best = oneid.rfm([0, 100], [10, 1], [500, 1], bins=2)
    assert list(best.segment) == ["Champions", "Lost"]


@pytest.mark.parametrize(
    "args,message",
    [
        (([1, 2, np.nan], [1, 2, 3], [1, 2, 3]), r"recency\[2\] is NaN"),
        (([1, 2, 3], [1, -2, 3], [1, 2, 3]), r"frequency\[1\] is negative"),
        (([1, 2, 3], [1, 2, 3], [1, 2]), r"differ in length"),
    ],
)
def test_bad_values_raise_value_error_naming_field_and_row(args, message):
    with pytest.raises(ValueError, match=message):
        oneid.rfm(*args)


def test_bad_bins_and_shapes():
    with pytest.raises(ValueError, match="bins must be in 2..9"):
        oneid.rfm([1], [1], [1], bins=12)
    with pytest.raises(ValueError, match="one-dimensional"):
        oneid.rfm(np.ones((2, 2)), [1, 2], [1, 2])
    with pytest.raises(ValueError, match="frequency_edges has 1 values"):
        oneid.rfm([1, 2], [1, 2], [1, 2], bins=3, frequency_edges=[1])
