"""Customer-base models: BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma, BG/BB, CLV and summaries.

The API follows the ``lifetimes`` package, so that existing analyses port by renaming the class:

>>> import oneid, pandas as pd
>>> summary = pd.read_csv("cdnow_customers_summary.csv")           # doctest: +SKIP
>>> bgf = oneid.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])  # doctest: +SKIP
>>> bgf.params_                                                      # doctest: +SKIP
{'r': 0.2426, 'alpha': 4.4135, 'a': 0.7929, 'b': 2.4258}
>>> bgf.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86)  # doctest: +SKIP
1.2259

Fits run in C++ (L-BFGS with analytic gradients, identical rows merged into weights) without the
GIL. Bad input raises ``ValueError``; a fit that does not converge raises ``RuntimeError`` (never
NaN parameters). ``docs/clv.md`` documents the models, formulas and conventions.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from . import _core
from ._progress import as_callback

__all__ = [
    "BetaGeo",
    "ModifiedBetaGeo",
    "ParetoNBD",
    "GammaGamma",
    "BetaGeoBetaBinom",
    "summary_from_transactions",
]

# Length of a month in the time unit of the data, for CLV (lifetimes' `freq` convention).
_PERIODS_PER_MONTH = {"D": 30.0, "W": 4.345, "M": 1.0, "H": 30.0 * 24.0}


def _array(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return np.ascontiguousarray(array)


def _index_of(*values: Any) -> pd.Index | None:
    for v in values:
        if isinstance(v, pd.Series):
            return v.index
    return None


def _shaped(result: np.ndarray, *inputs: Any) -> Any:
    """lifetimes' return convention: a Series when an input was a Series, a float when every input
    was a scalar, an array otherwise."""
    if all(np.ndim(v) == 0 for v in inputs):
        return float(result[0])
    index = _index_of(*inputs)
    if index is not None and len(index) == len(result):
        return pd.Series(result, index=index)
    return result


def _broadcast(*values: Any, names: tuple[str, ...]) -> list[np.ndarray]:
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    try:
        arrays = np.broadcast_arrays(*[a if a.ndim else a.reshape(1) for a in arrays])
    except ValueError:
        shapes = ", ".join(f"{n}{np.shape(a)}" for n, a in zip(names, arrays))
        raise ValueError(f"inputs of different lengths: {shapes}") from None
    return [_array(a, n) for a, n in zip(arrays, names)]


def _weights(weights: Any) -> np.ndarray | None:
    return None if weights is None else _array(weights, "weights")


class _Fitted:
    """Shared plumbing: the fitted C++ model, its report, save/load."""

    _core_class: Any = None

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = float(penalizer_coef)
        self._model: Any = None

    def _fit_options(self, max_iterations: int, tol: float) -> dict[str, Any]:
        return {"max_iterations": int(max_iterations), "gradient_tolerance": float(tol), "l2_penalty": self.penalizer_coef}

    @property
    def _fitted(self) -> Any:
        if self._model is None:
            raise ValueError(f"{type(self).__name__} is not fitted: call fit() or load() first")
        return self._model

    @property
    def params_(self) -> dict[str, float]:
        """The estimated (or loaded) parameters."""
        return dict(self._fitted.params)

    @property
    def log_likelihood_(self) -> float:
        """Total (weighted) log-likelihood at the estimate."""
        return float(self._fitted.report["log_likelihood"])

    @property
    def fit_report_(self) -> dict[str, Any]:
        """status, converged, iterations, log_likelihood, gradient_norm, total_weight, distinct_rows."""
        return dict(self._fitted.report)

    def save(self, path: Any) -> None:
        """Writes the parameters and fit report in oneid's versioned text form."""
        with open(os.fspath(path), "w", encoding="utf-8") as f:
            f.write(self._fitted.save())

    @classmethod
    def load(cls, path: Any) -> Any:
        """Reads a model written by :meth:`save`. ValueError for another model kind or a corrupt file."""
        with open(os.fspath(path), encoding="utf-8") as f:
            text = f.read()
        self = cls()
        self._model = cls._core_class.load(text)
        return self

    @classmethod
    def from_params(cls, **params: float) -> Any:
        """A model with given parameters (no fit), e.g. ``BetaGeo.from_params(r=0.243, alpha=4.414, a=0.793, b=2.426)``."""
        self = cls()
        self._model = cls._core_class.create(**params)
        return self

    def __repr__(self) -> str:
        if self._model is None:
            return f"<oneid.{type(self).__name__}: not fitted>"
        params = ", ".join(f"{k}={v:.4g}" for k, v in self.params_.items())
        return f"<oneid.{type(self).__name__}: {params}>"


