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


def test_a_comparison_belongs_to_the_dataset_it_was_computed_from(datasets, tmp_path):
    root, new_in, _old, _new = datasets
    out = tmp_path / "out"
    shutil.copytree(root / "old", out, symlinks=True)
    assert main(["compare", "--pred", str(out)]) == 0
    version = (out / "current").resolve()
    assert (out / "comparison.parquet").resolve() == version / "comparison.parquet"
    assert len(pd.read_parquet(out / "comparison.parquet"))
    assert run(new_in, "--out", out) == 0
    # the next run's dataset comes without it: no stale comparison of the old plans is left beside it
    assert not (out / "comparison.parquet").exists() and not (out / "comparison.parquet").is_symlink()
    with OutputLock(out):  # a run is writing: compare says so in one line instead of mixing
        assert main(["compare", "--pred", str(out)]) == 2


def test_only_the_pipelines_own_versions_are_ever_removed(tmp_path):
    out = tmp_path / "out"
    mine = out / "versions" / "v2_final"
    mine.mkdir(parents=True)
    (mine / "notes.txt").write_text("an analyst's own folder")
    assert run(plans(tmp_path / "in", OLD[:1]), "--out", out) == 0
    assert run(plans(tmp_path / "in", OLD[:1]), "--out", out) == 0
    assert (mine / "notes.txt").read_text() == "an analyst's own folder"
    assert len(list((out / "versions").iterdir())) == 2


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


