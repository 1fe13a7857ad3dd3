"""Churn labels, models and their evaluation on a later period.

The workflow the models are built for (train on one period, check on the next)::

    labels1 = oneid.churn_labels(orders.oneid, orders.day, cutoff=c1, horizon_days=90)
    model = oneid.ChurnModel("logistic", l2=1.0).fit(features_as_of(c1), labels1.churned)
    labels2 = oneid.churn_labels(orders.oneid, orders.day, cutoff=c1 + 90, horizon_days=90)
    report = oneid.evaluate_churn(labels2.churned, model.predict_proba(features_as_of(c1 + 90)))

``evaluate_churn`` takes any score where higher means "more likely to churn", so an unsupervised
baseline such as ``1 - p_alive`` from the customer-base models (``oneid.BetaGeo``) is evaluated the
same way, without labels to train on.
"""

from __future__ import annotations

import os
from typing import Any, Union

import numpy as np
import pandas as pd

from . import _core

__all__ = ["ChurnModel", "churn_labels", "evaluate_churn"]

PathLike = Union[str, "os.PathLike[str]"]

_LOGISTIC_PARAMS = {"l2", "C", "fit_intercept", "max_iterations", "tolerance", "memory"}
# scikit-learn/xgboost spellings accepted as aliases of XGBoost's own names.
_XGB_ALIASES = {"n_estimators": "num_rounds", "random_state": "seed", "n_jobs": "nthread", "eta": "learning_rate"}
_XGB_PARAMS = {
    "num_rounds", "learning_rate", "max_depth", "min_child_weight", "subsample", "colsample_bytree",
    "reg_lambda", "reg_alpha", "max_bin", "nthread", "seed",
}


def _matrix(X: Any) -> np.ndarray:
    array = np.ascontiguousarray(np.asarray(X, dtype=np.float64))
    if array.ndim != 2:
        raise ValueError(f"X must be two-dimensional (n_customers x n_features), got shape {array.shape}")
    return array


def _vector(v: Any, name: str) -> np.ndarray:
    array = np.ascontiguousarray(np.asarray(v, dtype=np.float64))
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


class ChurnModel:
    """A churn classifier: ``kind="logistic"`` (L2 logistic regression on standardised features,
    fitted by L-BFGS) or ``kind="xgboost"`` (gradient-boosted trees through XGBoost's C API).

    Parameters for ``"logistic"``: ``l2`` (penalty on the standardised coefficients; or ``C`` =
    1 / l2, scikit-learn's convention), ``fit_intercept``, ``max_iterations``, ``tolerance``,
    ``memory``. For ``"xgboost"``: ``num_rounds`` (alias ``n_estimators``), ``learning_rate``
    (``eta``), ``max_depth``, ``min_child_weight``, ``subsample``, ``colsample_bytree``,
    ``reg_lambda``, ``reg_alpha``, ``max_bin``, ``nthread`` (``n_jobs``), ``seed``
    (``random_state``).

    After :meth:`fit`, ``fit_report_`` holds status, converged, iterations, loss and
    gradient_norm; a logistic model also has ``coef_`` (on the standardised features),
    ``intercept_``, ``means_`` and ``scales_``.
    """

    def __init__(self, kind: str = "logistic", **params: Any) -> None:
        self.kind = kind
        self.params = dict(params)
        self.fit_report_: dict[str, Any] | None = None
        if kind == "logistic":
            unknown = set(params) - _LOGISTIC_PARAMS
            if unknown:
                raise TypeError(f"ChurnModel(kind='logistic') got unexpected parameters {sorted(unknown)}")
            if "C" in params:
                if "l2" in params:
                    raise TypeError("ChurnModel: give l2 or C, not both")
                C = float(params.pop("C"))
                if not C > 0:
                    raise ValueError(f"ChurnModel: C must be > 0, got {C}")
                params["l2"] = 1.0 / C
            self._impl = _core.LogisticRegression(**params)
        elif kind == "xgboost":
            renamed = {_XGB_ALIASES.get(k, k): v for k, v in params.items()}
            unknown = set(renamed) - _XGB_PARAMS
            if unknown:
                raise TypeError(f"ChurnModel(kind='xgboost') got unexpected parameters {sorted(unknown)}")
            self._impl = _core.GradientBoosting(**renamed)
        else:
            raise ValueError(f"ChurnModel: kind must be 'logistic' or 'xgboost', got {kind!r}")

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> ChurnModel:
        """Fits on rows of ``X`` (n x d, converted to row-major float64) and labels ``y`` (0/1).
        ``xgboost`` treats NaN features as missing; ``logistic`` refuses them.

        Raises:
            ValueError: bad shapes, NaN/infinite features, labels other than 0/1, negative
                weights, a single class (the message names row and column).
        """
        weights = None if sample_weight is None else _vector(sample_weight, "sample_weight")
        self.fit_report_ = self._impl.fit(_matrix(X), _vector(y, "y"), weights)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """P(churn) per row, a float64 array of shape ``(n,)`` (not scikit-learn's two columns).

        Raises:
            ValueError: wrong column count or bad features.
            RuntimeError: the model is not fitted.
        """
        return self._impl.predict_proba(_matrix(X))

    def save(self, path: PathLike) -> None:
        """Writes the model atomically: ``logistic`` in oneid's versioned text format, ``xgboost``
        as XGBoost JSON (name the file ``*.json``; Python's ``xgboost.Booster(model_file=...)``
        loads it and predicts the same)."""
        self._impl.save(os.fspath(path))

    @classmethod
    def load(cls, path: PathLike) -> ChurnModel:
        """Reads a model written by :meth:`save`; the kind is recognised from the file.

        Raises:
            KeyError: the file cannot be opened.
            ValueError: a logistic model of a newer format version.
            RuntimeError: a damaged file.
        """
        path = os.fspath(path)
        with open(path, "rb") as f:
            head = f.read(32)
        self = cls.__new__(cls)
        self.fit_report_ = None
        self.params = {}
        if head.startswith(b"oneid-logistic-regression"):
            self.kind = "logistic"
            self._impl = _core.LogisticRegression.load(path)
        else:
            self.kind = "xgboost"
            self._impl = _core.GradientBoosting.load(path)
        return self

    @property
    def n_features_in_(self) -> int:
        return self._impl.n_features

    def _logistic(self, name: str) -> Any:
        if self.kind != "logistic":
            raise AttributeError(f"{name} exists only for kind='logistic'")
        return self._impl

    @property
    def coef_(self) -> np.ndarray:
        return self._logistic("coef_").coefficients

    @property
    def intercept_(self) -> float:
        return self._logistic("intercept_").intercept

    @property
    def means_(self) -> np.ndarray:
        return self._logistic("means_").means

    @property
    def scales_(self) -> np.ndarray:
        return self._logistic("scales_").scales

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"ChurnModel({self.kind!r}{', ' if params else ''}{params})"


