"""Batch runs: inputs -> documents -> stages -> Parquet outputs.

One bad file never stops a batch: each document is processed in isolation (in a
worker process, under a hard time limit) and its failure becomes a `documents`
row with status `failed` or `skipped` plus a diagnostic. Files with identical
content are processed once. Rows are streamed to a staging folder and the tables
replace the previous outputs only when all of them are complete.
"""

from __future__ import annotations

import hashlib
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import rows as R
from pipeline._entry import entry_point
from pipeline.config import Limits, RunConfig
from pipeline.executors import DocumentTimeout, call_with_deadline, run_dask, run_processes, run_serial
from pipeline.model import Diagnostic, Document
from pipeline.outputs import StagedOutputs, sql_path, to_table, write_rows
from pipeline.readers import ReadError, read_document
from pipeline.stages import STAGES

OUTPUT_TABLES = ("documents", "headings", "indicators", "tasks", "diagnostics")
INPUT_SUFFIXES = {".txt", ".md", ".pdf", ".docx", ".doc", ".text"}
SKIP_CODES = ("too_large", "too_many_pages", "too_slow")  # over a limit: skipped, not failed
LINK_ORDER = 1 << 40  # link diagnostics sort after a document's own


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
class Summary:
    """One document's line in the run summary (the rows themselves are already written)."""

    source_file: str
    status: str
    message: str | None
    seconds: float
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)  # document-level warnings, e.g. no tables found
    reused: bool = False
    other_files: list[str] = field(default_factory=list)  # same content under other names

    def count(self, table: str) -> int:
        return self.counts.get(table, 0)


@dataclass
class Job:
    """One distinct content to process; `other_files` are the other paths with the same bytes."""

    path: Path
    sha256: str
    size: int
    other_files: list[str] = field(default_factory=list)
    data: bytes | None = None  # sent along only to executors whose workers may not see the file


@dataclass
class RunResult:
    documents: list[Summary]
    written: dict[str, Path]
    linked: object | None = None  # pipeline.link.linking.LinkResult
    link_error: str | None = None


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


# ---------------------------------------------------------------- one document


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
    _document_checks(doc)


def _document_checks(doc: Document) -> None:
    """A plan that yields nothing is reported, so an empty result is never silent."""
    if not doc.tables:
        doc.diagnose("run", "warning", "no table found in the document", code="no_tables")
    if not doc.indicators and not doc.tasks:
        doc.diagnose("run", "warning", "no indicator or task extracted from the document", code="nothing_extracted")


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


def work(job: Job, limits: Limits) -> Outcome:
    """A job in a worker: the document under its hard time limit."""
    started = time.monotonic()
    try:
        return call_with_deadline(limits.max_seconds, process_file, job.path, limits, job.data)
    except DocumentTimeout:
        message = f"processing took over the limit of {limits.max_seconds:g} s"
        return failure(str(job.path), message, "too_slow", time.monotonic() - started, job.sha256, job.size)


def fail_job(job: Job, message: str, code: str) -> Outcome:
    return failure(str(job.path), message, code, 0.0, job.sha256, job.size)


def _failed(source: str, data: bytes | None, exc: BaseException, seconds: float) -> Outcome:
    code = getattr(exc, "code", None)
    if isinstance(exc, FileNotFoundError):
        message, code = "file does not exist", "not_found"
    elif isinstance(exc, PermissionError):
        message, code = "file cannot be read (permission denied)", "permission_denied"
    elif isinstance(exc, IsADirectoryError):
        message, code = "is a folder, not a file", "not_a_file"
    elif isinstance(exc, ReadError):
        message = str(exc)
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
    with open(path, "rb") as fh:
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
            failures.append(_failed(str(path), None, exc, 0.0))
            continue
        if digest in jobs:
            jobs[digest].other_files.append(str(path))
        else:
            jobs[digest] = Job(path, digest, size)
    return list(jobs.values()), failures


def execute(jobs: list[Job], config: RunConfig):
    """(job, outcome) pairs as documents finish, on the configured executor."""
    if config.executor == "dask":
        loaded = (_with_data(job) for job in jobs)
        return run_dask(loaded, work, fail_job, config.limits, config.jobs, config.scheduler)
    if config.jobs <= 1 or len(jobs) <= 1:
        return run_serial(jobs, work, config.limits)
    return run_processes(jobs, work, fail_job, config.limits, config.jobs)


def _with_data(job: Job) -> Job:
    try:
        data = job.path.read_bytes()
    except OSError:
        return job  # the worker reports it
    return Job(job.path, job.sha256, job.size, job.other_files, data)


def _summary(outcome: Outcome, other_files: list[str]) -> Summary:
    notes = [
        d["reason"]
        for d in outcome.tables.get("diagnostics", [])
        if d.get("line_start") is None and d.get("severity") in ("warning", "error") and d.get("stage") != "read"
    ]
    counts = {t: outcome.count(t) for t in OUTPUT_TABLES}
    return Summary(
        outcome.source_file, outcome.status, outcome.message, outcome.seconds, counts, notes, other_files=other_files
    )