def test_with_wait_a_second_run_waits_for_the_first(tmp_path):
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline", "run", str(plans(tmp_path / "in", OLD[:1])), "--out", str(out)]
    lock = OutputLock(out).__enter__()
    try:
        proc = subprocess.Popen([*cmd, "-q", "--jobs", "1", "--wait"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        assert proc.stderr.readline().startswith("waiting for another run")  # blocks until it waits
        assert not (out / "documents.parquet").exists()
    finally:
        lock.__exit__(None, None, None)
    assert proc.wait() == 0
    proc.stderr.close()
    assert len(pd.read_parquet(out / "documents.parquet")) == 1


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
    assert docs.doc_id.is_unique


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
        "indicator_id,year,comparator\nCD05,2026,>=\n",  # no value column
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


# ---------------------------------------------------------------- resource limits, one bad page


def text_pdf(path: Path, pages: int, damaged: int | None = None, huge: int | None = None, scan: int | None = None):
    """A PDF of `pages` text pages; page `damaged` gets a content stream its filter cannot decode, page `huge`
    is a blank 100 x 100-inch page, page `scan` holds only an image (no text layer: OCR)."""
    import pymupdf
    from builders import font_path
    from PIL import Image, ImageDraw

    pdf = pymupdf.open()
    for n in range(1, pages + 1):
        if n == huge:
            pdf.new_page(width=7200, height=7200)
            continue
        page = pdf.new_page()
        if n == scan:
            image = Image.new("L", (600, 200), 255)
            ImageDraw.Draw(image).rectangle((40, 40, 560, 160), outline=0, width=4)
            buffer = __import__("io").BytesIO()
            image.save(buffer, format="PNG")
            page.insert_image(pymupdf.Rect(72, 72, 372, 172), stream=buffer.getvalue())
            continue
        page.insert_font(fontname="dv", fontfile=font_path())
        page.insert_text((72, 72), f"Trang {n}: mục tiêu chuyển đổi số của xã năm 2026", fontname="dv")
    if damaged:
        xref = pdf[damaged - 1].get_contents()[0]
        pdf.update_stream(xref, b"\x00\x9c not the bytes the filter expects " * 40, compress=False)
        pdf.xref_set_key(xref, "Filter", "/LZWDecode")
    pdf.save(path)
    return path


def read(path: Path, **limits):
    from pipeline.config import Limits
    from pipeline.readers import read_document

    return read_document(path, Limits(**limits))


def test_one_damaged_page_costs_that_page_only(tmp_path):
    doc = read(text_pdf(tmp_path / "plan.pdf", 3, damaged=2), ocr=False)
    assert [p.method == "failed" for p in doc.pages] == [False, True, False]
    errors = [d for d in doc.diagnostics if d.code == "page_error"]
    assert [d.page for d in errors] == [2] and "damaged" in errors[0].reason
    assert [ln.text.split(":")[0] for ln in doc.lines if ln.text.startswith("Trang")] == ["Trang 1", "Trang 3"]


def test_a_huge_page_is_not_rasterised(tmp_path):
    doc = read(text_pdf(tmp_path / "plan.pdf", 2, huge=1))
    (diag,) = [d for d in doc.diagnostics if d.code == "page_too_large"]
    assert diag.page == 1 and "not rasterised" in diag.reason
    assert any(ln.text.startswith("Trang 2") for ln in doc.lines)
    from pipeline.config import Limits
    from pipeline.run import process_file

    alone = process_file(text_pdf(tmp_path / "blank.pdf", 1, huge=1), Limits())
    assert alone.status == "skipped" and "not rasterised" in alone.message


def test_a_stuck_page_is_stopped_at_the_page_limit(tmp_path, monkeypatch):
    from pipeline.readers import pdf

    real = pdf.lattice.rules

    def rules(page):
        if page.number == 1:  # the second page never ends
            signal.pause()
        return real(page)

    monkeypatch.setattr(pdf.lattice, "rules", rules)
    doc = read(text_pdf(tmp_path / "plan.pdf", 3), max_page_seconds=1, ocr=False)
    assert [p.number for p in doc.pages if p.method == "failed"] == [2]
    assert [d.page for d in doc.diagnostics if d.code == "page_too_slow"] == [2]
    assert sum(ln.text.startswith("Trang") for ln in doc.lines) == 2


def test_a_docx_whose_text_part_is_over_the_cap_is_skipped(tmp_path):
    from builders import render_docx

    from pipeline.config import Limits
    from pipeline.run import process_file

    path = render_docx(tmp_path / "big.docx", ["Nhiệm vụ: số hóa hồ sơ của xã, cập nhật hằng tháng."] * 8000)
    assert path.stat().st_size < 200_000
    outcome = process_file(path, Limits(max_docx_xml_bytes=500_000))
    assert outcome.status == "skipped" and "over the limit of 500,000" in outcome.message
    assert len(read(path).lines) >= 8000  # under the default cap it is read


def test_a_document_over_the_memory_limit_fails_alone(tmp_path, monkeypatch):
    import psutil

    from pipeline import run as run_module
    from pipeline.batch import run_batch
    from pipeline.config import Limits, RunConfig

    def hungry(doc):
        if "hungry" in doc.source_file:
            bytearray(8 << 30)

    monkeypatch.setattr(run_module, "STAGES", [*run_module.STAGES, ("hungry", hungry)])
    folder = plans(tmp_path / "in", OLD[:1])
    shutil.copy(seed_path(OLD[1]), folder / "hungry.txt")
    limit = psutil.Process().memory_info().vms + (2 << 30)  # workers are forked from this process
    config = RunConfig(limits=Limits(max_memory_bytes=limit), jobs=1)
    result = run_batch(sorted(folder.iterdir()), tmp_path / "out", config)
    status = {Path(d.source_file).name: (d.status, d.message) for d in result.documents}
    assert status["hungry.txt"] == ("skipped", "processing needed more memory than the per-document limit")
    assert status[f"plan_{OLD[0]}.txt"] == ("ok", None)


FAKE_TESSERACT = """#!/bin/sh
case "$1" in
  --version) echo "tesseract 5.3.0"; exit 0 ;;
  --list-langs) printf 'List of available languages (2):\\neng\\nvie\\n'; exit 0 ;;
esac
echo $$ >> "{pids}"
kill -{signal} $PPID
exec sleep 600
"""


@pytest.mark.parametrize("how", ["ALRM", "KILL"])  # the time limit strikes during OCR; the worker is killed
def test_no_tesseract_survives_its_worker(tmp_path, monkeypatch, how):
    import psutil
    import pytesseract

    from pipeline.batch import run_batch
    from pipeline.config import RunConfig
    from pipeline.readers import ocr

    pids = tmp_path / "tesseract.pids"
    fake = tmp_path / "tesseract"
    fake.write_text(FAKE_TESSERACT.format(pids=pids, signal=how))
    fake.chmod(0o755)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(fake))
    ocr.tesseract_languages.cache_clear()
    try:
        result = run_batch([text_pdf(tmp_path / "scan.pdf", 2, scan=2)], tmp_path / "out", RunConfig(jobs=1))
    finally:
        ocr.tesseract_languages.cache_clear()
    started = [psutil.Process(int(p)) for p in pids.read_text().split() if psutil.pid_exists(int(p))]
    assert pids.read_text().split(), "the fake Tesseract was run"
    _, alive = psutil.wait_procs(started, timeout=30)  # an upper bound: dead processes return at once
    alive = [p for p in alive if p.status() != psutil.STATUS_ZOMBIE]
    for process in alive:
        process.kill()
    assert not alive, "Tesseract processes outlived their worker"
    (doc,) = result.documents
    if how == "ALRM":
        assert doc.status == "ok"  # the page is lost, not the document
        diags = pd.read_parquet(tmp_path / "out" / "diagnostics.parquet")
        assert list(diags[diags.code == "page_too_slow"].page) == [2]
    else:
        assert (doc.status, doc.message) == ("failed", "the worker process crashed on this document")
