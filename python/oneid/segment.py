"""Segments: lifecycle stages, value tiers, clusters, audience rules, tags and triggers."""

from __future__ import annotations

__all__: list[str] = []
