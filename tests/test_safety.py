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


# ---------------------------------------------------------------- inputs


def documents_of(out: Path) -> pd.DataFrame:
    return pd.read_parquet(out / "documents.parquet").set_index("source_file")


def test_fifos_and_devices_are_reported_and_skipped_without_blocking(tmp_path):
    folder = plans(tmp_path / "in", OLD[:1])
    os.mkfifo(folder / "pipe.txt")  # opened by a plain reader, a FIFO blocks forever
    os.mkfifo(tmp_path / "named_on_the_command_line.pdf")
    done = cli("run", folder, tmp_path / "named_on_the_command_line.pdf", "/dev/zero", "--out", tmp_path / "out", "-q")
    assert done.returncode == 1, done.stderr
    docs = documents_of(tmp_path / "out")
    assert docs.loc[str(folder / "pipe.txt"), "error"] == "is a FIFO, not a regular file"
    assert docs.loc[str(tmp_path / "named_on_the_command_line.pdf"), "status"] == "skipped"
    assert docs.loc["/dev/zero", "error"] == "is a character device, not a regular file"
    assert docs.loc[str(folder / f"plan_{OLD[0]}.txt"), "status"] == "ok"


def test_links_out_of_the_input_folders_are_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text(seed_path(OLD[1]).read_text(encoding="utf-8") + "\nMẬT KHẨU QUẢN TRỊ: hoa-sen-42\n")
    folder = plans(tmp_path / "in", OLD[:1])
    (folder / "outside.txt").symlink_to(secret)
    (folder / "inside.txt").symlink_to(folder / f"plan_{OLD[0]}.txt")  # inside the input folder: followed
    assert run(folder, "--out", tmp_path / "out") == 1
    docs = documents_of(tmp_path / "out")
    assert docs.loc[str(folder / "outside.txt"), "status"] == "skipped"
    assert "outside the input folders" in docs.loc[str(folder / "outside.txt"), "error"]
    assert list(docs.loc[str(folder / "inside.txt"), "other_files"]) == [str(folder / f"plan_{OLD[0]}.txt")]
    for table in OUTPUT_TABLES:
        assert "hoa-sen-42" not in pd.read_parquet(tmp_path / "out" / f"{table}.parquet").to_csv()
    assert run(folder, "--out", tmp_path / "out2", "--follow-symlinks") == 0
    assert documents_of(tmp_path / "out2").loc[str(folder / "outside.txt"), "status"] == "ok"


def test_a_file_name_that_is_not_utf8_is_kept_and_the_batch_written(tmp_path):
    folder = plans(tmp_path / "in", OLD)
    raw = os.fsencode(folder) + b"/k\xea_ho\xb9ch.txt"  # a TCVN3-era name: not UTF-8
    with open(raw, "wb") as fh:
        fh.write(seed_path(NEW[0]).read_bytes())
    shutil.copy(seed_path(NEW[0]), folder / "same_content.txt")
    assert run(folder, "--out", tmp_path / "out") == 0
    docs = documents_of(tmp_path / "out")
    escaped = f"{folder}/k\\xea_ho\\xb9ch.txt"
    assert docs.loc[escaped, "status"] == "ok"
    assert list(docs.loc[escaped, "other_files"]) == [str(folder / "same_content.txt")]  # processed once
    assert len(docs) == 3
    diags = pd.read_parquet(tmp_path / "out" / "diagnostics.parquet")
    assert set(diags[diags.code == "non_utf8_name"].source_file) == {escaped}
    indicators = pd.read_parquet(tmp_path / "out" / "indicators.parquet")
    assert (indicators.source_file == escaped).sum() == docs.loc[escaped, "n_indicators"] > 0


# ---------------------------------------------------------------- one-line errors


@pytest.mark.parametrize(
    "args",
    [
        ["--max-seconds", "nan"],
        ["--max-seconds", "inf"],
        ["--max-seconds", "-5"],
        ["--max-mb", "nan"],
        ["--jobs", "100000"],
        ["--jobs", "0"],
        ["--out", "/"],
        ["--out", "FILE"],
    ],
)
def test_user_errors_are_one_line_and_exit_2(tmp_path, args):
    folder = plans(tmp_path / "in", OLD[:1])
    (tmp_path / "a_file").write_text("not a folder")
    args = [str(tmp_path / "a_file") if a == "FILE" else a for a in args]
    out = ["--out", str(tmp_path / "out")] if "--out" not in args else []
    done = cli("run", folder, *out, *args)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error:"), done.stderr
    assert not (tmp_path / "out").exists()
    assert (tmp_path / "a_file").read_text() == "not a folder"


def test_jobs_are_capped_to_the_number_of_documents(tmp_path, monkeypatch):
    from pipeline import batch

    sizes = []
    real = batch.run_processes

    def spy(jobs, work, fail, limits, n_jobs):
        sizes.append(n_jobs)
        return real(jobs, work, fail, limits, n_jobs)

    monkeypatch.setattr(batch, "run_processes", spy)
    assert main(["run", str(plans(tmp_path / "in", OLD)), "--out", str(tmp_path / "out"), "-q", "--jobs", "150"]) == 0
    assert sizes == [2]


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch, capsys):
    from pipeline import executors

    monkeypatch.setattr(executors, "SCHEDULER_TIMEOUT", "1s")
    folder = plans(tmp_path / "in", OLD[:1])
    args = ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    assert main(["run", str(folder), "--out", str(tmp_path / "out"), "-q", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot be reached" in err
    assert not (tmp_path / "out" / "documents.parquet").exists()


@pytest.mark.parametrize(
    "csv",
    [
        "indicator_id,year,value\nCD05,2026,80\n",  # no comparator column
        "indicator_id,year,comparator,value\nCD05,2026,>=,tám mươi\n",
        'indicator_id,year,comparator,value\n"CD05,2026\n',
        b"\xff\xfe\x00\x00garbage",
    ],
)
def test_a_bad_reference_csv_is_one_line(datasets, tmp_path, capsys, csv):
    root = datasets[0]
    ref = tmp_path / "ref.csv"
    ref.write_bytes(csv if isinstance(csv, bytes) else csv.encode())
    code = main(["report", "--pred", str(root / "old"), "--out", str(tmp_path / "r.html"), "--reference", str(ref)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and str(ref) in err, err
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("errno_", [28, 30])  # ENOSPC (disk full), EROFS (read-only file system)
def test_io_errors_keep_the_previous_outputs_and_say_so(datasets, tmp_path, monkeypatch, capsys, errno_):
    from pipeline.outputs import StagedOutputs

    root, new_in, old, _ = datasets
    out = tmp_path / "out"
    shutil.copytree(root / "old", out, symlinks=True)

    def full(self, table, parts, metadata=None):
        raise OSError(errno_, os.strerror(errno_), str(self.staging / f"{table}.parquet"))

    monkeypatch.setattr(StagedOutputs, "write_final", full)
    assert main(["run", str(new_in), "--out", str(out), "-q", "--jobs", "1"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and os.strerror(errno_) in err and "previous outputs" in err
    assert "Traceback" not in err
    assert same(dataset(out), old)
    assert len(list((out / "versions").iterdir())) == 1
    assert main(["run", str(new_in), "--out", str(out), "-q", "--jobs", "1", "--verbose"]) == 3
    assert "Traceback" in capsys.readouterr().err