def run_batch(
    paths: Iterable[Path],
    out_dir: Path,
    config: RunConfig | None = None,
    decisions: Path | None = None,
    progress: Callable[[Summary], None] | None = None,
) -> RunResult:
    """Processes every input and replaces the outputs in `out_dir`; returns one summary per input document."""
    from pipeline import incremental

    config = config or RunConfig()
    staged = StagedOutputs(out_dir, OUTPUT_TABLES, config.row_group_rows)
    summaries: list[Summary] = []

    def record(outcome: Outcome, other_files: list[str] = ()) -> None:
        for row in outcome.tables.get("documents", []):
            row["other_files"] = list(other_files)
        for table in OUTPUT_TABLES:
            staged.add(table, outcome.tables.get(table, []))
        summaries.append(_summary(outcome, list(other_files)))
        if progress:
            progress(summaries[-1])

    try:
        jobs, failures = plan_jobs(paths)
        for outcome in failures:
            record(outcome)
        fp = incremental.fingerprint(config.limits)
        previous = incremental.previous_documents(out_dir, fp) if config.incremental else {}
        todo = [job for job in jobs if job.sha256 not in previous]
        reused = [job for job in jobs if job.sha256 in previous]
        if reused:
            _reuse(staged, out_dir, reused, previous, summaries, progress)
        for job, outcome in execute(todo, config):
            record(outcome, job.other_files)
        result = _finalize(staged, out_dir, decisions, fp)
    except BaseException:
        staged.abort()
        raise
    result.documents = sorted(summaries, key=lambda s: s.source_file)
    return result


def _reuse(staged: StagedOutputs, out_dir: Path, jobs: list[Job], previous: dict, summaries: list, progress) -> None:
    """The previous rows of unchanged documents join the new run under their current file names."""
    import pyarrow as pa

    from pipeline import incremental

    mapping = pa.table(
        {
            "doc_id": [previous[j.sha256] for j in jobs],
            "source_file": [str(j.path) for j in jobs],
            "other_files": pa.array([j.other_files for j in jobs], type=pa.list_(pa.string())),
        }
    )
    staged.con.register("reused", mapping)
    for table, sql in incremental.reuse_queries(out_dir, list(OUTPUT_TABLES)).items():
        staged.add_query(table, sql)
    counts = staged.con.sql(
        "SELECT doc_id, n_headings, n_indicators, n_tasks, n_diagnostics, seconds "
        f"FROM read_parquet('{sql_path(Path(out_dir) / 'documents.parquet')}') JOIN reused USING (doc_id)"
    ).fetchall()
    by_id = {row[0]: row for row in counts}
    for job in jobs:
        _, h, i, t, d, s = by_id[previous[job.sha256]]
        tallies = {"documents": 1, "headings": h, "indicators": i, "tasks": t, "diagnostics": d}
        summary = Summary(str(job.path), "ok", None, s or 0.0, tallies, reused=True, other_files=job.other_files)
        summaries.append(summary)
        if progress:
            progress(summary)


def _finalize(staged: StagedOutputs, out_dir: Path, decisions: Path | None, fp: str) -> RunResult:
    """Sorts every table, links the indicators of the whole run, and moves the outputs into place."""
    from pipeline.incremental import FINGERPRINT_KEY

    staged.close_parts()
    docs = _concat("documents", staged.sorted_tables("documents"))
    staged.write_final("documents", [docs], metadata={FINGERPRINT_KEY: fp.encode()})
    indicators = [row for part in staged.sorted_tables("indicators") for row in part.to_pylist()]
    linked, link_error = None, None
    try:
        from pipeline.link.linking import link_rows, write_review_csv

        path = decisions or Path(out_dir) / "decisions.csv"
        linked = link_rows(indicators, docs.to_pylist(), path if path.exists() else None)
    except Exception as exc:  # a linker bug leaves the rows unlinked, it does not lose the run
        link_error = f"linking failed: {exc!r}"
        staged.add_late("diagnostics", [_run_diagnostic("link", link_error, "link_error")], start=LINK_ORDER)
    step = staged.row_group_rows
    staged.write_final(
        "indicators", (to_table("indicators", indicators[i : i + step]) for i in range(0, len(indicators), step))
    )
    del indicators
    if linked is not None:
        staged.add_late("diagnostics", linked.diagnostics, start=LINK_ORDER)
        staged.write_final("catalog", [to_table("catalog", linked.catalog)])
        staged.write_final("review", [to_table("review", linked.review)])
        write_review_csv(linked.review, staged.staging)
    for table in ("headings", "tasks", "diagnostics"):
        staged.write_final(table, staged.sorted_tables(table))
    return RunResult([], staged.commit(), linked, link_error)


def _concat(table: str, parts):
    import pyarrow as pa

    from pipeline.schema import schema

    parts = list(parts)
    return pa.concat_tables(parts) if parts else schema(table).empty_table()


def _run_diagnostic(stage: str, reason: str, code: str) -> dict:
    return {"doc_id": None, "source_file": None, "stage": stage, "severity": "error", "code": code, "reason": reason}


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