def _days(values: Any) -> tuple[np.ndarray, bool]:
    """Days as float64; datetimes become days since 1970-01-01 (fractions kept)."""
    series = pd.Series(values) if not isinstance(values, pd.Series) else values
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        ns = series.to_numpy(dtype="datetime64[ns]").astype(np.int64).astype(np.float64)
        days = ns / 86400e9
        days[series.isna().to_numpy()] = np.nan
        return days, True
    return np.ascontiguousarray(series.to_numpy(dtype=np.float64)), False


def _day_of(value: Any, datetimes: bool) -> float:
    if datetimes:
        return pd.Timestamp(value).value / 86400e9
    return float(value)


def churn_labels(customer: Any, day: Any, cutoff: Any, horizon_days: float) -> pd.DataFrame:
    """Churn labels from a transaction log (one row per purchase).

    A customer is eligible when they bought on or before ``cutoff``; their label ``churned`` is
    True when they made no purchase in ``(cutoff, cutoff + horizon_days]``.

    Args:
        customer: customer ids (OneIDs or any hashable values).
        day: purchase days as numbers, or datetimes (then ``cutoff`` is a datetime too).
        cutoff: the day the features are computed as of.
        horizon_days: H, the length of the label window in days.

    Returns:
        A DataFrame with ``customer`` (ids in increasing order of the integer id, or of first
        appearance for other ids) and ``churned`` (bool), one row per eligible customer.

    Raises:
        ValueError: lengths differ, a day is missing or infinite (naming the row), or
            ``horizon_days <= 0``.
    """
    ids = np.asarray(customer)
    days, datetimes = _days(day)
    if ids.ndim != 1:
        raise ValueError(f"customer must be one-dimensional, got shape {ids.shape}")
    if ids.dtype.kind in "iu" and (ids.dtype.kind == "u" or (ids >= 0).all()):
        codes, uniques = ids.astype(np.uint64), None
    else:
        factor, uniques = pd.factorize(ids)
        if (factor < 0).any():
            raise ValueError(f"customer[{int(np.argmax(factor < 0))}] is missing")
        codes = factor.astype(np.uint64)
    customers, churned = _core.churn_labels(codes, days, _day_of(cutoff, datetimes), float(horizon_days))
    column = customers.astype(np.int64) if uniques is None else np.asarray(uniques)[customers.astype(np.int64)]
    return pd.DataFrame({"customer": column, "churned": churned.astype(bool)})


def evaluate_churn(y_true: Any, scores: Any) -> dict[str, Any]:
    """AUC, lift at the top decile, Brier score and calibration of churn scores.

    ``scores`` is anything where higher means "more likely to churn": a model's probabilities or
    a baseline such as ``1 - p_alive``. AUC (ties count 1/2) and lift (a tied group at the cut
    counts with its mean rate) use only the order. The Brier score and the calibration table need
    probabilities in [0, 1]; for other scores they are NaN and an empty table.

    Returns:
        A dict with ``auc``, ``lift_top_decile``, ``brier``, ``count``, ``churn_rate``,
        ``max_calibration_gap`` and ``calibration``: a DataFrame of the deciles of predicted
        probability (``bin``, ``count``, ``min_predicted``, ``max_predicted``,
        ``mean_predicted``, ``observed_rate``); ties never split across deciles.

    Raises:
        ValueError: lengths differ, labels other than 0/1, NaN scores, or a single class.
    """
    result = _core.evaluate_churn(_vector(y_true, "y_true"), _vector(scores, "scores"))
    result["calibration"] = pd.DataFrame(result["calibration"])
    return result
