"""Progress of a batch: a scan's pages reach the bar from the worker reading them; page-level limits on the CLI."""

from __future__ import annotations

import io
import multiprocessing

import pytest
from builders import render_scan
from rich.console import Console

from pipeline import progress
from pipeline.batch import Summary, run_batch
from pipeline.cli import DASK_LIMITS, _limits, build_parser, main
from pipeline.config import RunConfig
from pipeline.readers import ocr


def _worker(sha: str, pages: int) -> None:
    for number in range(1, pages + 1):
        progress.page_read(sha, number, pages)


def test_pages_read_in_forked_workers_reach_the_callback():
    seen = []
    context = multiprocessing.get_context("fork")
    with progress.PageFeed(lambda *event: seen.append(event)):
        workers = [context.Process(target=_worker, args=(sha, 3)) for sha in ("a" * 64, "b" * 64)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        progress.page_read("c" * 64, 1, 1)  # and in the batch's own process
    # every line written before the block ends is delivered when it ends, in order per document
    for sha, pages in (("a" * 64, 3), ("b" * 64, 3), ("c" * 64, 1)):
        assert [e for e in seen if e[0] == sha] == [(sha, n, pages) for n in range(1, pages + 1)]
    assert len(seen) == 7
    progress.page_read("d" * 64, 1, 1)  # outside a batch: nothing, no error
    assert len(seen) == 7


def test_bar_shows_a_scans_pages_until_it_is_done():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with progress.BatchBar(console, 2, show=True) as bar:
        bar.pages("in/scan.pdf", 2, 5)
        bar.bar.refresh()
        assert "scan.pdf pages" in out.getvalue() and "2/5" in out.getvalue()
        bar.document(Summary("in/scan.pdf", "ok", None, 1.0, {}))
        bar.pages("in/scan.pdf", 5, 5)  # a line read after the document was done: not shown again
        assert not bar.scans
        out.truncate(0)
        bar.bar.refresh()
        assert "scan.pdf" not in out.getvalue() and "1/2" in out.getvalue()


@pytest.mark.slow
def test_a_batch_reports_the_pages_of_a_scan(tmp_path):
    if ocr.tesseract_languages()[1]:
        pytest.skip("Tesseract is not installed (make system-deps)")
    import pymupdf

    pdf = pymupdf.open()
    for k, words in enumerate(["Trang đầu của bản quét", "Trang thứ hai", "Trang cuối cùng"]):
        pdf.insert_pdf(pymupdf.open(render_scan(tmp_path / f"p{k}.pdf", [words], dpi=150)))
    folder = tmp_path / "in"
    folder.mkdir()
    pdf.save(folder / "scan.pdf")
    (folder / "plain.txt").write_text("Kế hoạch không có trang quét\n", encoding="utf-8")
    seen = []
    done = []
    run_batch(
        [folder / "scan.pdf", folder / "plain.txt"],
        tmp_path / "out",
        RunConfig(jobs=1),
        progress=lambda s: done.append(s.source_file),
        pages=lambda *event: seen.append(event),
    )
    name = str(folder / "scan.pdf")
    assert seen == [(name, 1, 3), (name, 2, 3), (name, 3, 3)]
    assert sorted(done) == sorted([name, str(folder / "plain.txt")])


def test_page_time_limit_from_the_command_line(tmp_path, capsys):
    args = build_parser().parse_args(["run", "x", "--max-page-seconds", "7.5"])
    assert _limits(args).max_page_seconds == 7.5
    assert _limits(build_parser().parse_args(["run", "x"])).max_page_seconds == 120
    (tmp_path / "plan.txt").write_text("Kế hoạch\n", encoding="utf-8")
    assert main(["run", str(tmp_path / "plan.txt"), "--out", str(tmp_path / "out"), "--max-page-seconds", "0"]) == 2
    assert "--max-page-seconds must be a positive" in capsys.readouterr().err


def test_dask_says_which_limits_do_not_apply(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    from pipeline import executors

    monkeypatch.setattr(executors, "SCHEDULER_TIMEOUT", "1s")
    (tmp_path / "plan.txt").write_text("Kế hoạch\n", encoding="utf-8")
    args = ["--executor", "dask", "--scheduler", "tcp://127.0.0.1:9"]
    assert main(["run", str(tmp_path / "plan.txt"), "--out", str(tmp_path / "out"), *args]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert DASK_LIMITS in err and "cannot be reached" in err
