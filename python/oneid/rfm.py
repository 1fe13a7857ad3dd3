"""RFM scores and named RFM segments.

>>> import oneid
>>> scores = oneid.rfm(recency=[3, 40, 200, 12], frequency=[9, 2, 1, 4], monetary=[820, 95, 30, 260])
>>> list(scores.columns)
['r_score', 'f_score', 'm_score', 'rfm_score', 'segment']

Scores cut each field into ``bins`` bins (quintiles by default) with ties never split: a value's
score is ``1 + floor(bins * (rows strictly below it) / n)``, so every row holding a value gets the
score of the lowest-ranked row of its tie group. Recency is scored inversely (recent is high).
The segment rules and the reasoning are in ``docs/rfm.md``.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd

from . import _core

__all__ = ["rfm", "RFM_SEGMENTS"]

#: The eleven segments, best first (the order of the categorical ``segment`` column).
RFM_SEGMENTS: tuple[str, ...] = tuple(_core.rfm_segment_names())


def _column(values: Any, name: str) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise ValueError(f"rfm: {name} must be one-dimensional, got shape {array.shape}")
    return np.ascontiguousarray(array)


def rfm(
    recency: Any,
    frequency: Any,
    monetary: Any,
    bins: int = 5,
    *,
    recency_edges: Sequence[float] | None = None,
    frequency_edges: Sequence[float] | None = None,
    monetary_edges: Sequence[float] | None = None,
) -> pd.DataFrame:
    """R, F and M scores and the named segment of each customer.

    Args:
        recency: days since each customer's last purchase (>= 0).
        frequency: purchases (>= 0).
        monetary: spend (>= 0).
        bins: bins per field, 2..9 (each score is one digit of ``rfm_score``).
        recency_edges, frequency_edges, monetary_edges: ``bins - 1`` explicit, non-decreasing edges
            for a field instead of its quantiles, e.g. the edges learnt on a reference population
            (``df.attrs["rfm_edges"]`` of an earlier result). Frequency/monetary: a value equal to
            an edge takes the lower score. Recency: ``R = 1 + #(edges above recency)``.

    Returns:
        A DataFrame (the index of ``recency`` when it is a Series) with ``r_score``, ``f_score``,
        ``m_score`` (uint8, 1..bins), ``rfm_score`` (int16, ``100 r + 10 f + m``) and ``segment``
        (categorical over :data:`RFM_SEGMENTS`). ``df.attrs["rfm_edges"]`` holds the edges used.

    Raises:
        ValueError: lengths differ, a value is NaN, infinite or negative (the message names the
            field and the row), or bins/edges are invalid.
    """
    index = recency.index if isinstance(recency, pd.Series) else None
    out = _core.rfm(
        _column(recency, "recency"),
        _column(frequency, "frequency"),
        _column(monetary, "monetary"),
        bins,
        recency_edges=list(recency_edges or []),
        frequency_edges=list(frequency_edges or []),
        monetary_edges=list(monetary_edges or []),
    )
    segment = pd.Categorical.from_codes(out["segment"].astype(np.int8), categories=list(RFM_SEGMENTS))
    df = pd.DataFrame(
        {
            "r_score": out["r_score"],
            "f_score": out["f_score"],
            "m_score": out["m_score"],
            "rfm_score": out["rfm_score"],
            "segment": segment,
        },
        index=index,
    )
    df.attrs["rfm_edges"] = {
        "recency": out["recency_edges"],
        "frequency": out["frequency_edges"],
        "monetary": out["monetary_edges"],
    }
    return df
