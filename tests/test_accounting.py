"""No data loss: every row of every detected table ends as an indicator, a task, a group, a
header or a diagnostic, and each status agrees with what was written at that row's lines."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pipeline.config import Limits
from pipeline.model import Document, Row
from pipeline.readers import read_document
from pipeline.stages import STAGES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.corpus import generate  # noqa: E402

STATUSES = {"header", "group", "indicator", "task", "indicator+task", "diagnostic"}
SEEDS = ("000", "001", "002", "003", "004")


def _overlaps(row: Row, start: int | None, end: int | None) -> bool:
    return start is not None and start <= row.line_end and (end if end is not None else start) >= row.line_start


def accounting_problems(doc: Document) -> list[str]:
    """Rows without a status, or whose status has no output at their lines; outputs with no such row."""
    problems = []
    rows = [(t, r) for t in doc.tables for r in t.rows]
    for table, row in rows:
        where = f"table {table.index} lines {row.line_start}-{row.line_end} ({row.raw[:60]!r})"
        if row.status not in STATUSES:
            problems.append(f"{where}: status {row.status!r}")
            continue
        if "indicator" in row.status and not any(_overlaps(row, i.line_start, i.line_end) for i in doc.indicators):
            problems.append(f"{where}: status {row.status} but no indicator row there")
        if "task" in row.status and not any(_overlaps(row, t.line_start, t.line_end) for t in doc.tasks):
            problems.append(f"{where}: status {row.status} but no task row there")
        if row.status == "diagnostic" and not any(
            _overlaps(row, d.line_start, d.line_end) or (row.raw and d.raw_text == row.raw) for d in doc.diagnostics
        ):
            problems.append(f"{where}: status diagnostic but no diagnostic there")
    claimed = [r for _, r in rows if r.status in ("indicator", "indicator+task")]
    for ind in doc.indicators:
        if ind.source == "table" and not any(_overlaps(r, ind.line_start, ind.line_end) for r in claimed):
            problems.append(f"indicator {ind.name[:50]!r} at lines {ind.line_start}-{ind.line_end}: no indicator row")
    claimed = [r for _, r in rows if r.status in ("task", "indicator+task")]
    for task in doc.tasks:
        if task.source == "table" and not any(_overlaps(r, task.line_start, task.line_end) for r in claimed):
            problems.append(f"task {task.title[:50]!r} at lines {task.line_start}-{task.line_end}: no task row")
    return problems


@pytest.mark.parametrize("prefix", SEEDS)
def test_every_seed_row_is_accounted_for(seed_docs, prefix):
    doc = seed_docs[prefix]
    assert doc.tables, "the seed has tables"
    assert accounting_problems(doc) == []


@pytest.fixture(scope="module")
def generated_docs(tmp_path_factory):
    paths = generate(tmp_path_factory.mktemp("corpus"), 3, seed=11)
    docs = []
    for path in paths:
        doc = read_document(path, Limits())
        for _name, stage in STAGES:
            stage(doc)
        docs.append(doc)
    return docs


@pytest.mark.parametrize("index", range(3), ids=["tsv", "flat", "stripped"])
def test_every_generated_row_is_accounted_for(generated_docs, index):
    doc = generated_docs[index]
    assert sum(len(t.rows) for t in doc.tables) >= 10
    assert accounting_problems(doc) == []


def test_the_check_catches_a_lost_row(seed_docs):
    """A row whose indicator went missing is reported (the check itself can fail)."""
    doc = seed_docs["000"]
    row = next(r for t in doc.tables for r in t.rows if r.status == "indicator")
    kept = [i for i in doc.indicators if not _overlaps(row, i.line_start, i.line_end)]
    lost = Document(doc.doc_id, doc.source_file, doc.format, doc.sha256, doc.size_bytes, tables=doc.tables)
    lost.indicators, lost.tasks, lost.diagnostics = kept, doc.tasks, doc.diagnostics
    assert any("no indicator row there" in p for p in accounting_problems(lost))
