"""One document: input file -> reader -> stages -> its rows for every output table.

One bad file never stops a batch: a document's failure becomes a `documents` row with
status `failed` or `skipped` plus a diagnostic. Files with identical content are processed
once. The batch itself (worker processes, the versioned output folder) is `pipeline.batch`;
`process_all`/`write_outputs` are the in-memory path for notebooks and small tests.
"""

from __future__ import annotations

import hashlib
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import rows as R
from pipeline._entry import entry_point
from pipeline.config import Limits
from pipeline.executors import DocumentTimeout, call_with_deadline, kill_children
from pipeline.inputs import InputError, open_regular, read_regular, source_name
from pipeline.model import Diagnostic, Document
from pipeline.outputs import write_rows
from pipeline.readers import ReadError, read_document
from pipeline.stages import STAGES

OUTPUT_TABLES = ("documents", "headings", "indicators", "tasks", "diagnostics")
# over a limit, or not to be read: skipped, not failed
SKIP_CODES = (
    *("too_large", "too_many_pages", "too_slow", "too_much_memory", "page_too_large"),
    *("not_regular_file", "symlink_outside"),
)
LINK_ORDER = 1 << 40  # link diagnostics sort after a document's own
NON_UTF8_NAME = "the file name is not valid UTF-8: its raw bytes are kept as \\xNN escapes in source_file"


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


@dataclass
class Job:
    """One distinct content to process; `other_files` are the other paths with the same bytes."""

    path: Path
    sha256: str
    size: int
    other_files: list[str] = field(default_factory=list)
    data: bytes | None = None  # sent along only to executors whose workers may not see the file


# ---------------------------------------------------------------- one document


def run_stages(doc: Document, limits: Limits, started: float) -> None:
    for name, stage in STAGES:
        if time.monotonic() - started > limits.max_seconds:
            raise ReadError(
                f"processing took over the limit of {limits.max_seconds:g} s (stopped before '{name}')", "too_slow"
            )
        try:
            stage(doc)
        except MemoryError:  # over the worker's memory limit: the document is skipped
            raise
        except Exception as exc:  # a broken stage loses its own output, not the document
            doc.diagnose(
                name,
                "error",
                f"stage '{name}' failed: {exc!r}",
                code="stage_error",
                raw_text=traceback.format_exc(limit=3),
            )
    _document_checks(doc)


def _document_checks(doc: Document) -> None:
    """A plan that yields nothing is reported, so an empty result is never silent."""
    if not doc.tables:
        doc.diagnose("run", "warning", "no table found in the document", code="no_tables")
    if not doc.indicators and not doc.tasks:
        doc.diagnose("run", "warning", "no indicator or task extracted from the document", code="nothing_extracted")


def process_file(path: Path, limits: Limits, data: bytes | None = None) -> Outcome:
    started = time.monotonic()
    source = source_name(path)
    try:
        if data is None:
            data = read_regular(path)
        doc = read_document(path, limits, data)
        if source != str(path):
            doc.diagnose("read", "warning", NON_UTF8_NAME, code="non_utf8_name")
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


def work(job: Job, limits: Limits) -> Outcome:
    """A job in a worker: the document under its hard time limit."""
    started = time.monotonic()
    try:
        return call_with_deadline(limits.max_seconds, process_file, job.path, limits, job.data)
    except DocumentTimeout:
        kill_children()
        message = f"processing took over the limit of {limits.max_seconds:g} s"
        return failure(source_name(job.path), message, "too_slow", time.monotonic() - started, job.sha256, job.size)


def fail_job(job: Job, message: str, code: str) -> Outcome:
    return failure(source_name(job.path), message, code, 0.0, job.sha256, job.size)