class _TransactionModel(_Fitted):
    """BG/NBD, MBG/NBD and Pareto/NBD share their fit and prediction API."""

    def fit(
        self,
        frequency: Any,
        recency: Any,
        T: Any,
        weights: Any = None,
        *,
        max_iterations: int = 1000,
        tol: float = 1e-7,
        progress: Any = None,
    ) -> Any:
        """Maximum-likelihood fit on repeat frequency, recency and age T (one time unit throughout).

        ``weights`` counts how many customers each row stands for (compressed data). Returns self.

        Raises:
            ValueError: invalid data (negative, NaN, recency > T, frequency > 0 with recency 0,
                empty, different lengths) or no repeat purchase at all.
            RuntimeError: the optimiser did not converge.
        """
        self._model = self._core_class.fit(
            _array(frequency, "frequency"),
            _array(recency, "recency"),
            _array(T, "T"),
            _weights(weights),
            **self._fit_options(max_iterations, tol),
            progress=as_callback(progress),
        )
        return self

    def conditional_expected_number_of_purchases_up_to_time(self, t: Any, frequency: Any, recency: Any, T: Any) -> Any:
        """Expected purchases in the next ``t`` time units of customers with these histories."""
        ts, x, tx, age = _broadcast(t, frequency, recency, T, names=("t", "frequency", "recency", "T"))
        return _shaped(self._fitted.conditional_expected_purchases(ts, x, tx, age), t, frequency, recency, T)

    def conditional_probability_alive(self, frequency: Any, recency: Any, T: Any) -> Any:
        """P(alive at T) given the history."""
        x, tx, age = _broadcast(frequency, recency, T, names=("frequency", "recency", "T"))
        return _shaped(self._fitted.probability_alive(x, tx, age), frequency, recency, T)

    def expected_number_of_purchases_up_to_time(self, t: Any) -> Any:
        """E[X(t)]: expected repeat purchases of a new customer within ``t`` (the tracking curve)."""
        return _shaped(self._fitted.expected_purchases(_array(t, "t")), t)

    def log_likelihood(self, frequency: Any, recency: Any, T: Any, weights: Any = None) -> float:
        """Total log-likelihood of other data under the fitted parameters."""
        return float(
            self._fitted.log_likelihood(_array(frequency, "frequency"), _array(recency, "recency"), _array(T, "T"), _weights(weights))
        )


class BetaGeo(_TransactionModel):
    """BG/NBD (Fader, Hardie & Lee 2005); ``params_`` keys r, alpha, a, b. lifetimes: BetaGeoFitter."""

    _core_class = _core.BetaGeoModel

    def probability_of_n_purchases_up_to_time(self, t: Any, n: Any) -> Any:
        """P(X(t) = n) for a new customer."""
        ts, ns = _broadcast(t, n, names=("t", "n"))
        if np.any(ns != np.floor(ns)) or np.any(ns < 0):
            raise ValueError("n must be whole numbers >= 0")
        return _shaped(self._fitted.probability_of_purchases(ns.astype(np.int64), ts), t, n)


class ModifiedBetaGeo(_TransactionModel):
    """MBG/NBD (Batislam et al. 2007); ``params_`` keys r, alpha, a, b. lifetimes: ModifiedBetaGeoFitter."""

    _core_class = _core.ModifiedBetaGeoModel


