"""Customer-base models: BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma, BG/BB, CLV, summaries and a
calibration/holdout evaluation (:func:`evaluate`).

The API follows the ``lifetimes`` package, so that existing analyses port by renaming the class:

>>> import oneid, pandas as pd
>>> summary = pd.read_csv("cdnow_customers_summary.csv")           # doctest: +SKIP
>>> bgf = oneid.BetaGeo().fit(summary["frequency"], summary["recency"], summary["T"])  # doctest: +SKIP
>>> bgf.params_                                                      # doctest: +SKIP
{'r': 0.2426, 'alpha': 4.4135, 'a': 0.7929, 'b': 2.4258}
>>> bgf.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86)  # doctest: +SKIP
1.2259

Fits run in C++ (L-BFGS with analytic gradients, identical rows merged into weights) without the
GIL. Bad input raises ``ValueError``; a fit that does not converge raises ``RuntimeError`` with a
diagnostic (what failed, the best point found, what to try), never NaN parameters. Every fitted
model has lifetimes' ``summary`` (coef, se(coef), 95% bounds) from the Hessian. ``docs/clv.md`` documents the models, formulas and conventions.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
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
    "evaluate",
    "EvaluationReport",
    "BetaGeoWithCovariates",
    "ParetoNBDWithCovariates",
    "GammaGammaWithCovariates",
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


def _interval_frame(result: dict[str, Any], *inputs: Any) -> pd.DataFrame:
    """Per-customer estimate, lower, upper, se; the total in ``attrs["total"]``."""
    index = _index_of(*inputs)
    n = len(result["estimate"])
    frame = pd.DataFrame(
        {"estimate": result["estimate"], "lower": result["lower"], "upper": result["upper"], "se": result["standard_error"]},
        index=index if index is not None and len(index) == n else None,
    )
    frame.attrs["level"] = float(result["level"])
    frame.attrs["total"] = {
        "estimate": float(result["total"]),
        "lower": float(result["total_lower"]),
        "upper": float(result["total_upper"]),
        "se": float(result["total_standard_error"]),
    }
    return frame


def _weights(weights: Any) -> np.ndarray | None:
    return None if weights is None else _array(weights, "weights")


class _Fitted:
    """Shared plumbing: the fitted C++ model, its report, save/load."""

    _core_class: Any = None

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        """``penalizer_coef``: lifetimes' L2 penalty on the parameters, scaled as lifetimes scales it
        (time scales in units of the longest T), so the penalised fit does not depend on the time unit."""
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

    def _after_fit(self) -> None:
        for message in self._fitted.report["warnings"]:
            warnings.warn(message, UserWarning, stacklevel=3)

    @property
    def variance_matrix_(self) -> pd.DataFrame:
        """Asymptotic covariance of the estimate (inverse Hessian, delta method), as lifetimes'."""
        names = list(self.params_)
        covariance = self._fitted.report["covariance"]
        if not covariance:
            raise ValueError(f"{type(self).__name__} has no covariance: made by from_params, or loaded from a file written before version 2")
        return pd.DataFrame(np.asarray(covariance, dtype=np.float64).reshape(len(names), len(names)), index=names, columns=names)

    @property
    def standard_errors_(self) -> pd.Series:
        """Standard errors of the parameters (square roots of the covariance's diagonal)."""
        return pd.Series(np.sqrt(np.diag(self.variance_matrix_.to_numpy())), index=list(self.params_))

    @property
    def confidence_intervals_(self) -> pd.DataFrame:
        """coef -/+ 1.96 se: lifetimes' "lower 95% bound" and "upper 95% bound"."""
        coef = pd.Series(self.params_)
        se = self.standard_errors_
        return pd.DataFrame({"lower 95% bound": coef - 1.96 * se, "upper 95% bound": coef + 1.96 * se})

    @property
    def summary(self) -> pd.DataFrame:
        """lifetimes' summary: coef, se(coef), lower 95% bound, upper 95% bound, one row per parameter."""
        frame = pd.DataFrame({"coef": pd.Series(self.params_), "se(coef)": self.standard_errors_})
        return frame.join(self.confidence_intervals_)

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
        x, age = _array(frequency, "frequency"), _array(T, "T")
        self._model = self._core_class.fit(
            x,
            _array(recency, "recency"),
            age,
            _weights(weights),
            **self._fit_options(max_iterations, tol),
            progress=as_callback(progress),
        )
        self._max_frequency = int(x.max())
        self._max_T = float(age.max())
        self._after_fit()
        return self

    def conditional_probability_alive_matrix(self, max_frequency: int | None = None, max_recency: int | None = None) -> np.ndarray:
        """P(alive) on the grid recency 0..max_recency (rows) x frequency 0..max_frequency (columns) at
        T = max_recency, as lifetimes (defaults: the largest frequency and T of the fitted data). Cells
        no valid history has (frequency 0 with recency > 0) get the formula's value, as in lifetimes."""
        if max_frequency is None or max_recency is None:
            if getattr(self, "_max_T", None) is None:
                raise ValueError("max_frequency and max_recency are needed for a model not fitted here")
            max_frequency = self._max_frequency if max_frequency is None else max_frequency
            max_recency = int(self._max_T) if max_recency is None else max_recency
        return self._fitted.probability_alive_grid(int(max_frequency), int(max_recency))

    def conditional_expected_number_of_purchases_up_to_time_interval(
        self, t: float, frequency: Any, recency: Any, T: Any, level: float = 0.9
    ) -> pd.DataFrame:
        """Expected purchases in the next ``t`` with an interval from the uncertainty of the
        estimated parameters (delta method on the fit's covariance; log scale), per customer and for
        the total. Returns a DataFrame (estimate, lower, upper, se) with ``attrs["total"]`` (estimate,
        lower, upper, se) and ``attrs["level"]``. RuntimeError for a model without covariance (made by
        from_params, or loaded from a version-1 file); ValueError for a level outside (0, 1) or invalid histories."""
        x, tx, age = _broadcast(frequency, recency, T, names=("frequency", "recency", "T"))
        return _interval_frame(_core.expected_purchases_intervals(self._fitted, float(t), x, tx, age, float(level)), frequency, recency, T)

    def conditional_probability_alive_interval(self, frequency: Any, recency: Any, T: Any, level: float = 0.9) -> pd.DataFrame:
        """P(alive) with an interval from parameter uncertainty (logit scale); the total is the
        expected number of customers alive. Same return convention as
        :meth:`conditional_expected_number_of_purchases_up_to_time_interval`."""
        x, tx, age = _broadcast(frequency, recency, T, names=("frequency", "recency", "T"))
        return _interval_frame(_core.probability_alive_intervals(self._fitted, x, tx, age, float(level)), frequency, recency, T)

    def probability_of_no_purchase(self, h: Any, frequency: Any, recency: Any, T: Any) -> Any:
        """P(no purchase in the next ``h`` time units | history): dead, or alive and not buying.
        ``h`` may differ per customer (e.g. 7, 14 and 30 days ahead)."""
        hs, x, tx, age = _broadcast(h, frequency, recency, T, names=("h", "frequency", "recency", "T"))
        return _shaped(self._fitted.probability_no_purchase(hs, x, tx, age), h, frequency, recency, T)

    def conditional_probability_alive_at(self, t: Any, frequency: Any, recency: Any, T: Any) -> Any:
        """P(alive ``t`` time units after T | history), whatever she buys in between; t = 0 is
        :meth:`conditional_probability_alive`."""
        ts, x, tx, age = _broadcast(t, frequency, recency, T, names=("t", "frequency", "recency", "T"))
        return _shaped(self._fitted.probability_alive_at(ts, x, tx, age), t, frequency, recency, T)

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

    def probability_of_n_purchases_up_to_time(self, t: Any, n: Any) -> Any:
        """P(X(t) = n) for a new customer (who may drop out right after her first purchase)."""
        ts, ns = _broadcast(t, n, names=("t", "n"))
        if np.any(ns != np.floor(ns)) or np.any(ns < 0):
            raise ValueError("n must be whole numbers >= 0")
        return _shaped(self._fitted.probability_of_purchases(ns.astype(np.int64), ts), t, n)