def _failed(source: str, data: bytes | None, exc: BaseException, seconds: float) -> Outcome:
    code = getattr(exc, "code", None)
    if isinstance(exc, FileNotFoundError):
        message, code = "file does not exist", "not_found"
    elif isinstance(exc, PermissionError):
        message, code = "file cannot be read (permission denied)", "permission_denied"
    elif isinstance(exc, IsADirectoryError):
        message, code = "is a folder, not a file", "not_a_file"
    elif isinstance(exc, (ReadError, InputError)):
        message = str(exc)
    elif isinstance(exc, MemoryError):
        message, code = "processing needed more memory than the per-document limit", "too_much_memory"
    else:
        message, code = f"could not read the file: {type(exc).__name__}: {exc}", code or "read_error"
    digest = hashlib.sha256(data if data is not None else source.encode()).hexdigest()
    return failure(source, message, code or "read_error", seconds, digest, len(data) if data is not None else 0)


def failure(source: str, message: str, code: str, seconds: float, sha256: str, size: int) -> Outcome:
    doc = Document(doc_id=sha256[:16], source_file=source, format="unknown", sha256=sha256, size_bytes=size)
    doc.diagnostics.append(Diagnostic("read", "error", message, code=code))
    status = "skipped" if code in SKIP_CODES else "failed"
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


# ---------------------------------------------------------------- a batch


def _hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open_regular(path) as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def plan_jobs(paths: Iterable[Path]) -> tuple[list[Job], list[Outcome]]:
    """One job per distinct content, in path order; unreadable paths become failed outcomes at once."""
    jobs: dict[str, Job] = {}
    failures = []
    for path in sorted({Path(p) for p in paths}, key=str):
        try:
            digest, size = _hash_file(path)
        except OSError as exc:
            failures.append(_failed(source_name(path), None, exc, 0.0))
            continue
        if digest in jobs:
            jobs[digest].other_files.append(source_name(path))
        else:
            jobs[digest] = Job(path, digest, size)
    return list(jobs.values()), failures


# ---------------------------------------------------------------- in memory (notebooks, small tests)


def process_all(paths: list[Path], limits: Limits, progress=None) -> list[Outcome]:
    """Process every input once per distinct content, in this process; duplicates are named on the first."""
    jobs, outcomes = plan_jobs(paths)
    for job in jobs:
        outcome = work(job, limits)
        for row in outcome.tables.get("documents", []):
            row["other_files"] = list(job.other_files)
        outcomes.append(outcome)
        if progress:
            progress(job.path)
    return sorted(outcomes, key=lambda o: o.source_file)


def link_outcomes(outcomes: list[Outcome], out_dir: Path, decisions: Path | None = None):
    """Links the indicator rows of the whole run to the catalog (wordings are compared across communes).

    Analyst decisions come from `decisions` when given, else from `<out_dir>/decisions.csv` if present
    (format: pipeline/link/decisions.py). Link diagnostics join their document's diagnostics.
    """
    from pipeline.link.linking import link_rows

    path = decisions or Path(out_dir) / "decisions.csv"
    rows = [r for o in outcomes for r in o.tables.get("indicators", [])]
    docs = [r for o in outcomes for r in o.tables.get("documents", [])]
    result = link_rows(rows, docs, path if path.exists() else None)
    by_doc = {o.tables["documents"][0]["doc_id"]: o for o in outcomes if o.tables.get("documents")}
    for diag in result.diagnostics:
        by_doc[diag["doc_id"]].tables.setdefault("diagnostics", []).append(diag)
    return result


def write_outputs(outcomes: list[Outcome], out_dir: Path, linked=None) -> dict[str, Path]:
    written = {
        table: write_rows(table, (r for o in outcomes for r in o.tables.get(table, [])), out_dir)
        for table in OUTPUT_TABLES
    }
    if linked is not None:
        from pipeline.link.linking import write_review_csv

        written["catalog"] = write_rows("catalog", linked.catalog, out_dir)
        written["review"] = write_rows("review", linked.review, out_dir)
        written["review.csv"] = write_review_csv(linked.review, out_dir)
    return written


entry_point(__name__, "run")  # `from pipeline import run; run(paths, out)`: pipeline/api.py
