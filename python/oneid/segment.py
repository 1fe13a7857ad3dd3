"""Segments: lifecycle stages, value tiers, clusters, audience rules, tags and triggers.

>>> import oneid, pandas as pd
>>> profiles = pd.DataFrame({"monetary_score": [5, 2], "p_alive": [0.2, 0.9],
...                          "channels": [["douyin", "pos"], ["tmall"]]})
>>> oneid.Audience('monetary_score >= 4 and "douyin" in channels').evaluate(profiles).tolist()
[True, False]

DataFrame columns reach C++ as (see docs/segment.md):
  bool / integer / float        numeric (float64; NaN = undefined)
  datetime64                    numeric epoch days (days since 1970-01-01), matching ``date("...")``
  object/str whose cells are list, tuple, set, frozenset or ndarray   text set (None = empty)
  other object / str / category text (None / NaN = "")
Results are aligned with the frame by position.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from . import _core
from ._core import LifecycleConfig, TagRule, TriggerConfig, ValueTierConfig

__all__ = [
    "segment",
    "Audience",
    "KMeans",
    "triggers",
    "default_tags",
    "choose_k",
    "silhouette",
    "LifecycleConfig",
    "ValueTierConfig",
    "TagRule",
    "TriggerConfig",
]

_SET_TYPES = (list, tuple, set, frozenset, np.ndarray)


def _is_missing(cell: Any) -> bool:
    if cell is None or cell is pd.NA or cell is pd.NaT:
        return True
    return isinstance(cell, float) and cell != cell


def _column_spec(name: Any, series: pd.Series) -> tuple[str, str, Any]:
    key = str(name)
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_numeric_dtype(dtype):
        return key, "numeric", series.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_datetime64_any_dtype(dtype):
        values = series.dt.tz_localize(None) if getattr(series.dt, "tz", None) is not None else series
        days = values.to_numpy(dtype="datetime64[D]").astype("int64").astype(np.float64)
        days[values.isna().to_numpy()] = np.nan
        return key, "numeric", days
    cells = series.tolist()
    if any(isinstance(c, _SET_TYPES) for c in cells):
        rows = []
        for c in cells:
            if isinstance(c, _SET_TYPES):
                rows.append([str(v) for v in c])
            elif _is_missing(c):
                rows.append([])
            else:
                raise TypeError(f"column '{key}' mixes list-valued cells with {type(c).__name__}")
        return key, "text_set", rows
    return key, "text", ["" if _is_missing(c) else str(c) for c in cells]


def _columns(frame: pd.DataFrame, only: Iterable[str] | None = None) -> list[tuple[str, str, Any]]:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    wanted = None if only is None else set(only)
    return [_column_spec(name, frame[name]) for name in frame.columns if wanted is None or str(name) in wanted]


def default_tags() -> list[TagRule]:
    """The default tag set: 15 rules in the value, need, behaviour, preference and risk layers."""
    return _core.default_tags()


def _default_config(value: str, cls: Any, what: str) -> Any:
    if value != "default":
        raise ValueError(f"{what} must be 'default', a {cls.__name__} or None, got {value!r}")
    return cls()


def segment(
    profiles: pd.DataFrame,
    *,
    lifecycle: LifecycleConfig | None | str = "default",
    value_tiers: ValueTierConfig | None | str = "default",
    tags: Sequence[TagRule] | str | None = "default",
    missing_tag_columns: str = "skip",
) -> pd.DataFrame:
    """Adds lifecycle_stage, clv_decile, value_tier and the tag columns to a copy of ``profiles``.

    ``lifecycle`` / ``value_tiers`` are "default" (default rules), a config, or None to skip; ``tags`` is "default", a list of
    TagRule, or None. Tags whose columns the frame lacks are skipped ("skip") and listed in
    ``result.attrs["skipped_tags"]``, or raise ValueError ("error").
    """
    if isinstance(lifecycle, str):
        lifecycle = _default_config(lifecycle, LifecycleConfig, "lifecycle")
    if isinstance(value_tiers, str):
        value_tiers = _default_config(value_tiers, ValueTierConfig, "value_tiers")
    if isinstance(tags, str):
        if tags != "default":
            raise ValueError(f"tags must be 'default', a list of TagRule or None, got {tags!r}")
        rules = default_tags()
    else:
        rules = list(tags or [])
    added, skipped = _core.segment_columns(
        len(profiles), _columns(profiles), lifecycle, value_tiers, rules, missing_tag_columns
    )
    out = profiles.copy()
    for name, values in added.items():
        out[name] = values
    out.attrs["skipped_tags"] = dict(skipped)
    return out


class Audience:
    """An audience rule, compiled once: ``Audience('p_alive < 0.3 and "douyin" in channels')``.

    Syntax errors raise ValueError with the position and the expected token. ``evaluate`` raises
    ValueError for an unknown column or a type error.
    """

    def __init__(self, expression: str) -> None:
        self._compiled = _core.Audience(expression)

    @property
    def expression(self) -> str:
        return self._compiled.expression

    @property
    def columns(self) -> list[str]:
        """The columns the expression reads, in order of first use."""
        return list(self._compiled.columns)

    def canonical(self) -> str:
        return self._compiled.canonical()

    def evaluate(self, profiles: pd.DataFrame) -> np.ndarray:
        """A boolean array with one element per row of ``profiles``."""
        # Only the columns the rule reads are converted. When one is missing, convert them all so
        # that the error (from C++) lists what the frame does have.
        names = {str(c) for c in profiles.columns} if isinstance(profiles, pd.DataFrame) else set()
        only = self.columns if all(c in names for c in self.columns) else None
        return self._compiled.evaluate(len(profiles), _columns(profiles, only))

    def __repr__(self) -> str:
        return f"Audience({self.expression!r})"


def _matrix(x: Any) -> tuple[np.ndarray, list[str]]:
    if isinstance(x, pd.DataFrame):
        names = [str(c) for c in x.columns]
        return np.asfortranarray(x.to_numpy(dtype=np.float64, na_value=np.nan)), names
    array = np.asarray(x, dtype=np.float64)
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D array (n_samples x n_features), got {array.ndim} dimensions")
    return np.asfortranarray(array), []


class KMeans:
    """k-means with k-means++ seeding, ``n_init`` restarts and standardised features.

    Deterministic for a ``seed`` whatever ``threads`` is. ``standardize=False`` clusters the raw
    matrix (as scikit-learn does). ``nan_policy`` is "error" or "impute_mean". ``init`` optionally
    gives the starting centres (n_clusters x n_features, original units).
    """

    def __init__(
        self,
        n_clusters: int = 8,
        n_init: int = 4,
        seed: int = 0,
        *,
        max_iter: int = 300,
        tol: float = 1e-4,
        standardize: bool = True,
        nan_policy: str = "error",
        threads: int = 0,
        init: Any = None,
    ) -> None:
        init_array = None if init is None else np.asarray(init, dtype=np.float64)
        self._core = _core.KMeans(
            n_clusters=n_clusters, n_init=n_init, max_iter=max_iter, tol=tol, seed=seed,
            standardize=standardize, nan_policy=nan_policy, threads=threads, init=init_array,
        )

    def fit(self, x: Any) -> "KMeans":
        matrix, names = _matrix(x)
        self._core.fit(matrix, names)
        return self

    def predict(self, x: Any) -> np.ndarray:
        matrix, _ = _matrix(x)
        return self._core.predict(matrix)

    def fit_predict(self, x: Any) -> np.ndarray:
        return self.fit(x).labels_

    def _fitted(self) -> None:
        if not self._core.fitted:
            raise RuntimeError("KMeans is not fitted; call fit first")

    @property
    def labels_(self) -> np.ndarray:
        self._fitted()
        return self._core.labels

    @property
    def cluster_centers_(self) -> np.ndarray:
        """n_clusters x n_features, in the features' own units."""
        self._fitted()
        return self._core.centers

    @property
    def inertia_(self) -> float:
        """Sum of squared distances to the nearest centre, in the clustered (standardised) space."""
        self._fitted()
        return self._core.inertia

    @property
    def n_iter_(self) -> int:
        self._fitted()
        return self._core.iterations

    def summary(self, top_features: int = 3) -> pd.DataFrame:
        """One row per cluster: size, share, centroid (original units) and top distinguishing features."""
        self._fitted()
        rows = self._core.summary(top_features)
        names = self._core.feature_names
        return pd.DataFrame(
            {
                "cluster": [r["cluster"] for r in rows],
                "size": [r["size"] for r in rows],
                "share": [r["share"] for r in rows],
                **{f"centroid_{n}": [r["centroid"][j] for r in rows] for j, n in enumerate(names)},
                "top_features": [r["top_features"] for r in rows],
            }
        )