class ParetoNBD(_TransactionModel):
    """Pareto/NBD (Schmittlein et al. 1987); ``params_`` keys r, alpha, s, beta. lifetimes: ParetoNBDFitter."""

    _core_class = _core.ParetoNbdModel


class GammaGamma(_Fitted):
    """Gamma-Gamma spend model (Fader, Hardie & Lee 2005); ``params_`` keys p, q, v.
    lifetimes: GammaGammaFitter."""

    _core_class = _core.GammaGammaModel

    def fit(
        self,
        frequency: Any,
        monetary_value: Any,
        weights: Any = None,
        *,
        max_iterations: int = 1000,
        tol: float = 1e-7,
        progress: Any = None,
    ) -> GammaGamma:
        """Fits on returning customers: every frequency >= 1 and monetary_value > 0 (filter
        ``frequency > 0`` first). Returns self.

        Raises:
            ValueError: a frequency of 0, a non-positive or non-finite value, different lengths.
            RuntimeError: the optimiser did not converge.
        """
        self._model = _core.GammaGammaModel.fit(
            _array(frequency, "frequency"),
            _array(monetary_value, "monetary_value"),
            _weights(weights),
            **self._fit_options(max_iterations, tol),
            progress=as_callback(progress),
        )
        return self

    def conditional_expected_average_profit(self, frequency: Any = None, monetary_value: Any = None) -> Any:
        """E[spend per purchase | x, mean spend]. Without arguments: the population mean p v / (q - 1)."""
        if frequency is None and monetary_value is None:
            p = self.params_
            return p["p"] * p["v"] / (p["q"] - 1)
        x, m = _broadcast(frequency, monetary_value, names=("frequency", "monetary_value"))
        return _shaped(self._fitted.conditional_expected_average_profit(x, m), frequency, monetary_value)

    def customer_lifetime_value(
        self,
        transaction_prediction_model: _TransactionModel,
        frequency: Any,
        recency: Any,
        T: Any,
        monetary_value: Any,
        time: int = 12,
        discount_rate: float = 0.01,
        freq: str = "D",
    ) -> Any:
        """Discounted expected spend over ``time`` months, lifetimes' convention: month i adds
        E[spend] x (E[X(i months)] - E[X(i-1 months)]) / (1 + discount_rate)^i. ``freq`` is the time
        unit of the data: "D" (30 per month), "W" (4.345), "M" (1) or "H" (720)."""
        if freq not in _PERIODS_PER_MONTH:
            raise ValueError(f"freq must be one of {sorted(_PERIODS_PER_MONTH)}, got {freq!r}")
        if not isinstance(transaction_prediction_model, _TransactionModel):
            raise TypeError("transaction_prediction_model must be a fitted BetaGeo, ModifiedBetaGeo or ParetoNBD")
        x, tx, age, m = _broadcast(frequency, recency, T, monetary_value, names=("frequency", "recency", "T", "monetary_value"))
        values = _core.customer_lifetime_value(
            transaction_prediction_model._fitted, self._fitted, x, tx, age, m, int(time), float(discount_rate), _PERIODS_PER_MONTH[freq]
        )
        return _shaped(values, frequency, recency, T, monetary_value)

    def log_likelihood(self, frequency: Any, monetary_value: Any, weights: Any = None) -> float:
        return float(self._fitted.log_likelihood(_array(frequency, "frequency"), _array(monetary_value, "monetary_value"), _weights(weights)))