class ParetoNBD(_TransactionModel):
    """Pareto/NBD (Schmittlein et al. 1987); ``params_`` keys r, alpha, s, beta. lifetimes: ParetoNBDFitter."""

    _core_class = _core.ParetoNbdModel

    def conditional_probability_of_n_purchases_up_to_time(self, n: Any, t: Any, frequency: Any, recency: Any, T: Any) -> Any:
        """P(exactly ``n`` purchases in the next ``t`` time units | history), lifetimes' argument order."""
        ns, ts, x, tx, age = _broadcast(n, t, frequency, recency, T, names=("n", "t", "frequency", "recency", "T"))
        if np.any(ns != np.floor(ns)) or np.any(ns < 0):
            raise ValueError("n must be whole numbers >= 0")
        return _shaped(self._fitted.conditional_probability_of_purchases(ns.astype(np.int64), ts, x, tx, age), n, t, frequency, recency, T)


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
        q_constraint: bool = False,
    ) -> GammaGamma:
        """Fits on returning customers: every frequency >= 1 and monetary_value > 0 (filter
        ``frequency > 0`` first). Returns self. ``q_constraint=True`` keeps q > 1 (lifetimes' option),
        so that the population mean spend p v / (q - 1) exists. Warns (UserWarning) when frequency
        and monetary_value correlate above 0.3 in absolute value: the model assumes them independent.

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
            q_constraint=bool(q_constraint),
        )
        self._after_fit()
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

    def customer_lifetime_value_interval(
        self,
        transaction_prediction_model: _TransactionModel,
        frequency: Any,
        recency: Any,
        T: Any,
        monetary_value: Any,
        time: int = 12,
        discount_rate: float = 0.01,
        freq: str = "D",
        level: float = 0.9,
    ) -> pd.DataFrame:
        """:meth:`customer_lifetime_value` with an interval from the uncertainty of both fitted
        models (delta method, log scale), per customer and for the total (``attrs["total"]``)."""
        if freq not in _PERIODS_PER_MONTH:
            raise ValueError(f"freq must be one of {sorted(_PERIODS_PER_MONTH)}, got {freq!r}")
        if not isinstance(transaction_prediction_model, _TransactionModel):
            raise TypeError("transaction_prediction_model must be a fitted BetaGeo, ModifiedBetaGeo or ParetoNBD")
        x, tx, age, m = _broadcast(frequency, recency, T, monetary_value, names=("frequency", "recency", "T", "monetary_value"))
        result = _core.customer_lifetime_value_intervals(
            transaction_prediction_model._fitted, self._fitted, x, tx, age, m, int(time), float(discount_rate), _PERIODS_PER_MONTH[freq], float(level)
        )
        return _interval_frame(result, frequency, recency, T, monetary_value)

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
        x = _array(frequency, "frequency")
        w = _weights(weights)
        self._model = _core.BetaGeoBetaBinomModel.fit(
            x,
            _array(recency, "recency"),
            _array(n_periods, "n_periods"),
            w,
            **self._fit_options(max_iterations, tol),
            progress=as_callback(progress),
        )
        self._frequency_counts = pd.Series(np.ones_like(x) if w is None else w).groupby(x).sum()
        self._after_fit()
        return self

    def probability_of_n_transactions_in_first_n_periods(self, n: int) -> pd.Series:
        """P(X(n) = x) for x = 0..n: the distribution of a new customer's transactions over her
        first ``n`` opportunities (FHS 2010, eq. 8), indexed by frequency; it sums to 1."""
        if int(n) != n or n < 0:
            raise ValueError("n must be a whole number >= 0")
        x = np.arange(int(n) + 1, dtype=np.int64)
        return pd.Series(self._fitted.probability_of_transactions(x, int(n)), index=pd.Index(x, name="frequency"), name="probability")

    def expected_number_of_transactions_in_first_n_periods(self, n: int) -> pd.DataFrame:
        """lifetimes' table: expected customers with each frequency observed in the fitted data over
        the first ``n`` opportunities (P(X(n) = x) times the number of customers), column "model"."""
        counts = getattr(self, "_frequency_counts", None)
        if counts is None:
            raise ValueError("expected_number_of_transactions_in_first_n_periods needs a model fitted here (it uses the data's frequencies)")
        x = np.asarray(counts.index, dtype=np.int64)
        probabilities = self._fitted.probability_of_transactions(x, int(n))
        return pd.DataFrame({"model": probabilities * float(counts.sum())}, index=pd.Index(x.astype(np.float64), name="frequency"))

    def probability_of_no_purchase(self, m_periods_in_future: Any, frequency: Any, recency: Any, n_periods: Any) -> Any:
        """P(no transaction at the next ``m_periods_in_future`` opportunities | history)."""
        m, x, tx, n = _broadcast(m_periods_in_future, frequency, recency, n_periods, names=("m_periods_in_future", "frequency", "recency", "n_periods"))
        return _shaped(self._fitted.probability_no_purchase(m, x, tx, n), m_periods_in_future, frequency, recency, n_periods)

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


def _numeric(values: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)


def _as_date_text(values: pd.Series) -> pd.Series:
    """Numbers written as dates (20250131 for "%Y%m%d") as the text the format reads; NaN stays NaN."""
    numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    whole = np.isfinite(numbers) & (numbers == np.floor(numbers))
    text = np.where(whole, np.char.mod("%d", np.where(whole, numbers, 0).astype(np.int64)), None)
    other = np.isfinite(numbers) & ~whole
    if other.any():
        text[other] = values[other].astype(str).to_numpy()
    return pd.Series(text, index=values.index, dtype=object)


def _days(values: pd.Series, datetime_format: str | None, unit_ns: float = _NS_PER_DAY) -> np.ndarray:
    """Day numbers since 1970-01-01 (fractions for times of day); NaN for missing dates. Numbers are
    day numbers, unless ``datetime_format`` is given: then they are dates written as digits
    (``20250131`` with "%Y%m%d"), as lifetimes reads them. ``unit_ns``: the unit of the result
    (hours give exact whole numbers for whole hours)."""
    if _numeric(values):
        if datetime_format is None:
            return values.to_numpy(dtype=np.float64, na_value=np.nan) * (_NS_PER_DAY / unit_ns)
        values = _as_date_text(values)
    stamps = pd.to_datetime(values, format=datetime_format, errors="coerce")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    ns = stamps.astype("datetime64[ns]").to_numpy().astype("int64").astype(np.float64)
    ns[stamps.isna().to_numpy()] = np.nan
    return ns / unit_ns


def _day_of(value: Any, datetime_format: str | None, name: str, unit_ns: float = _NS_PER_DAY) -> float:
    """A period end as a day number: a number is a day number (or, with ``datetime_format``, a date
    in digits); anything else a date, read with the format first and then without it."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        if datetime_format is None:
            return float(value) * (_NS_PER_DAY / unit_ns)
        value = str(int(value)) if float(value).is_integer() else str(value)
    day = float(_days(pd.Series([value]), datetime_format, unit_ns)[0])
    if np.isnan(day) and datetime_format is not None:
        day = float(_days(pd.Series([value]), None, unit_ns)[0])
    if not np.isfinite(day):
        raise ValueError(f"summary_from_transactions: {name} {value!r} is not a date")
    return day


