"""A run's outputs written from the processed seeds (conftest's `seed_docs`), without a batch run."""

from __future__ import annotations

from pathlib import Path

from pipeline import rows as R
from pipeline.link.linking import link_rows
from pipeline.outputs import write_rows


def write_seed_outputs(seed_docs: dict, out: Path) -> Path:
    docs = list(seed_docs.values())
    indicators = [r for d in docs for r in R.indicator_rows(d)]
    documents = [R.document_row(d) for d in docs]
    result = link_rows(indicators, documents)
    tables = {
        "indicators": indicators,
        "documents": documents,
        "catalog": result.catalog,
        "tasks": [r for d in docs for r in R.task_rows(d)],
        "diagnostics": [r for d in docs for r in R.diagnostic_rows(d)] + result.diagnostics,
    }
    for name, rows in tables.items():
        write_rows(name, rows, out)
    return out
