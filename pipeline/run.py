"""Batch runs: inputs -> documents -> stages -> Parquet outputs.

One bad file never stops a batch: each document is processed in isolation and
its failure becomes a `documents` row with status `failed` plus a diagnostic.
"""

from __future__ import annotations

import hashlib
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import rows as R
from pipeline.config import Limits
from pipeline.model import Diagnostic, Document
from pipeline.outputs import write_rows
from pipeline.readers import ReadError, read_document
from pipeline.stages import STAGES

OUTPUT_TABLES = ("documents", "headings", "indicators", "tasks", "diagnostics")
INPUT_SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".doc", ".text"}


@dataclass
class Outcome:
    """What one input produced: its rows for every output table."""

    source_file: str
    status: str
    message: str | None
    seconds: float
    tables: dict[str, list[dict]] = field(default_factory=dict)

    def count(self, table: str) -> int:
        return len(self.tables.get(table, []))


def collect_inputs(inputs: list[Path]) -> list[Path]:
    """Files as given, folders expanded (recursively, sorted); missing paths kept to report."""
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES and not p.name.startswith(".")
            )
        else:
            found.append(path)
    return found


def run_stages(doc: Document, limits: Limits, started: float) -> None:
    for name, stage in STAGES:
        if time.monotonic() - started > limits.max_seconds:
            raise ReadError(
                f"processing took over the limit of {limits.max_seconds:g} s (stopped before '{name}')", "too_slow"
            )
        try:
            stage(doc)
        except Exception as exc:  # a broken stage loses its own output, not the document
            doc.diagnose(
                name,
                "error",
                f"stage '{name}' failed: {exc!r}",
                code="stage_error",
                raw_text=traceback.format_exc(limit=3),
            )


def process_file(path: Path, limits: Limits, data: bytes | None = None) -> Outcome:
    started = time.monotonic()
    source = str(path)
    try:
        if data is None:
            data = path.read_bytes()
        doc = read_document(path, limits, data)
        run_stages(doc, limits, started)
    except Exception as exc:  # any reader failure: report the file, go on with the batch
        return _failed(source, data, exc, time.monotonic() - started)
    seconds = time.monotonic() - started
    return Outcome(
        source,
        "ok",
        None,
        seconds,
        {
            "documents": [R.document_row(doc, seconds=seconds)],
            "headings": R.heading_rows(doc),
            "indicators": R.indicator_rows(doc),
            "tasks": R.task_rows(doc),
            "diagnostics": R.diagnostic_rows(doc),
        },
    )


def _failed(source: str, data: bytes | None, exc: Exception, seconds: float) -> Outcome:
    code = getattr(exc, "code", type(exc).__name__)
    if isinstance(exc, FileNotFoundError):
        message, code = "file does not exist", "not_found"
    elif isinstance(exc, PermissionError):
        message, code = "file cannot be read (permission denied)", "permission_denied"
    else:
        message = str(exc) or type(exc).__name__
    digest = hashlib.sha256(data if data is not None else source.encode()).hexdigest()
    doc = Document(
        doc_id=digest[:16],
        source_file=source,
        format="unknown",
        sha256=digest,
        size_bytes=len(data) if data is not None else 0,
    )
    doc.diagnostics.append(Diagnostic("read", "error", message, code=code))
    status = "skipped" if code in ("too_large", "too_many_pages", "too_slow") else "failed"
    return Outcome(
        source,
        status,
        message,
        seconds,
        {
            "documents": [R.document_row(doc, status=status, error=message, seconds=seconds)],
            "diagnostics": R.diagnostic_rows(doc),
        },
    )


def process_all(paths: list[Path], limits: Limits, progress=None) -> list[Outcome]:
    """Process every input once per distinct content; duplicates are named on the first."""
    outcomes: list[Outcome] = []
    by_hash: dict[str, Outcome] = {}
    for path in paths:
        data = None
        try:
            data = path.read_bytes()
        except OSError as exc:
            outcomes.append(_failed(str(path), None, exc, 0.0))
        else:
            digest = hashlib.sha256(data).hexdigest()
            if digest in by_hash:
                first = by_hash[digest]
                for row in first.tables["documents"]:
                    row["other_files"] = [*row["other_files"], str(path)]
            else:
                outcome = process_file(path, limits, data)
                by_hash[digest] = outcome
                outcomes.append(outcome)
        if progress:
            progress(path)
    return outcomes


def write_outputs(outcomes: list[Outcome], out_dir: Path) -> dict[str, Path]:
    return {
        table: write_rows(table, (r for o in outcomes for r in o.tables.get(table, [])), out_dir)
        for table in OUTPUT_TABLES
    }