class BetaGeoBetaBinom(_Fitted):
    """BG/BB for discrete opportunities (Fader, Hardie & Shang 2010); ``params_`` keys alpha, beta,
    gamma, delta. lifetimes: BetaGeoBetaBinomFitter."""

    _core_class = _core.BetaGeoBetaBinomModel

    def fit(
        self,
        frequency: Any,
        recency: Any,
        n_periods: Any,
        weights: Any = None,
        *,
        max_iterations: int = 1000,
        tol: float = 1e-7,
        progress: Any = None,
    ) -> BetaGeoBetaBinom:
        """Fits on transactions x, the opportunity t_x of the last one and the opportunities n
        (whole numbers, x <= t_x <= n), with optional weights. Returns self."""
        self._model = _core.BetaGeoBetaBinomModel.fit(
            _array(frequency, "frequency"),
            _array(recency, "recency"),
            _array(n_periods, "n_periods"),
            _weights(weights),
            **self._fit_options(max_iterations, tol),
            progress=as_callback(progress),
        )
        return self

    def conditional_expected_number_of_purchases_up_to_time(
        self, m_periods_in_future: Any, frequency: Any, recency: Any, n_periods: Any
    ) -> Any:
        """Expected transactions in the next ``m_periods_in_future`` opportunities."""
        m, x, tx, n = _broadcast(m_periods_in_future, frequency, recency, n_periods, names=("m_periods_in_future", "frequency", "recency", "n_periods"))
        return _shaped(self._fitted.conditional_expected_purchases(m, x, tx, n), m_periods_in_future, frequency, recency, n_periods)

    def conditional_probability_alive(self, m_periods_in_future: Any, frequency: Any, recency: Any, n_periods: Any) -> Any:
        """P(alive at opportunity n + m_periods_in_future) given the history."""
        m, x, tx, n = _broadcast(m_periods_in_future, frequency, recency, n_periods, names=("m_periods_in_future", "frequency", "recency", "n_periods"))
        return _shaped(self._fitted.probability_alive(m, x, tx, n), m_periods_in_future, frequency, recency, n_periods)

    def expected_number_of_purchases_up_to_time(self, n: Any) -> Any:
        """E[X(n)]: expected transactions of a new customer in the first ``n`` opportunities."""
        return _shaped(self._fitted.expected_purchases(_array(n, "n")), n)

    def log_likelihood(self, frequency: Any, recency: Any, n_periods: Any, weights: Any = None) -> float:
        return float(
            self._fitted.log_likelihood(_array(frequency, "frequency"), _array(recency, "recency"), _array(n_periods, "n_periods"), _weights(weights))
        )


_NS_PER_DAY = 86_400 * 10**9
# 1970-01-05, a Monday: pandas' "W" periods run Monday..Sunday.
_MONDAY = 4.0


