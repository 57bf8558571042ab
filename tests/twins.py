"""Two layouts of the same tables compared by the rows they give (tests and benchmarks/twin_accuracy.py)."""

from __future__ import annotations

from pathlib import Path

from pipeline.config import Limits
from pipeline.normalize.fold import fold
from pipeline.readers import read_document
from pipeline.stages import STAGES


def twin_rows(path: Path) -> tuple[set, set]:
    """Task and indicator rows of a document, as two layouts of the same tables must both give them."""
    doc = read_document(path, Limits())
    for _name, stage in STAGES:
        stage(doc)
    tasks = {(fold(t.title), t.lead_agency, tuple(t.coordinating_agencies), t.deadline_raw) for t in doc.tasks}
    indicators = {(fold(i.name), i.comparator, i.value, i.unit, i.lead_agency) for i in doc.indicators}
    return tasks, indicators


def f1(want: set, got: set) -> float:
    """F1 of two row sets (1.0 when both are empty)."""
    return 2 * len(want & got) / (len(want) + len(got)) if want or got else 1.0
