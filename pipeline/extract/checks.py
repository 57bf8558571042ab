"""Checks the pipeline runs on its own output: declared counts, prose vs table."""

from __future__ import annotations

from pipeline.model import Document


def run_checks(doc: Document) -> None:
    """Adds diagnostics for inconsistencies found in the document."""