def silhouette(x: Any, labels: Any, sample_size: int = 2000, seed: int = 0) -> float:
    """Mean silhouette of ``labels`` on a deterministic sample of at most ``sample_size`` rows."""
    matrix, _ = _matrix(x)
    return _core.silhouette(matrix, np.asarray(labels, dtype=np.int32).tolist(), sample_size, seed)


def choose_k(
    x: Any, ks: Sequence[int] = (2, 3, 4, 5, 6, 7, 8), *, n_init: int = 4, seed: int = 0,
    standardize: bool = True, nan_policy: str = "error", sample_size: int = 2000,
) -> pd.DataFrame:
    """Inertia and silhouette for each k, to pick k by the elbow or the best silhouette."""
    matrix, _ = _matrix(x)
    rows = _core.choose_k(matrix, list(ks), n_init, seed, standardize, nan_policy, sample_size)
    return pd.DataFrame(rows)


def triggers(profiles: pd.DataFrame, config: TriggerConfig | None = None) -> pd.DataFrame:
    """Fired triggers, one row each: row (position in ``profiles``), oneid (when the frame has
    that column), trigger, reason."""
    fired = _core.fire_triggers(len(profiles), _columns(profiles), config or TriggerConfig())
    out = pd.DataFrame({"row": fired["row"], "trigger": fired["trigger"], "reason": fired["reason"]})
    if "oneid" in profiles.columns:
        out.insert(1, "oneid", profiles["oneid"].to_numpy()[out["row"].to_numpy()])
    return out
