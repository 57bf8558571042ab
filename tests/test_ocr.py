"""Scanned pages: Tesseract text, tables rebuilt from word boxes, and a clear error without Tesseract."""

from __future__ import annotations

import pytest
from builders import render_pdf, render_scan, seed_tables
from rapidfuzz import fuzz

from pipeline.config import Limits
from pipeline.normalize.fold import fold
from pipeline.readers import ReadError, ocr, read_document

pytestmark = pytest.mark.slow


def scan_content():
    """A few prose lines and a four-column slice of Phụ lục I of the seed 000 (short cells)."""
    from builders import seed_items

    prose = [x for x in seed_items("000") if isinstance(x, str) and len(x) > 80][3:5]
    rows = [r for r in seed_tables("000")[0].segments[0] if len(r) >= 5][:5]
    short = [rows[0]] + [r for r in rows[1:] if len(r[4]) < 30]  # the page is narrower than the plan's table
    return prose, [[r[0], r[2], r[3], r[4]] for r in short]


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    if ocr.tesseract_languages()[1]:
        pytest.skip("Tesseract is not installed (make system-deps)")
    prose, table = scan_content()
    path = render_scan(tmp_path_factory.mktemp("scan") / "scan.pdf", prose, table)
    return prose, table, read_document(path, Limits())


def test_scan_text_is_read_by_ocr(scanned):
    prose, _table, doc = scanned
    page = doc.pages[0]
    assert page.method == "ocr" and page.ocr_confidence is not None and page.ocr_confidence > 60
    table_lines = {n for t in doc.tables for n in range(t.line_start, t.line_end + 1)}
    text = " ".join(ln.text for ln in doc.lines if ln.no not in table_lines)
    assert fuzz.ratio(fold(text), fold(" ".join(prose))) >= 90
    assert any(d.code == "ocr_page" for d in doc.diagnostics)


def test_scan_table_rebuilt_from_word_boxes(scanned):
    _prose, table, doc = scanned
    assert len(doc.tables) == 1
    found = doc.tables[0]
    assert found.layout == "ocr" and found.kind == "indicator"
    assert len(found.header) == len(table[0])
    assert len(found.rows) == len(table) - 1
    for got, want in zip(found.rows, table[1:], strict=True):
        assert len(got.cells) == len(want)
        assert fuzz.ratio(fold(" ".join(got.texts())), fold(" ".join(want))) >= 85


def test_without_tesseract_a_scan_is_a_clear_error(tmp_path, monkeypatch):
    path = render_scan(tmp_path / "scan.pdf", ["Kế hoạch triển khai"])
    monkeypatch.setattr(ocr, "tesseract_languages", lambda: (set(), "Tesseract OCR is not available"))
    with pytest.raises(ReadError) as err:
        read_document(path, Limits())
    assert err.value.code == "ocr_unavailable" and "tesseract" in str(err.value).lower()


def test_ocr_off_keeps_text_pages_and_reports_the_scan(tmp_path):
    """A PDF with a text page and a scanned page: with OCR off the text is read, the scan reported."""
    import pymupdf

    text_pdf = render_pdf(tmp_path / "text.pdf", ["Kế hoạch triển khai thực hiện Nghị quyết 57"])
    scan_pdf = render_scan(tmp_path / "scan.pdf", ["Tỷ lệ phủ sóng 5G"])
    merged = pymupdf.open(text_pdf)
    merged.insert_pdf(pymupdf.open(scan_pdf))
    merged.save(tmp_path / "both.pdf")
    doc = read_document(tmp_path / "both.pdf", Limits(ocr=False))
    assert doc.lines[0].text.startswith("Kế hoạch")
    assert [d.page for d in doc.diagnostics if d.code == "ocr_disabled"] == [2]


def test_every_tesseract_process_runs_one_thread(tmp_path, monkeypatch):
    """OpenMP threads of several Tesseracts fight over a small machine's cores (about 5x slower on two):
    each one the reader starts, for the cell strip and for the page, is single-threaded."""
    import subprocess

    if ocr.tesseract_languages()[1]:
        pytest.skip("Tesseract is not installed (make system-deps)")
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    started = []
    popen = subprocess.Popen.__init__

    def spy(self, args, *rest, **kwargs):
        if "tesseract" in str(args[0]):
            started.append((args, (kwargs.get("env") or {}).get("OMP_THREAD_LIMIT")))
        popen(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", spy)
    prose, table = scan_content()
    doc = read_document(render_scan(tmp_path / "scan.pdf", prose, table), Limits(ocr_threads=1))
    reads = [limit for args, limit in started if "-l" in args]
    assert doc.tables and len(reads) >= 2, started  # the cell strip and the page around the table
    assert set(reads) == {"1"}, started
