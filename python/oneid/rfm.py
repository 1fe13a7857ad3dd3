"""RFM scores and named RFM segments."""

from __future__ import annotations

__all__: list[str] = []
