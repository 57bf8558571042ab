"""DOCX reader: Word versions of the seeds give the text reader's tables; merged and nested cells."""

from __future__ import annotations

import itertools
import shutil
import zipfile

import docx
import pytest
from builders import render_docx, seed_items, zip_bomb_docx

from pipeline.config import Limits
from pipeline.normalize.fold import fold
from pipeline.readers import ReadError, read_document
from pipeline.readers.legacy import table as legacy_table
from pipeline.stages import STAGES


def folded(tables) -> list[list[list[str]]]:
    return [[[fold(h) for h in t.header]] + [[fold(c.text) for c in r.cells] for r in t.rows] for t in tables]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("docx")
    return {p: read_document(render_docx(folder / f"{p}.docx", seed_items(p)), Limits()) for p in ("000", "001")}


@pytest.mark.parametrize("prefix", ["000", "001"])
def test_docx_tables_match_text_tables(built, seed_docs, prefix):
    doc = built[prefix]
    text_tables = [t for t in seed_docs[prefix].tables if t.layout == "tsv"]
    assert folded(doc.tables) == folded(text_tables)
    assert {t.layout for t in doc.tables} == {"docx"}
    assert [t.kind for t in doc.tables] == [t.kind for t in text_tables]


def test_rows_are_lines_too(built):
    doc = built["000"]
    assert [ln.no for ln in doc.lines] == list(range(1, len(doc.lines) + 1))
    for table in doc.tables:
        for row in table.rows:
            covered = doc.text_between(row.line_start, row.line_end)
            assert "\t" in covered
            for cell in row.cells:
                assert set(fold(cell.text).split()) <= set(fold(covered).split())


def test_merged_cells_are_resolved(tmp_path):
    """gridSpan leaves the covered columns empty; vMerge repeats the text in every row it covers."""
    items = seed_items("000")
    path = render_docx(tmp_path / "m.docx", items)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "w:gridSpan" in xml and "w:vMerge" in xml
    doc = read_document(path, Limits())
    group = [r for t in doc.tables for r in t.rows if r.cells[0].text in ("I", "II") and r.cells[1].text]
    assert group and all(not any(c.text for c in r.cells[2:]) for r in group)
    lasts = [r.cells[-1].text for r in doc.tables[0].rows]
    assert any(a == b and a for a, b in itertools.pairwise(lasts))  # merged down, text in both rows


def test_nested_table_is_flattened_into_its_cell(tmp_path):
    doc = read_document(render_docx(tmp_path / "n.docx", seed_items("000"), nested=True), Limits())
    cell = doc.tables[0].rows[0].cells[1].text
    assert "Năm | Mục tiêu; 2026 | ≥ 80%" in cell
    assert len(doc.tables) == 2


def test_headings_numbering_and_breaks(tmp_path):
    document = docx.Document()
    document.add_heading("MỤC ĐÍCH, YÊU CẦU", level=1)
    for text in ("Mục đích", "Yêu cầu"):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("Tỷ lệ phủ sóng 5G", style="List Bullet")
    para = document.add_paragraph("Dòng một")
    para.add_run().add_break()
    para.add_run("Dòng hai\tsau tab")
    document.save(tmp_path / "h.docx")
    doc = read_document(tmp_path / "h.docx", Limits())
    assert [ln.text for ln in doc.lines] == [
        "## MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "2. Yêu cầu",
        "- Tỷ lệ phủ sóng 5G",
        "Dòng một",
        "Dòng hai sau tab",
    ]
    for _name, stage in STAGES:
        stage(doc)
    assert [h.title for h in doc.headings][:1] == ["MỤC ĐÍCH, YÊU CẦU"]
    assert not doc.tables  # a layout tab in a paragraph is not a table


def test_zip_bomb_is_refused_before_extracting(tmp_path):
    path = zip_bomb_docx(tmp_path / "bomb.docx", uncompressed=8 << 20)
    assert path.stat().st_size < 1 << 20
    with pytest.raises(ReadError) as err:
        read_document(path, Limits(max_unzipped_bytes=4 << 20))
    assert err.value.code == "zip_bomb"
    assert read_document(path, Limits(max_unzipped_bytes=16 << 20)).lines[0].text == "Kế hoạch"


@pytest.mark.parametrize("keep", [0.3, 0.7, 0.95])
def test_truncated_docx_is_a_clear_error(tmp_path, keep):
    data = render_docx(tmp_path / "whole.docx", seed_items("000")[:40]).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ReadError) as err:
        read_document(path, Limits())
    assert err.value.code in ("corrupt", "unsupported_format")


@pytest.mark.skipif(shutil.which("soffice") is not None, reason="LibreOffice installed: .doc is converted")
def test_legacy_doc_without_libreoffice_says_so(tmp_path):
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    with pytest.raises(ReadError) as err:
        read_document(path, Limits())
    assert err.value.code == "doc_needs_libreoffice" and "LibreOffice" in str(err.value)


def test_vni_typed_document_is_converted(tmp_path):
    mapping, _ = legacy_table("vni")
    encode = {u: legacy for legacy, u in mapping.items()}
    lines = [x for x in seed_items("000") if isinstance(x, str)][:8]
    items = ["".join(encode.get(ch, ch) for ch in line) for line in lines]
    doc = read_document(render_docx(tmp_path / "vni.docx", items), Limits())
    assert [ln.text for ln in doc.lines] == lines
    assert any(d.code == "legacy_encoding" and "VNI" in d.reason for d in doc.diagnostics)