def _looks_like_digit_dates(days: np.ndarray) -> bool:
    """Day numbers of 19,000,101..21,001,231 (years 53,000 and later) are dates written as digits."""
    finite = days[np.isfinite(days)]
    return finite.size > 0 and finite.min() >= 19_000_101 and finite.max() <= 21_001_231 and bool(np.all(finite == np.floor(finite)))


def _describe_day(day: float, column: pd.Series, datetime_format: str | None, unit_ns: float) -> str:
    if _numeric(column) and datetime_format is None:
        return f"day number {day * unit_ns / _NS_PER_DAY:g}"
    return str(pd.Timestamp(int(round(day * unit_ns)), unit="ns"))


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
            strings ``pd.to_datetime`` reads), or numbers: day numbers, or with ``datetime_format``
            dates written as digits (``19970101`` with ``"%Y%m%d"``, as in CDNOW_sample.txt).
        calibration_period_end: the last date of the calibration period; the summary then has the
            columns ``frequency_cal``, ``recency_cal``, ``T_cal``, ``monetary_value_cal``,
            ``frequency_holdout``, ``monetary_value_holdout`` and ``duration_holdout``.
        observation_period_end: the last date observed (default: the latest date in the log).
        freq: the bucket within which purchases collapse into one, and the base time unit: "D"
            (days), "W" (Monday-based weeks, as pandas), "H" (hours) or a whole number of days.
        freq_multiplier: the output unit in buckets (7 with freq="D": weeks with daily resolution).
        datetime_format: the format of the dates (strings, or numbers written as dates), and of
            the period ends when they are given the same way.

    Returns:
        A DataFrame indexed by customer id (sorted). Rows that could not be used (missing customer,
        date or amount) are listed in ``df.attrs["errors"]`` (row, field, reason; rows are positions
        in ``transactions``); ``df.attrs["rows_after_observation_end"]`` counts rows outside the window.

    Raises:
        ValueError: a column is missing, the periods are inconsistent, or no transaction falls in
            the calibration period (the message names the argument: ``calibration_period_end``, or
            ``observation_period_end`` when there is no calibration period).
    """
    if not isinstance(transactions, pd.DataFrame):
        raise ValueError("transactions must be a pandas DataFrame")
    for col in (customer_id_col, datetime_col) + ((monetary_value_col,) if monetary_value_col else ()):
        if col not in transactions.columns:
            raise ValueError(f"summary_from_transactions: no column {col!r}")
    # Everything below is in "time numbers": days, or hours for freq="H" (exact for whole hours).
    unit_ns = float(_NS_PER_DAY)
    if freq == "D":
        bucket_days, origin = 1.0, 0.0
    elif freq == "W":
        bucket_days, origin = 7.0, _MONDAY
    elif freq == "H":
        bucket_days, origin, unit_ns = 1.0, 0.0, 3600.0 * 10**9
    elif isinstance(freq, (int, np.integer)) and not isinstance(freq, bool) and freq >= 1:
        bucket_days, origin = float(freq), 0.0
    else:
        raise ValueError(f"freq must be 'D', 'W', 'H' or a whole number of days >= 1, got {freq!r}")

    codes, uniques = pd.factorize(transactions[customer_id_col], use_na_sentinel=True)
    days = _days(transactions[datetime_col], datetime_format, unit_ns)
    if datetime_format is None and _numeric(transactions[datetime_col]) and _looks_like_digit_dates(days * unit_ns / _NS_PER_DAY):
        warnings.warn(
            f"summary_from_transactions: {datetime_col!r} holds numbers like {int(np.nanmin(days))}, read as day numbers; "
            "if they are dates written as digits, pass datetime_format (e.g. '%Y%m%d')",
            UserWarning,
            stacklevel=2,
        )
    amounts = None
    if monetary_value_col:
        amounts = pd.to_numeric(transactions[monetary_value_col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    if observation_period_end is None:
        if np.all(np.isnan(days)):
            raise ValueError("summary_from_transactions: no valid date")
        observation_end = float(np.nanmax(days))
    else:
        observation_end = _day_of(observation_period_end, datetime_format, "observation_period_end", unit_ns)
    calibration_end = observation_end if calibration_period_end is None else _day_of(calibration_period_end, datetime_format, "calibration_period_end", unit_ns)
    # The argument that bounds the calibration period, named as the caller named it.
    end_name = "calibration_period_end" if calibration_period_end is not None else "observation_period_end"
    if calibration_period_end is not None and observation_end < calibration_end:
        raise ValueError(
            f"summary_from_transactions: observation_period_end {observation_period_end!r} is before calibration_period_end {calibration_period_end!r}"
        )
    finite = days[np.isfinite(days)]
    if finite.size and np.floor((finite.min() - origin) / bucket_days) > np.floor((calibration_end - origin) / bucket_days):
        given = calibration_period_end if calibration_period_end is not None else observation_period_end
        raise ValueError(
            f"summary_from_transactions: no transaction on or before {end_name} {given!r}: the earliest date in "
            f"{datetime_col!r} is {_describe_day(finite.min(), transactions[datetime_col], datetime_format, unit_ns)}"
        )

    try:
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
    except ValueError as error:
        message = str(error).replace("calibration_end", end_name).replace("observation_end", "observation_period_end")
        raise ValueError(f"summary_from_transactions: {message}") from None
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


# ---------------------------------------------------------------------------------------------
# "Is the model any good?": every transaction model fitted on a calibration period, scored on the
# holdout that follows it.

_EVALUATED = {"BG/NBD": BetaGeo, "MBG/NBD": ModifiedBetaGeo, "Pareto/NBD": ParetoNBD}


@dataclasses.dataclass
class EvaluationReport:
    """What :func:`evaluate` returns.

    Attributes:
        metrics: one row per model (BG/NBD, MBG/NBD, Pareto/NBD): ``mae`` and ``rmse`` of each
            customer's holdout purchases, ``predicted_total``, ``actual_total``, ``total_error``
            (predicted - actual) and ``total_relative_error``; ``auc_alive`` and ``brier_alive``
            of P(alive) at the calibration end against "bought in the holdout";
            ``auc_purchase`` and ``brier_purchase`` of P(at least one purchase in the holdout),
            the probability that question actually asks; ``log_likelihood`` (calibration),
            ``n_params``, ``aic``, ``bic`` (n = customers).
        calibration: per model and calibration-period frequency (0, 1, ..., ``max_bin`` - 1 and
            ``max_bin``+ pooled): customers, mean actual and mean predicted holdout purchases (the
            papers' conditional-expectations plot as a table).
        recommended: the model with the lowest holdout RMSE (ties: lowest BIC).
        reason: why, in one sentence.
        models: the fitted models by name.
        summary: the calibration/holdout summary the models were fitted and scored on.
    """

    metrics: pd.DataFrame
    calibration: pd.DataFrame
    recommended: str
    reason: str
    models: dict[str, Any]
    summary: pd.DataFrame


def evaluate(
    transactions: pd.DataFrame,
    customer_id_col: str,
    datetime_col: str,
    calibration_period_end: Any,
    observation_period_end: Any,
    *,
    freq: str | int = "D",
    freq_multiplier: float = 1,
    datetime_format: str | None = None,
    penalizer_coef: float = 0.0,
    max_bin: int = 7,
) -> EvaluationReport:
    """Fits BG/NBD, MBG/NBD and Pareto/NBD on the calibration period of a transaction log and
    scores them on the holdout (``calibration_period_end`` < date <= ``observation_period_end``).

    The summary is :func:`summary_from_transactions`'s (same arguments); purchases in the
    holdout are counted as there (one per bucket). A model that cannot be fitted gets a row of NaN
    and is named in ``reason``.

    Raises:
        ValueError: as :func:`summary_from_transactions`, or no holdout period.
    """
    summary = summary_from_transactions(
        transactions, customer_id_col, datetime_col, None, calibration_period_end, observation_period_end,
        freq=freq, freq_multiplier=freq_multiplier, datetime_format=datetime_format,
    )
    duration = float(summary["duration_holdout"].iloc[0])
    if duration <= 0:
        raise ValueError("evaluate: observation_period_end must be after calibration_period_end (no holdout)")
    x = summary["frequency_cal"].to_numpy()
    tx = summary["recency_cal"].to_numpy()
    age = summary["T_cal"].to_numpy()
    actual = summary["frequency_holdout"].to_numpy()
    bought = (actual > 0).astype(np.float64)
    n = len(summary)
    from .churn import evaluate_churn  # the churn layer's AUC and Brier score

    rows, calibration, models, failed = {}, [], {}, []
    bins = np.minimum(x, max_bin).astype(int)
    for name, model_class in _EVALUATED.items():
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = model_class(penalizer_coef=penalizer_coef).fit(x, tx, age)
        except (RuntimeError, ValueError) as error:
            failed.append(f"{name}: {error}")
            rows[name] = {}
            continue
        models[name] = model
        predicted = model.conditional_expected_number_of_purchases_up_to_time(duration, x, tx, age)
        alive = model.conditional_probability_alive(x, tx, age)
        purchase = 1.0 - model.probability_of_no_purchase(duration, x, tx, age)
        errors = predicted - actual
        both_classes = 0 < bought.sum() < n
        alive_scores = evaluate_churn(bought, alive) if both_classes else {"auc": np.nan, "brier": np.nan}
        purchase_scores = evaluate_churn(bought, purchase) if both_classes else {"auc": np.nan, "brier": np.nan}
        k = len(model.params_)
        ll = model.log_likelihood_
        rows[name] = {
            "mae": float(np.mean(np.abs(errors))),
            "rmse": float(np.sqrt(np.mean(errors**2))),
            "predicted_total": float(predicted.sum()),
            "actual_total": float(actual.sum()),
            "total_error": float(predicted.sum() - actual.sum()),
            "total_relative_error": float((predicted.sum() - actual.sum()) / actual.sum()) if actual.sum() > 0 else np.nan,
            "auc_alive": float(alive_scores["auc"]),
            "brier_alive": float(alive_scores["brier"]),
            "auc_purchase": float(purchase_scores["auc"]),
            "brier_purchase": float(purchase_scores["brier"]),
            "log_likelihood": float(ll),
            "n_params": k,
            "aic": float(2 * k - 2 * ll),
            "bic": float(k * np.log(n) - 2 * ll),
        }
        table = (
            pd.DataFrame({"frequency_bin": bins, "actual": actual, "predicted": predicted})
            .groupby("frequency_bin")
            .agg(customers=("actual", "size"), actual=("actual", "mean"), predicted=("predicted", "mean"))
            .reset_index()
        )
        table.insert(0, "model", name)
        table["label"] = [f"{b}+" if b == max_bin else str(b) for b in table["frequency_bin"]]
        calibration.append(table)
    metrics = pd.DataFrame.from_dict(rows, orient="index")
    metrics.index.name = "model"
    fitted = metrics.dropna(subset=["rmse"]) if "rmse" in metrics else metrics.iloc[0:0]
    if fitted.empty:
        raise RuntimeError("evaluate: no model could be fitted: " + "; ".join(failed))
    best = fitted.sort_values(["rmse", "bic"]).index[0]
    runner_up = fitted.drop(index=best).sort_values(["rmse", "bic"])
    reason = f"{best} has the lowest holdout RMSE per customer ({fitted.loc[best, 'rmse']:.4f}"
    if not runner_up.empty:
        reason += f"; next {runner_up.index[0]} at {runner_up['rmse'].iloc[0]:.4f}"
    reason += f") over a holdout of {duration:g} time units."
    if failed:
        reason += " Not fitted: " + "; ".join(failed)
    return EvaluationReport(
        metrics=metrics,
        calibration=pd.concat(calibration, ignore_index=True) if calibration else pd.DataFrame(),
        recommended=str(best),
        reason=reason,
        models=models,
        summary=summary,
    )


# ---------------------------------------------------------------------------------------------
# Time-invariant covariates (C++: covariate_models.h).


def _covariates(values: Any, name: str, rows: int) -> tuple[np.ndarray | None, list[str]]:
    """A (customers x columns) float array and the column names, or (None, []) for no covariates."""
    if values is None:
        return None, []
    if isinstance(values, pd.Series):
        values = values.to_frame()
    if isinstance(values, pd.DataFrame):
        names = [str(c) for c in values.columns]
        array = values.to_numpy(dtype=np.float64)
    else:
        array = np.asarray(values, dtype=np.float64)
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        names = [f"{name}_{j}" for j in range(array.shape[1])] if array.ndim == 2 else []
    if array.ndim != 2 or array.shape[0] != rows:
        raise ValueError(f"{name}_covariates must be {rows} rows (one per customer) x columns, got shape {array.shape}")
    return np.ascontiguousarray(array), names


class _CovariateModel:
    """BG/NBD or Pareto/NBD whose purchase and dropout processes shift with per-customer covariates."""

    _core_class: Any = None

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = float(penalizer_coef)
        self._model: Any = None
        self._purchase_names: list[str] = []
        self._dropout_names: list[str] = []

    @property
    def _fitted(self) -> Any:
        if self._model is None:
            raise ValueError(f"{type(self).__name__} is not fitted: call fit() first")
        return self._model

    def fit(
        self,
        frequency: Any,
        recency: Any,
        T: Any,
        purchase_covariates: Any = None,
        dropout_covariates: Any = None,
        weights: Any = None,
        *,
        max_iterations: int = 1000,
        tol: float = 1e-7,
    ) -> Any:
        """Maximum-likelihood fit. Covariates: a DataFrame (its column names name the
        coefficients), a 2-D array or a 1-D array for one column, one row per customer; None for
        none on that side. Raises ValueError (invalid data) or RuntimeError (no convergence, with
        the diagnostic)."""
        x = _array(frequency, "frequency")
        zp, self._purchase_names = _covariates(purchase_covariates, "purchase", len(x))
        zd, self._dropout_names = _covariates(dropout_covariates, "dropout", len(x))
        self._model = self._core_class.fit(
            x, _array(recency, "recency"), _array(T, "T"), zp, zd, _weights(weights),
            max_iterations=int(max_iterations), gradient_tolerance=float(tol), l2_penalty=self.penalizer_coef,
        )
        for message in self._model.report["warnings"]:
            warnings.warn(message, UserWarning, stacklevel=2)
        return self

    @property
    def params_(self) -> dict[str, float]:
        """The parameters of a customer whose covariates are all 0."""
        return dict(self._fitted.params)

    @property
    def fit_report_(self) -> dict[str, Any]:
        return dict(self._fitted.report)

    @property
    def coefficients_(self) -> pd.DataFrame:
        """The covariate coefficients with their standard errors: index (process, covariate),
        columns coef and se(coef)."""
        model = self._fitted
        se = model.standard_errors[len(model.params):]
        index = pd.MultiIndex.from_tuples(
            [("purchase", n) for n in self._purchase_names] + [("dropout", n) for n in self._dropout_names], names=["process", "covariate"]
        )
        return pd.DataFrame({"coef": list(model.purchase_coefficients) + list(model.dropout_coefficients), "se(coef)": se}, index=index)

    @property
    def summary(self) -> pd.DataFrame:
        """Every parameter and coefficient: coef, se(coef), lower and upper 95% bounds."""
        model = self._fitted
        names = list(model.params) + [f"purchase: {n}" for n in self._purchase_names] + [f"dropout: {n}" for n in self._dropout_names]
        coef = list(model.params.values()) + list(model.purchase_coefficients) + list(model.dropout_coefficients)
        frame = pd.DataFrame({"coef": coef, "se(coef)": model.standard_errors}, index=names)
        frame["lower 95% bound"] = frame["coef"] - 1.96 * frame["se(coef)"]
        frame["upper 95% bound"] = frame["coef"] + 1.96 * frame["se(coef)"]
        return frame

    def _inputs(self, frequency: Any, recency: Any, T: Any, purchase_covariates: Any, dropout_covariates: Any) -> tuple:
        x, tx, age = _broadcast(frequency, recency, T, names=("frequency", "recency", "T"))
        zp, _ = _covariates(purchase_covariates, "purchase", len(x))
        zd, _ = _covariates(dropout_covariates, "dropout", len(x))
        return x, tx, age, zp, zd

    def conditional_expected_number_of_purchases_up_to_time(
        self, t: float, frequency: Any, recency: Any, T: Any, purchase_covariates: Any = None, dropout_covariates: Any = None
    ) -> Any:
        """Expected purchases in the next ``t`` of customers with these histories and covariates."""
        x, tx, age, zp, zd = self._inputs(frequency, recency, T, purchase_covariates, dropout_covariates)
        return _shaped(self._fitted.conditional_expected_purchases(float(t), x, tx, age, zp, zd), frequency, recency, T)

    def conditional_probability_alive(
        self, frequency: Any, recency: Any, T: Any, purchase_covariates: Any = None, dropout_covariates: Any = None
    ) -> Any:
        """P(alive at T) given the history and the covariates."""
        x, tx, age, zp, zd = self._inputs(frequency, recency, T, purchase_covariates, dropout_covariates)
        return _shaped(self._fitted.probability_alive(x, tx, age, zp, zd), frequency, recency, T)

    def __repr__(self) -> str:
        if self._model is None:
            return f"<oneid.{type(self).__name__}: not fitted>"
        return f"<oneid.{type(self).__name__}: {len(self._purchase_names)} purchase and {len(self._dropout_names)} dropout covariates>"


class BetaGeoWithCovariates(_CovariateModel):
    """BG/NBD with time-invariant covariates: alpha_i = alpha exp(-g_p . z_p) (a positive purchase
    coefficient raises the purchase rate) and a_i = a exp(g_d . z_d) (a positive dropout coefficient
    raises the dropout probability)."""

    _core_class = _core.BetaGeoCovariateModel


class ParetoNBDWithCovariates(_CovariateModel):
    """Pareto/NBD with time-invariant covariates: alpha_i = alpha exp(-g_p . z_p) and
    beta_i = beta exp(-g_d . z_d) (positive coefficients raise the purchase and the dropout rate;
    CLVTools' parametrisation)."""

    _core_class = _core.ParetoNbdCovariateModel


class GammaGammaWithCovariates:
    """Gamma-Gamma whose spend scale shifts with per-customer covariates: v_i = v exp(g . z), so a
    positive coefficient raises the expected spend per purchase p v_i / (q - 1) by exp(g)."""

    def __init__(self, penalizer_coef: float = 0.0) -> None:
        self.penalizer_coef = float(penalizer_coef)
        self._model: Any = None
        self._names: list[str] = []

    @property
    def _fitted(self) -> Any:
        if self._model is None:
            raise ValueError("GammaGammaWithCovariates is not fitted: call fit() first")
        return self._model

    def fit(self, frequency: Any, monetary_value: Any, spend_covariates: Any = None, weights: Any = None, *,
            max_iterations: int = 1000, tol: float = 1e-7) -> GammaGammaWithCovariates:
        """Fits on returning customers (frequency >= 1, monetary_value > 0), as GammaGamma.fit."""
        x = _array(frequency, "frequency")
        z, self._names = _covariates(spend_covariates, "spend", len(x))
        self._model = _core.GammaGammaCovariateModel.fit(
            x, _array(monetary_value, "monetary_value"), z, _weights(weights),
            max_iterations=int(max_iterations), gradient_tolerance=float(tol), l2_penalty=self.penalizer_coef,
        )
        for message in self._model.report["warnings"]:
            warnings.warn(message, UserWarning, stacklevel=2)
        return self

    @property
    def params_(self) -> dict[str, float]:
        """p, q and v of a customer whose covariates are all 0."""
        return dict(self._fitted.params)

    @property
    def fit_report_(self) -> dict[str, Any]:
        return dict(self._fitted.report)

    @property
    def coefficients_(self) -> pd.DataFrame:
        """The spend coefficients: index covariate, columns coef and se(coef)."""
        model = self._fitted
        return pd.DataFrame({"coef": list(model.spend_coefficients), "se(coef)": model.standard_errors[3:]},
                            index=pd.Index(self._names, name="covariate"))

    @property
    def summary(self) -> pd.DataFrame:
        """p, q, v and the coefficients: coef, se(coef), lower and upper 95% bounds."""
        model = self._fitted
        frame = pd.DataFrame({"coef": list(model.params.values()) + list(model.spend_coefficients), "se(coef)": model.standard_errors},
                             index=list(model.params) + [f"spend: {n}" for n in self._names])
        frame["lower 95% bound"] = frame["coef"] - 1.96 * frame["se(coef)"]
        frame["upper 95% bound"] = frame["coef"] + 1.96 * frame["se(coef)"]
        return frame

    def conditional_expected_average_profit(self, frequency: Any, monetary_value: Any, spend_covariates: Any = None) -> Any:
        """E[spend per purchase | x, mean spend, covariates] per customer."""
        x, m = _broadcast(frequency, monetary_value, names=("frequency", "monetary_value"))
        z, _ = _covariates(spend_covariates, "spend", len(x))
        return _shaped(self._fitted.conditional_expected_average_profit(x, m, z), frequency, monetary_value)
