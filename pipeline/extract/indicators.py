"""Indicator targets from indicator tables and objectives prose (issue #3)."""

from __future__ import annotations

from pipeline.model import Document


def extract_indicators(doc: Document) -> None:
    """Adds `doc.indicators`."""
