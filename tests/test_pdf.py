"""PDF reader: the seeds' content laid out as PDFs must give the tables the text reader finds.

Documents are built at test time (tests/builders.py) from the seed text exports:
ruled tables (pdfplumber), unruled tables (word-box columns), landscape pages
for wide tables, pages stored portrait with /Rotate 90, page-break header
repeats and rows cut by a page break, vertically and horizontally merged cells.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from builders import TableItem, render_pdf, seed_items, seed_path

from pipeline.config import Limits
from pipeline.normalize.fold import fold
from pipeline.readers import ReadError, read_document, sniff
from pipeline.readers.legacy import table as legacy_table
from pipeline.stages import STAGES

pytestmark = pytest.mark.slow
VARIANTS = {"ruled": {}, "unruled": {"ruled": False}, "rotated": {"rotate_tables": True}}


def folded_tables(doc) -> list[list[list[str]]]:
    return [[[fold(h) for h in t.header]] + [[fold(c.text) for c in r.cells] for r in t.rows] for t in doc.tables]


def run_stages(doc):
    doc = copy.deepcopy(doc)
    for _name, stage in STAGES:
        stage(doc)
    return doc


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(prefix, variant) -> the PDF read back, built once per module."""
    folder = tmp_path_factory.mktemp("pdf")
    cache: dict[tuple[str, str], object] = {}

    def get(prefix: str, variant: str):
        if (prefix, variant) not in cache:
            path = render_pdf(folder / f"{prefix}_{variant}.pdf", seed_items(prefix), **VARIANTS[variant])
            cache[(prefix, variant)] = read_document(path, Limits())
        return cache[(prefix, variant)]

    return get


@pytest.mark.parametrize("variant", list(VARIANTS))
@pytest.mark.parametrize("prefix", ["000", "001"])
def test_pdf_tables_match_text_tables(built, seed_docs, prefix, variant):
    doc = built(prefix, variant)
    text_tables = [t for t in seed_docs[prefix].tables if t.layout == "tsv"]
    assert len(text_tables) >= 2
    expected = [[[fold(h) for h in t.header]] + [[fold(c.text) for c in r.cells] for r in t.rows] for t in text_tables]
    assert folded_tables(doc) == expected
    layout = "pdf-aligned" if variant == "unruled" else "pdf-ruled"
    assert {t.layout for t in doc.tables} == {layout}
    assert [t.kind for t in doc.tables] == [t.kind for t in text_tables]


@pytest.mark.parametrize("variant", ["ruled", "rotated"])
def test_pages_record_size_rotation_and_method(built, variant):
    doc = built("000", variant)
    # ruled grids close, so PyMuPDF's rules give the tables and pdfplumber (the fallback) is not needed
    assert {p.method for p in doc.pages} == {"pymupdf"}
    wide = [p for p in doc.pages if p.number in {t.page for t in doc.tables if len(t.header) >= 7}]
    assert wide and all(p.width > p.height for p in wide)  # landscape as displayed
    assert all(p.rotation == (90 if variant == "rotated" else 0) for p in wide)


