"""Customer-base models: BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma, BG/BB and CLV."""

from __future__ import annotations

__all__: list[str] = []
