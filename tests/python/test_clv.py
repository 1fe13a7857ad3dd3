"""oneid's customer-base models against the lifetimes package (0.11.3) on the CDNOW and
donations data kept in tests/data (provenance in its README), plus the binding contract (shapes, dtypes, errors, GIL)."""

from __future__ import annotations

import os
import threading
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import oneid

DATA = Path(__file__).resolve().parents[2] / "tests" / "data"

lifetimes = pytest.importorskip("lifetimes")


def _quiet(fn, *args, **kwargs):
    """lifetimes predates pandas 3 / NumPy 2 and warns on them; the warnings are not ours."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return pd.read_csv(DATA / "cdnow_customers_summary.csv")


@pytest.fixture(scope="module")
def cdnow_spend() -> pd.DataFrame:
    return pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")


@pytest.fixture(scope="module")
def donations() -> pd.DataFrame:
    return pd.read_csv(DATA / "donations.csv")


@pytest.mark.parametrize(
    ("ours", "theirs", "keys"),
    [
        (oneid.BetaGeo, lifetimes.BetaGeoFitter, ("r", "alpha", "a", "b")),
        (oneid.ModifiedBetaGeo, lifetimes.ModifiedBetaGeoFitter, ("r", "alpha", "a", "b")),
        (oneid.ParetoNBD, lifetimes.ParetoNBDFitter, ("r", "alpha", "s", "beta")),
    ],
)
def test_transaction_models_match_lifetimes(cdnow, ours, theirs, keys):
    x, tx, T = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    model = ours().fit(x, tx, T)
    reference = _quiet(theirs().fit, x, tx, T)
    assert tuple(model.params_) == keys
    for key in keys:
        assert model.params_[key] == pytest.approx(reference.params_[key], rel=2e-3), key
    # The same maximum: lifetimes' estimate scores the same log-likelihood as ours (lifetimes keeps
    # its likelihood in rescaled time, so it is evaluated here with oneid's at lifetimes' params).
    at_reference = ours.from_params(**{k: float(reference.params_[k]) for k in keys}).log_likelihood(x, tx, T)
    assert model.log_likelihood_ == pytest.approx(at_reference, abs=1e-2)
    assert model.log_likelihood_ >= at_reference - 1e-6
    # Predictions agree customer by customer.
    np.testing.assert_allclose(
        model.conditional_expected_number_of_purchases_up_to_time(39, x, tx, T),
        _quiet(reference.conditional_expected_number_of_purchases_up_to_time, 39, x, tx, T),
        rtol=5e-3,
    )
    np.testing.assert_allclose(
        model.conditional_probability_alive(x, tx, T),
        _quiet(reference.conditional_probability_alive, x, tx, T),
        rtol=5e-3,
        atol=1e-6,
    )
    t = np.array([1.0, 10.0, 39.0, 78.0])
    np.testing.assert_allclose(
        model.expected_number_of_purchases_up_to_time(t),
        _quiet(reference.expected_number_of_purchases_up_to_time, t),
        rtol=5e-3,
    )


def test_published_bgnbd_estimates(cdnow):
    # Fader, Hardie & Lee (2005), Marketing Science 24(2): r=0.243, alpha=4.414, a=0.793, b=2.426, LL=-9582.4.
    model = oneid.BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert [round(v, 3) for v in model.params_.values()] == [0.243, 4.414, 0.793, 2.426]
    assert model.log_likelihood_ == pytest.approx(-9582.4, abs=0.05)
    assert model.fit_report_["converged"]


def test_probability_of_n_purchases_matches_lifetimes(cdnow):
    model = oneid.BetaGeo().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    reference = _quiet(lifetimes.BetaGeoFitter().fit, cdnow["frequency"], cdnow["recency"], cdnow["T"])
    for n in range(5):
        assert model.probability_of_n_purchases_up_to_time(39, n) == pytest.approx(
            float(_quiet(reference.probability_of_n_purchases_up_to_time, 39, n)), rel=5e-3
        )


def test_gamma_gamma_and_clv_match_lifetimes(cdnow_spend):
    returning = cdnow_spend[cdnow_spend["x"] > 0]
    gg = oneid.GammaGamma().fit(returning["x"], returning["zbar"])
    reference = _quiet(lifetimes.GammaGammaFitter().fit, returning["x"], returning["zbar"])
    for key in ("p", "q", "v"):
        assert gg.params_[key] == pytest.approx(reference.params_[key], rel=2e-3)
    # FHL 2005 "RFM and CLV": p=6.25, q=3.74, gamma=15.44.
    assert [gg.params_[k] for k in ("p", "q", "v")] == pytest.approx([6.25, 3.74, 15.44], abs=0.01)
    np.testing.assert_allclose(
        gg.conditional_expected_average_profit(cdnow_spend["x"], cdnow_spend["zbar"]),
        _quiet(reference.conditional_expected_average_profit, cdnow_spend["x"], cdnow_spend["zbar"]),
        rtol=5e-3,
    )
    x, tx, T, m = cdnow_spend["x"], cdnow_spend["t_x"], cdnow_spend["T"], cdnow_spend["zbar"]
    bg = oneid.BetaGeo().fit(x, tx, T)
    bg_ref = _quiet(lifetimes.BetaGeoFitter().fit, x, tx, T)
    ours = gg.customer_lifetime_value(bg, x, tx, T, m, time=12, discount_rate=0.01, freq="W")
    theirs = _quiet(reference.customer_lifetime_value, bg_ref, x, tx, T, m, time=12, discount_rate=0.01, freq="W")
    np.testing.assert_allclose(ours, theirs, rtol=1e-2)
    assert isinstance(ours, pd.Series) and ours.index.equals(x.index)


def test_bgbb_matches_lifetimes_and_paper(donations):
    f, r, n, w = donations["frequency"], donations["recency"], donations["periods"], donations["weights"]
    model = oneid.BetaGeoBetaBinom().fit(f, r, n, w)
    reference = _quiet(lifetimes.BetaGeoBetaBinomFitter().fit, f, r, n, w)
    for key in ("alpha", "beta", "gamma", "delta"):
        assert model.params_[key] == pytest.approx(reference.params_[key], rel=2e-3)
    # Fader, Hardie & Shang (2010): alpha=1.204, beta=0.750, gamma=0.657, delta=2.783, LL=-33,225.6.
    assert model.log_likelihood_ == pytest.approx(-33225.6, abs=0.05)
    np.testing.assert_allclose(
        model.conditional_expected_number_of_purchases_up_to_time(5, f, r, n),
        _quiet(reference.conditional_expected_number_of_purchases_up_to_time, 5, f, r, n),
        rtol=5e-3,
    )
    np.testing.assert_allclose(
        model.conditional_probability_alive(1, f, r, n),
        _quiet(reference.conditional_probability_alive, 1, f, r, n),
        rtol=5e-3,
    )


def _cdnow_transactions() -> pd.DataFrame:
    t = pd.read_csv(DATA / "CDNOW_sample.txt", sep=r"\s+", header=None, names=["id", "customer", "date", "cds", "amount"])
    t["date"] = pd.to_datetime(t["date"].astype(str), format="%Y%m%d")
    return t


def test_summary_matches_lifetimes_calibration_and_holdout():
    t = _cdnow_transactions()
    ours = oneid.summary_from_transactions(
        t, "customer", "date", "amount", calibration_period_end="1997-09-30", observation_period_end="1998-06-30", freq_multiplier=7
    )
    theirs = _quiet(
        lifetimes.utils.calibration_and_holdout_data,
        t, "customer", "date", calibration_period_end="1997-09-30", observation_period_end="1998-06-30",
        freq="D", freq_multiplier=7, monetary_value_col="amount",
    )
    theirs = theirs.sort_index()
    assert list(ours.index) == list(theirs.index)
    for column in ("frequency_cal", "recency_cal", "T_cal", "monetary_value_cal", "frequency_holdout",
                   "monetary_value_holdout", "duration_holdout"):
        np.testing.assert_allclose(ours[column].to_numpy(), theirs[column].to_numpy(dtype=float), rtol=1e-9, atol=1e-9,
                                   err_msg=column)
    # No holdout: lifetimes' summary_data_from_transaction_data, in days and in weeks.
    for freq in ("D", "W"):
        ours = oneid.summary_from_transactions(t, "customer", "date", "amount", observation_period_end="1998-06-30", freq=freq)
        theirs = _quiet(lifetimes.utils.summary_data_from_transaction_data, t, "customer", "date", "amount",
                        observation_period_end="1998-06-30", freq=freq).sort_index()
        for column in ("frequency", "recency", "T", "monetary_value"):
            np.testing.assert_allclose(ours[column].to_numpy(), theirs[column].to_numpy(dtype=float), rtol=1e-9,
                                       err_msg=f"{freq} {column}")


def test_summary_reports_bad_rows():
    t = pd.DataFrame({
        "customer": ["a", "a", None, "b", "a"],
        "date": ["2020-01-01", "2020-01-05", "2020-01-02", "not a date", "2020-01-06"],
        "amount": [10.0, 20.0, 5.0, 7.0, None],
    })
    s = oneid.summary_from_transactions(t, "customer", "date", "amount", observation_period_end="2020-01-10")
    assert list(s.index) == ["a"]
    errors = s.attrs["errors"]
    assert list(errors["row"]) == [2, 3, 4]
    assert list(errors["field"]) == ["customer_id", "date", "monetary_value"]
    assert s.loc["a", "frequency"] == 1 and s.loc["a", "monetary_value"] == 20.0
    with pytest.raises(ValueError, match="no column"):
        oneid.summary_from_transactions(t, "customer", "when")
    with pytest.raises(ValueError, match="freq"):
        oneid.summary_from_transactions(t, "customer", "date", freq="Q")


def test_binding_contract(cdnow):
    x = cdnow["frequency"].to_numpy()
    tx = cdnow["recency"].to_numpy()
    T = cdnow["T"].to_numpy()
    model = oneid.BetaGeo().fit(x, tx, T)
    out = model.conditional_probability_alive(x, tx, T)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == x.shape
    assert isinstance(model.conditional_probability_alive(2, 30.43, 38.86), float)
    series = model.conditional_probability_alive(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    assert isinstance(series, pd.Series)
    # Integer input is accepted (converted to float64).
    assert model.conditional_expected_number_of_purchases_up_to_time(10, [1, 2], [5, 6], [10, 10]).shape == (2,)

    with pytest.raises(ValueError, match="exceeds T"):
        oneid.BetaGeo().fit([1], [5], [3])
    with pytest.raises(ValueError, match="NaN"):
        oneid.BetaGeo().fit([1, np.nan], [1, 1], [3, 3])
    with pytest.raises(ValueError, match="recency has 1 rows"):
        oneid.ParetoNBD().fit([1, 2], [1], [3, 3])
    with pytest.raises(ValueError, match="one-dimensional"):
        oneid.BetaGeo().fit(np.ones((2, 2)), np.ones((2, 2)), np.ones((2, 2)))
    with pytest.raises(ValueError, match="empty"):
        oneid.BetaGeo().fit([], [], [])
    with pytest.raises(ValueError, match="different lengths"):
        model.conditional_probability_alive([1, 2], [1, 2, 3], [5])
    with pytest.raises(ValueError, match="returning customers"):
        oneid.GammaGamma().fit([0, 1], [10, 10])
    with pytest.raises(ValueError, match="not fitted"):
        oneid.BetaGeo().params_
    with pytest.raises(RuntimeError, match="did not converge"):
        oneid.BetaGeo().fit(x, tx, T, max_iterations=2)


def test_save_load_round_trip(tmp_path, cdnow, donations):
    bg = oneid.ParetoNBD().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"])
    bg.save(tmp_path / "pnbd.txt")
    loaded = oneid.ParetoNBD.load(tmp_path / "pnbd.txt")
    assert loaded.params_ == bg.params_
    assert loaded.log_likelihood_ == bg.log_likelihood_
    with pytest.raises(ValueError, match="pareto_nbd"):
        oneid.BetaGeo.load(tmp_path / "pnbd.txt")
    bb = oneid.BetaGeoBetaBinom().fit(donations["frequency"], donations["recency"], donations["periods"], donations["weights"])
    bb.save(tmp_path / "bgbb.txt")
    assert oneid.BetaGeoBetaBinom.load(tmp_path / "bgbb.txt").params_ == bb.params_
    assert oneid.BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426).params_["alpha"] == 4.414


def test_fits_release_the_gil(cdnow):
    # Several threads fit at once; each must finish with the same estimate (no deadlock, no sharing).
    results: list[dict[str, float]] = []

    def work() -> None:
        results.append(oneid.ParetoNBD().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"]).params_)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 4
    assert all(r == results[0] for r in results)
