"""Never lose a dataset: atomic commits under SIGKILL, no-op runs that keep outputs, safe inputs,
one-line errors, resource limits that hold. Each test builds its own inputs in a temporary folder."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from builders import seed_path

from pipeline.cli import main
from pipeline.commit import PAUSE_ENV, PAUSE_POINTS, OutputLock
from pipeline.run import OUTPUT_TABLES

ROOT = Path(__file__).resolve().parent.parent
OLD, NEW = ("000", "001"), ("002", "003", "004")
# the commit points before which a kill leaves the old dataset; from "switched" on, the new one is current
BEFORE_SWITCH = {"staged", "written"}


def plans(folder: Path, prefixes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for prefix in prefixes:
        shutil.copy(seed_path(prefix), folder / f"plan_{prefix}.txt")
    return folder


def dataset(out: Path) -> dict[str, pd.DataFrame]:
    """Every output table as readers see it (through the top-level files), without processing times."""
    return {t: pd.read_parquet(out / f"{t}.parquet").drop(columns=["seconds"], errors="ignore") for t in OUTPUT_TABLES}


def assert_consistent(data: dict[str, pd.DataFrame]) -> None:
    docs = data["documents"]
    for table in ("indicators", "tasks", "headings"):
        assert docs[f"n_{table}"].sum() == len(data[table]), table
        assert set(data[table].doc_id) <= set(docs.doc_id), table


def same(a: dict, b: dict) -> bool:
    return all(a[t].reset_index(drop=True).equals(b[t].reset_index(drop=True)) for t in OUTPUT_TABLES)


def run(*args: str) -> int:
    return main(["run", *map(str, args), "-q", "--jobs", "1"])


def cli(*args: str, env: dict | None = None, **kwargs) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pipeline", *map(str, args)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})}, **kwargs)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    """An output folder holding the OLD plans' dataset, and the NEW plans' dataset from a clean run."""
    root = tmp_path_factory.mktemp("safety")
    old_in, new_in = plans(root / "old_in", OLD), plans(root / "new_in", NEW)
    assert run(old_in, "--out", root / "old") == 0
    assert run(new_in, "--out", root / "new") == 0
    return root, new_in, dataset(root / "old"), dataset(root / "new")


# ---------------------------------------------------------------- the commit


@pytest.mark.slow
@pytest.mark.parametrize("point", PAUSE_POINTS)
def test_a_run_killed_at_any_point_of_the_commit_leaves_old_or_new(datasets, tmp_path, point):
    root, new_in, old, new = datasets
    out = tmp_path / "out"
    shutil.copytree(root / "old", out, symlinks=True)
    cmd = [sys.executable, "-m", "pipeline", "run", str(new_in), "--out", str(out), "-q", "--jobs", "1"]
    env = {**os.environ, PAUSE_ENV: point}
    with subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, start_new_session=True) as proc:
        assert proc.stdout.readline() == f"PAUSED {point}\n"  # blocks until the run reaches the point
        os.killpg(proc.pid, signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL
    seen = dataset(out)
    assert_consistent(seen)
    assert same(seen, old if point in BEFORE_SWITCH else new)
    assert not same(old, new)
    assert run(new_in, "--out", out, "--incremental") == 0  # the lock died with the run
    assert same(dataset(out), new)
    assert len(list((out / "versions").iterdir())) == 1, "superseded and half-written versions are removed"


def test_a_flat_output_folder_of_an_older_version_is_adopted(tmp_path):
    """Outputs written as plain files are turned into a version, then replaced like any other."""
    out = tmp_path / "out"
    assert run(plans(tmp_path / "a", OLD[:1]), "--out", out) == 0
    for path in out.iterdir():  # back to the older layout: plain files in the folder
        if path.is_symlink() and path.name != "current":
            data = path.read_bytes()
            path.unlink()
            path.write_bytes(data)
    (out / "current").unlink()
    shutil.rmtree(out / "versions")
    assert run(plans(tmp_path / "b", NEW[:1]), "--out", out) == 0
    docs = pd.read_parquet(out / "documents.parquet")
    assert [Path(p).name for p in docs.source_file] == [f"plan_{NEW[0]}.txt"]
    assert (out / "documents.parquet").is_symlink()


def test_a_second_run_on_the_same_folder_stops_with_one_line(tmp_path):
    out = tmp_path / "out"
    with OutputLock(out):
        done = cli("run", plans(tmp_path / "in", OLD[:1]), "--out", out, "-q", "--jobs", "1")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "another run" in done.stderr and "--wait" in done.stderr
    assert not (out / "documents.parquet").exists()


# ---------------------------------------------------------------- runs that produced nothing


def test_no_input_found_exits_2_and_touches_nothing(datasets, tmp_path):
    root, _, old, _ = datasets
    out = tmp_path / "out"
    shutil.copytree(root / "old", out, symlinks=True)
    before = sorted(p.name for p in out.rglob("*"))
    done = cli("run", tmp_path / "typo_folder", "--out", out)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "no input files found" in done.stderr
    assert sorted(p.name for p in out.rglob("*")) == before
    assert same(dataset(out), old)
    assert main(["run", str(tmp_path / "typo_folder"), "--out", str(tmp_path / "new_out")]) == 2
    assert not (tmp_path / "new_out").exists()


def test_a_run_where_every_document_failed_keeps_the_outputs(datasets, tmp_path, capsys):
    root, _, old, _ = datasets
    out = tmp_path / "out"
    shutil.copytree(root / "old", out, symlinks=True)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "empty.txt").write_bytes(b"")
    (bad / "junk.pdf").write_bytes(bytes(range(256)) * 8)
    assert main(["run", str(bad), "--out", str(out), "--jobs", "1"]) == 1
    assert "previous outputs" in capsys.readouterr().err
    assert same(dataset(out), old)
    assert main(["run", str(bad), "--out", str(out), "--jobs", "1", "-q", "--force"]) == 1
    assert set(pd.read_parquet(out / "documents.parquet").status) == {"failed"}
