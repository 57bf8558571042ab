"""The batch runner's guarantees: hard time limit, crash isolation, determinism, incremental runs
(atomic outputs and the other safety guarantees: test_safety.py)."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from pipeline import executors
from pipeline import run as run_module
from pipeline.batch import run_batch
from pipeline.cli import main
from pipeline.config import Limits, RunConfig
from pipeline.run import OUTPUT_TABLES

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.corpus import generate  # noqa: E402

MARK = "Ghi chú kiểm thử: treo"  # a line that makes the injected stage misbehave


def corpus(folder: Path, n: int, seed: int = 0, layouts=("tsv", "flat", "stripped")) -> list[Path]:
    return generate(folder, n, seed, layouts)


def read_outputs(out: Path) -> dict[str, pd.DataFrame]:
    """Every output table, without the processing times (the one column that may differ between runs)."""
    frames = {}
    for table in OUTPUT_TABLES:
        frame = pd.read_parquet(out / f"{table}.parquet")
        frames[table] = frame.drop(columns=["seconds"], errors="ignore")
    return frames


def assert_same_outputs(a: dict, b: dict) -> None:
    for table in OUTPUT_TABLES:
        pd.testing.assert_frame_equal(a[table], b[table], check_like=False, obj=table)


def _with_stage(monkeypatch, behaviour) -> None:
    """Adds a stage that misbehaves on documents holding MARK (workers are forked, so they see it)."""

    def stage(doc):
        if any(MARK in ln.text for ln in doc.lines):
            behaviour()

    monkeypatch.setattr(run_module, "STAGES", [*run_module.STAGES, ("fault", stage)])


def _marked(folder: Path, source: Path) -> Path:
    path = folder / "marked.txt"
    path.write_text(source.read_text(encoding="utf-8") + f"\n{MARK}\n", encoding="utf-8")
    return path


def _statuses(result) -> dict[str, tuple[str, str | None]]:
    return {Path(d.source_file).name: (d.status, d.message) for d in result.documents}


@pytest.mark.slow
def test_a_stuck_stage_is_interrupted_at_the_time_limit(tmp_path, monkeypatch):
    paths = corpus(tmp_path / "c", 3, layouts=("tsv",))
    marked = _marked(tmp_path, paths[0])
    _with_stage(monkeypatch, lambda: time.sleep(600))
    config = RunConfig(limits=Limits(max_seconds=4), jobs=2)
    result = run_batch([*paths, marked], tmp_path / "out", config)
    statuses = _statuses(result)
    assert statuses.pop("marked.txt") == ("skipped", "processing took over the limit of 4 s")
    assert all(status == "ok" for status, _ in statuses.values()), statuses
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs.set_index("source_file").loc[str(marked), "status"] == "skipped"


@pytest.mark.slow
def test_a_document_that_ignores_the_alarm_is_killed(tmp_path, monkeypatch):
    """A stage stuck where SIGALRM cannot reach it (like a C extension) is killed by the parent."""
    paths = corpus(tmp_path / "c", 3, layouts=("tsv",))
    marked = _marked(tmp_path, paths[0])

    def deaf():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(600)

    _with_stage(monkeypatch, deaf)
    monkeypatch.setattr(executors, "GRACE_SECONDS", 1.0)
    config = RunConfig(limits=Limits(max_seconds=3), jobs=2)
    result = run_batch([*paths, marked], tmp_path / "out", config)
    statuses = _statuses(result)
    status, message = statuses.pop("marked.txt")
    assert status == "skipped" and "worker killed" in message
    assert all(status == "ok" for status, _ in statuses.values()), statuses


@pytest.mark.slow
def test_a_crashing_worker_costs_only_its_document(tmp_path, monkeypatch):
    paths = corpus(tmp_path / "c", 4, layouts=("tsv",))
    marked = _marked(tmp_path, paths[0])
    _with_stage(monkeypatch, lambda: os._exit(1))
    result = run_batch([*paths, marked], tmp_path / "out", RunConfig(jobs=2))
    statuses = _statuses(result)
    assert statuses.pop("marked.txt") == ("failed", "the worker process crashed on this document")
    assert all(status == "ok" for status, _ in statuses.values()), statuses
    assert len(pd.read_parquet(tmp_path / "out" / "documents.parquet")) == 5


@pytest.mark.slow
def test_reruns_give_identical_outputs_serial_or_parallel(tmp_path):
    paths = corpus(tmp_path / "c", 8)
    seed_003 = next((ROOT / "data" / "raw").glob("003_*.txt"))
    inputs = [*paths, seed_003]
    assert main(["run", *map(str, inputs), "--out", str(tmp_path / "a"), "-q", "--jobs", "2"]) == 0
    assert main(["run", *map(str, reversed(inputs)), "--out", str(tmp_path / "b"), "-q", "--jobs", "1"]) == 0
    a, b = read_outputs(tmp_path / "a"), read_outputs(tmp_path / "b")
    assert_same_outputs(a, b)
    assert len(a["indicators"]) > 50 and a["indicators"].row_id.is_unique
    assert list(a["documents"].source_file) == sorted(map(str, inputs))
    # small row groups: same content, streamed in several pieces
    result = run_batch(inputs, tmp_path / "c_out", RunConfig(jobs=2, row_group_rows=7))
    assert all(d.status == "ok" for d in result.documents)
    assert_same_outputs(a, read_outputs(tmp_path / "c_out"))
    import pyarrow.parquet as pq

    assert pq.ParquetFile(tmp_path / "c_out" / "indicators.parquet").num_row_groups > 1


@pytest.mark.slow
def test_incremental_run_reprocesses_only_what_changed(tmp_path, monkeypatch):
    folder = tmp_path / "plans"
    paths = corpus(tmp_path / "c", 5)
    folder.mkdir()
    for p in paths:
        shutil.copy(p, folder / p.name)
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out), "-q", "--jobs", "1", "--incremental"]) == 0
    before = read_outputs(out)

    changed = folder / paths[1].name
    changed.write_text(changed.read_text(encoding="utf-8").replace("%", " %", 1), encoding="utf-8")
    (folder / paths[2].name).unlink()
    added = folder / "plan_new.txt"
    shutil.copy(corpus(tmp_path / "c2", 1, seed=7)[0], added)
    shutil.copy(folder / paths[3].name, folder / "renamed_copy.txt")  # same content, second name

    log = tmp_path / "processed.log"  # documents are processed in worker processes: they log to a file
    real = run_module.process_file

    def spy(path, limits, data=None):
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(Path(path).name + "\n")
        return real(path, limits, data)

    def processed() -> list[str]:
        return log.read_text(encoding="utf-8").split() if log.exists() else []

    monkeypatch.setattr(run_module, "process_file", spy)
    result = run_batch(sorted(folder.iterdir()), out, RunConfig(jobs=1, incremental=True))
    assert sorted(processed()) == sorted([changed.name, added.name])
    assert sum(d.reused for d in result.documents) == 3
    after = read_outputs(out)
    assert str(folder / paths[2].name) not in set(after["documents"].source_file)
    kept = before["indicators"][before["indicators"].source_file == str(folder / paths[0].name)]
    again = after["indicators"][after["indicators"].source_file == str(folder / paths[0].name)]
    pd.testing.assert_frame_equal(kept.reset_index(drop=True), again.reset_index(drop=True))
    copies = after["documents"].set_index("source_file").loc[str(folder / paths[3].name), "other_files"]
    assert list(copies) == [str(folder / "renamed_copy.txt")]

    monkeypatch.setattr(run_module, "process_file", real)
    assert main(["run", str(folder), "--out", str(tmp_path / "fresh"), "-q", "--jobs", "1"]) == 0
    assert_same_outputs(after, read_outputs(tmp_path / "fresh"))

    log.unlink()
    monkeypatch.setattr(run_module, "process_file", spy)  # a setting that changes outputs: all again
    run_batch(sorted(folder.iterdir()), out, RunConfig(limits=Limits(ocr=False), jobs=1, incremental=True))
    assert len(processed()) == 5


def _crash_or_echo(job: str, limits) -> str:
    """A document's work in a pool worker: the crashing ones end the process."""
    if job.startswith("crash"):
        os._exit(1)
    return f"ok {job}"


def _failed(job: str, message: str, code: str) -> str:
    return f"{code} {job}"


def test_every_crashing_document_is_retried_alone_in_a_new_pool():
    """Two documents that each crash their worker: after the first crashes alone, the second runs in a
    fresh pool (the broken one refuses work), and an innocent document beside them still finishes."""
    from pipeline.config import Limits
    from pipeline.executors import run_processes

    jobs = ["crash-a", "crash-b", "plain"]
    got = dict(run_processes(jobs, _crash_or_echo, _failed, Limits(), 1))
    assert got == {"crash-a": "worker_crashed crash-a", "crash-b": "worker_crashed crash-b", "plain": "ok plain"}
