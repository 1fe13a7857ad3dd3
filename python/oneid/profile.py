"""Profiles: per-OneID feature tables from orders and behaviour events."""

from __future__ import annotations

__all__: list[str] = []
