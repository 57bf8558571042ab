"""The Python API for researchers: one plan in, DataFrames out; or a batch to a folder.

    from pipeline import extract, run
    doc = extract("plan.pdf")
    doc.indicators[["name", "comparator", "value", "unit", "target_year", "indicator_id"]]
    result = run(["data/raw"], "data/processed")

Column meanings are the data dictionary (README, `python -m pipeline schema`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipeline.batch import RunResult, run_batch
from pipeline.config import Limits, RunConfig
from pipeline.inputs import find_inputs
from pipeline.link.linking import link_rows
from pipeline.outputs import to_table
from pipeline.run import OUTPUT_TABLES, process_file


@dataclass
class Extracted:
    """One plan's rows, a DataFrame per output table (same columns as the Parquet files)."""

    status: str  # ok | failed | skipped
    message: str | None
    documents: pd.DataFrame
    headings: pd.DataFrame
    indicators: pd.DataFrame
    tasks: pd.DataFrame
    diagnostics: pd.DataFrame


def extract(path: str | Path, limits: Limits | None = None) -> Extracted:
    """Reads one plan (text, PDF, DOCX, scan) and returns its rows; indicators are linked to the catalog.

    A broken file does not raise: `status` says why, and `diagnostics` holds the reason.
    """
    outcome = process_file(Path(path), limits or Limits())
    tables = outcome.tables
    if tables.get("indicators"):
        linked = link_rows(tables["indicators"], tables.get("documents"))
        tables["diagnostics"] = tables.get("diagnostics", []) + linked.diagnostics
    frames = {name: to_table(name, tables.get(name, [])).to_pandas() for name in OUTPUT_TABLES}
    return Extracted(outcome.status, outcome.message, **frames)


def run(paths: Iterable[str | Path], out: str | Path, config: RunConfig | None = None) -> RunResult:
    """Processes files and folders into Parquet outputs in `out` (what `python -m pipeline run` does)."""
    found = find_inputs([Path(p) for p in paths])
    return run_batch(found.to_read(), Path(out), config or RunConfig(), rejected=found.rejected)