def test_provenance_lines_pages_and_boxes(built):
    doc = built("000", "ruled")
    assert [ln.no for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    pages = [ln.page for ln in doc.lines]
    assert pages == sorted(pages) and None not in pages
    for table in doc.tables:
        for row in table.rows:
            covered = doc.text_between(row.line_start, row.line_end)
            for cell in row.cells:  # a row cut by a page break has the repeated header between its parts
                assert set(fold(cell.text).split()) <= set(fold(covered).split())
                assert cell.bbox is None or cell.page == doc.page_of(cell.line_start)
    # a row cut by a page break spans two pages' lines and is one row
    split = [r for t in doc.tables for r in t.rows if doc.page_of(r.line_start) != doc.page_of(r.line_end)]
    assert split
    assert any(d.code == "header_repeat" for d in doc.diagnostics)


def test_text_stage_does_not_find_the_tables_again(built):
    doc = run_stages(built("000", "ruled"))
    spans = [(t.line_start, t.line_end) for t in doc.tables]
    assert len(spans) == len(set(spans)) == 2


@pytest.mark.parametrize("variant", ["ruled", "unruled"])
def test_indicators_and_tasks_match_the_text_seed(built, seed_docs, variant):
    """Same plan, two formats: the table indicators and tasks must agree."""
    seed = seed_docs["000"]
    doc = run_stages(built("000", variant))

    def indicators(d):
        return [(fold(i.name), i.comparator, i.value) for i in d.indicators if i.source == "table"]

    def tasks(d):
        return [(fold(t.title), t.code) for t in d.tasks if t.source == "table"]

    assert indicators(seed), "the indicator extractor finds nothing in the text seed yet"
    assert indicators(doc) == indicators(seed)
    assert tasks(doc) == tasks(seed)


# ---------------------------------------------------------------- bad input


@pytest.fixture(scope="module")
def small_pdf(tmp_path_factory) -> Path:
    items = [x for x in seed_items("000") if isinstance(x, str)][:12]
    return render_pdf(tmp_path_factory.mktemp("small") / "small.pdf", items)


def test_encrypted_pdf_needs_password(tmp_path):
    path = render_pdf(tmp_path / "locked.pdf", ["Kế hoạch triển khai"], encrypt="user-secret")
    with pytest.raises(ReadError) as err:
        read_document(path, Limits())
    assert err.value.code == "encrypted"


def test_encrypted_pdf_with_empty_user_password_is_read(tmp_path):
    path = render_pdf(tmp_path / "owner-only.pdf", ["Kế hoạch triển khai"], encrypt="")
    assert read_document(path, Limits()).lines[0].text == "Kế hoạch triển khai"


@pytest.mark.parametrize("keep", [0.02, 0.5, 0.9])
def test_truncated_pdf_is_a_clear_error(small_pdf, tmp_path, keep):
    data = small_pdf.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: int(len(data) * keep)])
    try:
        doc = read_document(path, Limits())
    except ReadError as err:
        assert err.code in ("corrupt", "no_pages") and "PDF" in str(err)
    else:  # repaired without losing a page: then it must be flagged
        assert any(d.code == "pdf_repaired" for d in doc.diagnostics)


def test_page_limit_is_reported_not_half_processed(small_pdf):
    pages = read_document(small_pdf, Limits()).pages
    with pytest.raises(ReadError) as err:
        read_document(small_pdf, Limits(max_pages=len(pages) - 1))
    assert err.value.code == "too_many_pages"


def test_pdf_without_pages(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    )
    with pytest.raises(ReadError) as err:
        read_document(path, Limits())
    assert err.value.code in ("no_pages", "corrupt")


def test_junk_named_pdf_is_not_read_as_pdf():
    assert sniff(bytes(range(256)) * 8) == "binary"


def test_legacy_font_text_layer_is_converted(tmp_path):
    """A PDF typed in a TCVN3 font: its text layer is Latin-1 mojibake until converted."""
    mapping, _ = legacy_table("tcvn3")
    encode = {u: legacy for legacy, u in mapping.items()}
    lines = [x for x in seed_items("000") if isinstance(x, str)][:10]
    mojibake = ["".join(encode.get(ch, ch) for ch in line) for line in lines]
    assert mojibake != lines
    doc = read_document(render_pdf(tmp_path / "tcvn3.pdf", mojibake), Limits())
    assert [fold(ln.text) for ln in doc.lines] == [fold(x) for x in lines]
    assert any(d.code == "legacy_encoding" and "TCVN3" in d.reason for d in doc.diagnostics)


def test_seed_tables_are_rendered_from_the_seed():
    """Guard for the builders: every tab-separated line of the seed ends up in a table item."""
    text = seed_path("000").read_text(encoding="utf-8")
    rows = sum(len(seg) for it in seed_items("000") if isinstance(it, TableItem) for seg in it.segments)
    assert rows == sum(1 for line in text.split("\n") if "\t" in line)