def _days(values: pd.Series, datetime_format: str | None) -> np.ndarray:
    """Day numbers since 1970-01-01 (fractions for times of day); NaN for missing dates."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=np.float64, na_value=np.nan)
    stamps = pd.to_datetime(values, format=datetime_format, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    ns = stamps.astype("datetime64[ns]").to_numpy().astype("int64").astype(np.float64)
    ns[stamps.isna().to_numpy()] = np.nan
    return ns / _NS_PER_DAY


def _day_of(value: Any, datetime_format: str | None) -> float:
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return float(value)
    return float(_days(pd.Series([value]), datetime_format)[0])


def summary_from_transactions(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    monetary_value_col: str | None = None,
    calibration_period_end: Any = None,
    observation_period_end: Any = None,
    freq: str | int = "D",
    freq_multiplier: float = 1,
    datetime_format: str | None = None,
) -> pd.DataFrame:
    """Per-customer frequency, recency, T (and monetary_value) from a transaction log, as lifetimes'
    ``summary_data_from_transaction_data`` (and ``calibration_and_holdout_data`` when
    ``calibration_period_end`` is given).

    Args:
        transactions: one row per transaction.
        customer_id_col, datetime_col, monetary_value_col: column names. Dates are datetimes (or
            strings ``pd.to_datetime`` reads) or numbers taken as day numbers.
        calibration_period_end: the last date of the calibration period; the summary then has the
            columns ``frequency_cal``, ``recency_cal``, ``T_cal``, ``monetary_value_cal``,
            ``frequency_holdout``, ``monetary_value_holdout`` and ``duration_holdout``.
        observation_period_end: the last date observed (default: the latest date in the log).
        freq: the bucket within which purchases collapse into one, and the base time unit: "D"
            (days), "W" (Monday-based weeks, as pandas) or a whole number of days.
        freq_multiplier: the output unit in buckets (7 with freq="D": weeks with daily resolution).

    Returns:
        A DataFrame indexed by customer id (sorted). Rows that could not be used (missing customer,
        date or amount) are listed in ``df.attrs["errors"]`` (row, field, reason; rows are positions
        in ``transactions``); ``df.attrs["rows_after_observation_end"]`` counts rows outside the window.

    Raises:
        ValueError: a column is missing, the periods are inconsistent, or no transaction falls in
            the calibration period.
    """
    if not isinstance(transactions, pd.DataFrame):
        raise ValueError("transactions must be a pandas DataFrame")
    for col in (customer_id_col, datetime_col) + ((monetary_value_col,) if monetary_value_col else ()):
        if col not in transactions.columns:
            raise ValueError(f"summary_from_transactions: no column {col!r}")
    if freq == "D":
        bucket_days, origin = 1.0, 0.0
    elif freq == "W":
        bucket_days, origin = 7.0, _MONDAY
    elif isinstance(freq, (int, np.integer)) and not isinstance(freq, bool) and freq >= 1:
        bucket_days, origin = float(freq), 0.0
    else:
        raise ValueError(f"freq must be 'D', 'W' or a whole number of days >= 1, got {freq!r}")

    codes, uniques = pd.factorize(transactions[customer_id_col], use_na_sentinel=True)
    days = _days(transactions[datetime_col], datetime_format)
    amounts = None
    if monetary_value_col:
        amounts = pd.to_numeric(transactions[monetary_value_col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if observation_period_end is None:
        if np.all(np.isnan(days)):
            raise ValueError("summary_from_transactions: no valid date")
        observation_end = float(np.nanmax(days))
    else:
        observation_end = _day_of(observation_period_end, datetime_format)
    calibration_end = observation_end if calibration_period_end is None else _day_of(calibration_period_end, datetime_format)
    if not np.isfinite(observation_end) or not np.isfinite(calibration_end):
        raise ValueError("summary_from_transactions: unreadable period end")

    result = _core.summarize_transactions(
        np.ascontiguousarray(codes, dtype=np.int64),
        np.ascontiguousarray(days),
        None if amounts is None else np.ascontiguousarray(amounts),
        calibration_end,
        observation_end,
        bucket_days,
        origin,
        float(freq_multiplier),
    )
    index = pd.Index(uniques.take(result["customer"]), name=customer_id_col)
    suffix = "" if calibration_period_end is None else "_cal"
    columns: dict[str, Any] = {
        "frequency" + suffix: result["frequency"],
        "recency" + suffix: result["recency"],
        "T" + suffix: result["T"],
    }
    if monetary_value_col:
        columns["monetary_value" + suffix] = result["monetary_value"]
    if calibration_period_end is not None:
        columns["frequency_holdout"] = result["frequency_holdout"] if "frequency_holdout" in result else np.zeros(len(index))
        if monetary_value_col:
            columns["monetary_value_holdout"] = result["monetary_value_holdout"] if "monetary_value_holdout" in result else np.zeros(len(index))
        columns["duration_holdout"] = np.full(len(index), float(result.get("duration_holdout", 0.0)))
    frame = pd.DataFrame(columns, index=index)
    errors = result["errors"]
    frame.attrs["errors"] = pd.DataFrame(
        {"row": pd.Series(errors["row"], dtype="int64"), "field": pd.Series(errors["field"], dtype=object), "reason": pd.Series(errors["reason"], dtype=object)}
    )
    frame.attrs["rows_after_observation_end"] = int(result.get("rows_after_observation_end", 0))
    return frame
