"""Tasks from task tables and duties assigned in prose (issue #4)."""

from __future__ import annotations

from pipeline.model import Document


def extract_tasks(doc: Document) -> None:
    """Adds `doc.tasks`."""
