"""Churn labels, models and their evaluation on a later period."""

from __future__ import annotations

__all__: list[str] = []
