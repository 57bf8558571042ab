"""A batch run: inputs -> worker processes -> a new version of the output folder, made current atomically.

The outputs of a run replace the previous ones only when the run produced something: a run in
which no document could be read keeps the previous dataset (unless `force`), and any error
before the switch (disk full, read-only folder, a crash) leaves it untouched. One run at a time
writes an output folder (a lock; see `pipeline.commit`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline import commit
from pipeline.config import RunConfig
from pipeline.executors import run_dask, run_processes
from pipeline.inputs import read_regular, source_name
from pipeline.outputs import StagedOutputs, sql_path, to_table
from pipeline.progress import PageFeed
from pipeline.run import LINK_ORDER, OUTPUT_TABLES, Job, Outcome, fail_job, failure, plan_jobs, work


class NoInput(ValueError):
    """Nothing to read: the outputs are left untouched."""


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
class RunResult:
    documents: list[Summary]
    written: dict[str, Path]
    linked: object | None = None  # pipeline.link.linking.LinkResult
    link_error: str | None = None
    kept: bool = False  # no document could be read: the previous outputs were kept
    fingerprint: str = ""  # of the pipeline and settings (pipeline.incremental)


def execute(jobs: list[Job], config: RunConfig):
    """(job, outcome) pairs as documents finish, on the configured executor (never more workers than jobs)."""
    n_jobs = max(1, min(config.jobs, len(jobs)))
    # cores the workers leave idle (fewer documents than jobs) read a scan's pages side by side
    limits = replace(config.limits, ocr_threads=config.limits.ocr_threads or max(1, config.jobs // n_jobs))
    if config.executor == "dask":
        loaded = (_with_data(job) for job in jobs)
        return run_dask(loaded, work, fail_job, limits, n_jobs, config.scheduler)
    # always in worker processes, even one: a document that runs away (memory, a C crash) costs only itself
    return run_processes(jobs, work, fail_job, limits, n_jobs)


def _with_data(job: Job) -> Job:
    try:
        data = read_regular(job.path)
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
    rejected: Iterable[tuple[Path, str, str]] = (),
    pages: Callable[[str, int, int], None] | None = None,
) -> RunResult:
    """Processes every input and makes the result the current dataset of `out_dir`; returns one summary
    per input document. `rejected` are (path, reason, code) found but not to be read (reported as skipped).
    `progress` is called as each document is done, `pages(source_file, done, pages)` as a scan's pages
    are read by OCR (from a thread of this process; every call is made before this returns)."""
    config = config or RunConfig()
    paths, rejected = list(paths), list(rejected)
    if not paths and not rejected:
        raise NoInput("no input files found")
    out_dir = Path(out_dir)
    with commit.OutputLock(out_dir, config.wait):
        commit.clean(out_dir)
        previous_dir = commit.current_dir(out_dir)
        version = commit.new_version(out_dir)
        staged = StagedOutputs(version, OUTPUT_TABLES, config.row_group_rows)
        try:
            result = _process(staged, paths, rejected, previous_dir, config, progress, pages)
            commit.pause("staged")
            if previous_dir is not None and not config.force and not any(d.status == "ok" for d in result.documents):
                staged.abort()
                result.kept = True
                return result
            _finalize(staged, result, decisions or out_dir / "decisions.csv")
            staged.finish()
        except BaseException:
            staged.abort()
            raise
        result.written = commit.publish(out_dir, version)
    return result


def _process(staged, paths, rejected, previous_dir, config, progress, pages=None) -> RunResult:
    """Every document's rows streamed to `staged` (reused from `previous_dir` when incremental)."""
    from pipeline import incremental

    summaries: list[Summary] = []

    def record(outcome: Outcome, other_files: list[str] = ()) -> None:
        for row in outcome.tables.get("documents", []):
            row["other_files"] = list(other_files)
        for table in OUTPUT_TABLES:
            staged.add(table, outcome.tables.get(table, []))
        summaries.append(_summary(outcome, list(other_files)))
        if progress:
            progress(summaries[-1])

    for path, message, code in rejected:
        name = source_name(path)
        record(failure(name, message, code, 0.0, hashlib.sha256(name.encode()).hexdigest(), 0))
    jobs, failures = plan_jobs(paths)
    for outcome in failures:
        record(outcome)
    fp = incremental.fingerprint(config.limits)
    previous = incremental.previous_documents(previous_dir, fp) if config.incremental and previous_dir else {}
    todo = [job for job in jobs if job.sha256 not in previous]
    reused = [job for job in jobs if job.sha256 in previous]
    if reused:
        _reuse(staged, previous_dir, reused, previous, summaries, progress)
    names = {job.sha256: source_name(job.path) for job in todo}

    def page_read(sha256: str, done: int, total: int) -> None:
        if sha256 in names:
            pages(names[sha256], done, total)

    with PageFeed(page_read if pages else None):
        for job, outcome in execute(todo, config):
            record(outcome, job.other_files)
    return RunResult(sorted(summaries, key=lambda s: s.source_file), {}, fingerprint=fp)


def _reuse(staged: StagedOutputs, previous_dir: Path, jobs: list[Job], previous: dict, summaries: list, progress):
    """The previous rows of unchanged documents join the new run under their current file names."""
    import pyarrow as pa

    from pipeline import incremental

    mapping = pa.table(
        {
            "doc_id": [previous[j.sha256] for j in jobs],
            "source_file": [source_name(j.path) for j in jobs],
            "other_files": pa.array([j.other_files for j in jobs], type=pa.list_(pa.string())),
        }
    )
    staged.con.register("reused", mapping)
    for table, sql in incremental.reuse_queries(previous_dir, list(OUTPUT_TABLES)).items():
        staged.add_query(table, sql)
    counts = staged.con.sql(
        "SELECT doc_id, n_headings, n_indicators, n_tasks, n_diagnostics, seconds "
        f"FROM read_parquet('{sql_path(previous_dir / 'documents.parquet')}') JOIN reused USING (doc_id)"
    ).fetchall()
    by_id = {row[0]: row for row in counts}
    for job in jobs:
        _, h, i, t, d, s = by_id[previous[job.sha256]]
        tallies = {"documents": 1, "headings": h, "indicators": i, "tasks": t, "diagnostics": d}
        name = source_name(job.path)
        summary = Summary(name, "ok", None, s or 0.0, tallies, reused=True, other_files=job.other_files)
        summaries.append(summary)
        if progress:
            progress(summary)


def _finalize(staged: StagedOutputs, result: RunResult, decisions: Path) -> None:
    """Sorts every table and links the indicators of the whole run, into the new version folder."""
    from pipeline.incremental import FINGERPRINT_KEY

    staged.close_parts()
    docs = _concat("documents", staged.sorted_tables("documents"))
    staged.write_final("documents", [docs], metadata={FINGERPRINT_KEY: result.fingerprint.encode()})
    indicators = [row for part in staged.sorted_tables("indicators") for row in part.to_pylist()]
    linked, link_error = None, None
    try:
        from pipeline.link.linking import link_rows, write_review_csv

        linked = link_rows(indicators, docs.to_pylist(), decisions if decisions.exists() else None)
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
    result.linked, result.link_error = linked, link_error


def _concat(table: str, parts):
    import pyarrow as pa

    from pipeline.schema import schema

    parts = list(parts)
    return pa.concat_tables(parts) if parts else schema(table).empty_table()


def _run_diagnostic(stage: str, reason: str, code: str) -> dict:
    return {"doc_id": None, "source_file": None, "stage": stage, "severity": "error", "code": code, "reason": reason}
